"""``AuthlibSessionShim``: what Authlib's ``_get_oauth_client()`` returns, for extensions that reach for it.

Extensions built on Authlib's Flask client go past its public API; flask-oidc, for
one, checks the login's token before every request like this::

    metadata = oauth.oidc.load_server_metadata()
    with oauth.oidc._get_oauth_client(**metadata) as session:
        if session.ensure_active_token(token) is None:
            ...  # expired and cannot be renewed
        answer = session.introspect_token(metadata["introspection_endpoint"], token=raw).json()

Authlib builds a new ``OAuth2Session`` for each call.  The shim offers just those
calls and delegates each to the remote app, so a refresh goes through the app's
single-flight path, ``update_token`` and ``token_update``, and requests through its
pooled session.  It is a compatibility shim: new code calls
:meth:`~flask_oauth_registry.OAuth2App.introspect_token`, and API calls renew the
token by themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, Protocol

import requests

from .answers import ProtocolAnswer
from .errors import MissingTokenError, TokenExpiredError
from .introspection import token_value

#: Keyword arguments of ``introspect_token`` passed on to the HTTP request.
_REQUEST_SETTINGS = frozenset({"headers", "timeout", "verify", "cert", "proxies"})


class ShimmedApp(Protocol):
    """What the shim needs of an :class:`~.oauth2.OAuth2App` (typed here so this module does not import it)."""

    @property
    def name(self) -> str: ...

    @property
    def client_id(self) -> str | None: ...

    @property
    def server_metadata(self) -> dict[str, Any]: ...

    def _refresh_if_expired(self, token: MutableMapping[str, Any]) -> MutableMapping[str, Any]: ...

    def _introspection_request(
        self, endpoint: str, token: str, token_type_hint: str | None, **request_kwargs: Any
    ) -> tuple[requests.Response, ProtocolAnswer]: ...


class AuthlibSessionShim:
    """The part of Authlib's ``OAuth2Session`` that extensions use, backed by an :class:`OAuth2App`.

    A context manager, as Authlib's session is; leaving it closes nothing (the
    app's pooled HTTP session stays open for the next call).
    """

    def __init__(self, app: ShimmedApp, metadata: Mapping[str, Any]) -> None:
        self._app = app
        #: The provider metadata known to the app, with the keyword arguments given on top (Authlib's).
        self.metadata: dict[str, Any] = {**app.server_metadata, **metadata}
        #: The token of the last :meth:`ensure_active_token`; the default for :meth:`introspect_token`.
        self.token: MutableMapping[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<AuthlibSessionShim for {self._app.name!r}>"

    def __enter__(self) -> AuthlibSessionShim:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    @property
    def client_id(self) -> str | None:
        return self._app.client_id

    def ensure_active_token(self, token: MutableMapping[str, Any] | None = None) -> bool | None:
        """Renew ``token`` in place if it has expired; ``True`` when it is usable, else ``None``.

        ``None``, not ``False``, is what Authlib returns for an expired token that
        cannot be renewed (no refresh token), and what flask-oidc tests for.  The
        renewed token also replaces the one on ``g`` and is given to
        ``update_token``; a refused refresh raises the provider's error.
        """
        token = self._token_or(token)
        try:
            self.token = self._app._refresh_if_expired(token)
        except TokenExpiredError:
            return None
        return True

    def introspect_token(
        self, url: str, token: Mapping[str, Any] | str | None = None, token_type_hint: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """POST ``token`` to the introspection endpoint ``url`` (RFC 7662); return the response as it came.

        As Authlib's, the answer is not checked: read it with ``.json()``.  Without
        ``token``, :attr:`token`'s refresh token, else its access token, is sent.
        ``kwargs`` may be ``headers``, ``timeout``, ``verify``, ``cert``, ``proxies``.
        """
        unknown = sorted(set(kwargs) - _REQUEST_SETTINGS)
        if unknown:
            raise TypeError(f"introspect_token() got unexpected keyword arguments: {', '.join(unknown)}")
        if token is None:
            current = self._token_or(None)
            token = current.get("refresh_token") or current.get("access_token")
        response, _ = self._app._introspection_request(url, token_value(token, token_type_hint), token_type_hint,
                                                       **kwargs)
        return response

    def _token_or(self, token: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        token = self.token if token is None else token
        if token is None:
            raise MissingTokenError(description="no token: pass one to ensure_active_token() or introspect_token()")
        return token

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"{type(self).__name__} has no {name!r}: it offers only ensure_active_token(), introspect_token(), "
            "token and metadata of Authlib's session; call the remote app's methods instead"
        )
