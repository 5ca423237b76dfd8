"""``RemoteApp``: what OAuth 1 and OAuth 2 apps share: settings, token lookup, API calls.

A remote app is built once per (Flask app, name) and lives as long as the Flask app.
It owns one pooled HTTP session; what it needs of the registry (cache, flow-state
lifetime, token callbacks) comes bound in a :class:`~.context.ClientContext`.
Subclasses say how a token is put on a request and how an expired one is renewed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from flask import Flask, g, has_app_context, redirect
from flask import session as flask_session
from werkzeug.wrappers import Response as WerkzeugResponse

from .compliance import fix_protected_request
from .config import ClientConfig
from .context import ClientContext, UserAccess
from .dpop_client import DPoPSigner, send_with_nonce_retry
from .errors import ConfigurationError, MissingTokenError, UnsafeRequestUrlError
from .flowstate import FlowStateStore
from .http import build_session, send
from .renewal import Renewal, TokenRenewal
from .retry import send_retrying_once
from .signals import token_update
from .tokens import OAuth2Token

_EXPLICIT_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)


@lru_cache(maxsize=512)
def join_api_url(base: str, url: str) -> str:
    """Join a relative API path onto ``api_base_url`` the way Authlib does (urljoin).

    ``/path`` is on the base's origin, ``path`` under the base; an explicit
    ``https://`` or ``http://`` URL is used as it is.  Anything else that would
    leave the base's origin (``//host``, ``\\\\host``, ``https:path``) raises
    :class:`UnsafeRequestUrlError` before a token is attached: a path taken from
    user input must not carry the bearer token to another host.
    """
    if _EXPLICIT_ABSOLUTE.match(url):
        return url
    try:
        joined = urljoin(base, url)
        # Browsers and some proxies read a backslash as "/": "/<backslash>host" may name a host too.
        leaves = "\\" in url.split("?", 1)[0].split("#", 1)[0] or bool(urlsplit(url).scheme)
        leaves = leaves or _origin(joined) != _origin(base)
    except ValueError:  # e.g. "//[bad" (an invalid IPv6 host)
        leaves = True
    if leaves:
        raise UnsafeRequestUrlError(
            description="a relative API URL would leave api_base_url's host "
            "(a //host, backslash or scheme-relative form); pass an absolute https:// URL to call another host"
        )
    return joined


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


T = TypeVar("T")


class ConfigValue(Generic[T]):
    """An Authlib-compatible attribute that reads one config field; dict settings come back as copies."""

    def __init__(self, field: str, copy: bool = False) -> None:
        self.field = field
        self.copy = copy

    def __get__(self, app: RemoteApp | None, owner: type | None = None) -> T:
        if app is None:
            return self  # type: ignore[return-value]  # looked up on the class (docs, introspection)
        value = getattr(app.config, self.field)
        return dict(value) if self.copy and value is not None else value  # type: ignore[no-any-return,return-value]


class RemoteApp:
    """Base of :class:`OAuth1App` and :class:`OAuth2App`; not used directly."""

    #: Set by OAuth2App to True; lets code tell the two apart like Authlib's classes.
    is_oauth2 = False
    #: How tokens are renewed (OAuth 2); ``None`` for OAuth 1.0a, whose tokens do not expire.
    _renewal: TokenRenewal | None = None
    #: DPoP proofs and server nonces of API calls (OAuth 2, :mod:`.dpop_client`); ``None`` for OAuth 1.0a.
    _dpop: DPoPSigner | None = None

    def __init__(self, config: ClientConfig, context: ClientContext, flask_app: Flask) -> None:
        self.config = config
        self.name = config.name
        #: The cache, flow-state lifetime and token callbacks this app was built with.
        self.context = context
        self._flask_app = flask_app
        self._g_key = f"_oauth_token_{config.name}"
        self._timeout = config.timeout
        self._requests_settings = config.requests_settings
        self.session: requests.Session = build_session(config.user_agent, config.compliance_fix, config.pool_maxsize)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # -- Authlib-compatible attributes (read-only views of the config) -------------
    client_id = ConfigValue[str | None]("client_id")
    client_secret = ConfigValue[str | None]("client_secret")
    access_token_url = ConfigValue[str | None]("access_token_url")
    access_token_params = ConfigValue[dict[str, Any]]("access_token_params", copy=True)
    authorize_url = ConfigValue[str | None]("authorize_url")
    authorize_params = ConfigValue[dict[str, Any]]("authorize_params", copy=True)
    request_token_url = ConfigValue[str | None]("request_token_url")
    request_token_params = ConfigValue[dict[str, Any]]("request_token_params", copy=True)
    api_base_url = ConfigValue[str | None]("api_base_url")
    client_kwargs = ConfigValue[dict[str, Any]]("client_kwargs", copy=True)

    # -- flow state --------------------------------------------------------------
    def _flow_store(self, kind: str = "state") -> FlowStateStore:
        return FlowStateStore(self.name, flask_session, self.context.cache, ttl=self.context.state_ttl, kind=kind)

    # -- tokens ------------------------------------------------------------------
    @property
    def token(self) -> dict[str, Any] | None:
        """The token for this request: set on ``g`` by a login, or from ``fetch_token``."""
        # g resolved once: every call through Flask's proxy costs more than the rest of this (``required`` reads it
        # on every request).
        request_globals = g._get_current_object()
        token = request_globals.get(self._g_key)
        if token:
            return token
        fetched = self.context.fetch_token()
        if fetched is None:
            return None
        return self._keep_token(request_globals, fetched)

    @token.setter
    def token(self, token: Mapping[str, Any] | None) -> None:
        self._keep_token(g._get_current_object(), token)

    def _keep_token(self, request_globals: Any, token: Mapping[str, Any] | None) -> Any:
        """Put ``token`` on ``g`` for this request; return what was put there."""
        # OAuth 2 tokens are kept as OAuth2Token, whose repr() hides the credentials.
        if self.is_oauth2 and isinstance(token, Mapping) and not isinstance(token, OAuth2Token):
            token = OAuth2Token(token)
        setattr(request_globals, self._g_key, token)
        return token

    def _notify_token_update(self, token: dict[str, Any], refresh_token: str | None, access_token: str | None) -> None:
        """Call ``update_token`` and send ``token_update``, once, inside an app context."""

        def notify() -> None:
            self.context.update_token(token, refresh_token=refresh_token, access_token=access_token)
            token_update.send(
                self._flask_app, name=self.name, token=token, refresh_token=refresh_token, access_token=access_token
            )

        if has_app_context():
            notify()
        else:
            with self._flask_app.app_context():
                notify()

    def _resolve_token(self, token: Any) -> MutableMapping[str, Any]:
        """The token to use: the argument, else ``g``, else ``fetch_token``, else the app's own (no user: DESIGN 13)."""
        if token is None and has_app_context():
            token = self.token
        if not token and self._renewal is not None:
            token = self._renewal.machine_token()
        if not token:
            raise MissingTokenError(description=f"no token for {self.name!r}: pass token=, log in, or set fetch_token")
        if hasattr(token, "to_token") and not isinstance(token, Mapping):
            token = token.to_token()
        return token

    def _adopt_renewal(self, caller_token: MutableMapping[str, Any], renewal: Renewal | None) -> bool:
        """Put a renewal's token in the caller's dict, and on ``g`` (the setter's rule) if it held the old one.

        The caller that performed the renewal notifies ``update_token`` once.  False without a renewal.
        """
        if renewal is None:
            return False
        current = g.get(self._g_key) if has_app_context() else None
        if caller_token is not renewal.new:
            caller_token.clear()
            caller_token.update(renewal.new)
        if current is not None and (current is caller_token or _same_token(current, renewal.old)):
            self.token = caller_token
        if renewal.performed:
            self._notify_token_update(OAuth2Token(renewal.new), renewal.refresh_token, renewal.access_token)
        return True

    # -- API calls ---------------------------------------------------------------
    def _apply_token(self, token: MutableMapping[str, Any], kwargs: dict[str, Any]) -> MutableMapping[str, Any]:
        raise NotImplementedError

    def apply_token(self, url: str, kwargs: dict[str, Any], token: Any = None, method: str = "GET") -> str:
        """Put the token (``token=``, else ``g``, else ``fetch_token``) on an API call's requests ``kwargs``.

        An expired OAuth 2 token is renewed first (once, notifying ``update_token``);
        the provider's ``protected_request`` compliance hooks run; a ``DPoP`` token
        gets its proof for ``method`` and the final URL.  Returns the URL to call (a
        hook may change it).  :meth:`request` and :meth:`authorized_session` use it.
        """
        applied = self._apply_token(self._resolve_token(token), kwargs)
        target = fix_protected_request(self.session, applied, url, kwargs)
        if self._dpop is not None:
            self._dpop.sign_call(method, target, kwargs, applied)
        return target

    def request(
        self, method: str, url: str, token: Any = None, withhold_token: bool = False, **kwargs: Any
    ) -> requests.Response:
        """Send an API request; ``url`` may be relative to ``api_base_url``.

        The token is taken from ``token=``, ``g`` or ``fetch_token`` and renewed
        first when it has expired; ``withhold_token=True`` sends none.  Other
        keyword arguments go to :meth:`requests.Session.request`.
        """
        return self._request(method, url, "API call", token, withhold_token, **kwargs)

    def _request(
        self, method: str, url: str, purpose: str, token: Any = None, withhold_token: bool = False, **kwargs: Any
    ) -> requests.Response:
        """:meth:`request`, with the ``purpose`` that transport errors name; retried once on 401 (:mod:`.retry`)."""
        base = self.config.api_base_url
        url = join_api_url(base, url) if base else url
        kwargs.setdefault("timeout", self._timeout)
        for key, value in self._requests_settings.items():
            kwargs.setdefault(key, value)
        if withhold_token:
            return send(self.session, method, url, purpose=purpose, **kwargs)
        return send_with_token(
            self, lambda target, sent: send(self.session, method, target, purpose=purpose, **sent), url, kwargs,
            self._resolve_token(token), method,
        )

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """``request("GET", url, ...)``."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        """``request("POST", url, ...)``."""
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> requests.Response:
        """``request("PUT", url, ...)``."""
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> requests.Response:
        """``request("PATCH", url, ...)``."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> requests.Response:
        """``request("DELETE", url, ...)``."""
        return self.request("DELETE", url, **kwargs)

    # -- the current user's authorization (flask_oauth_registry.views) -----------
    def _user_access(self) -> UserAccess:
        if self.context.user_access is None:
            raise ConfigurationError(description=f"{self.name!r} was not built by an OAuth registry (oauth.register)")
        return self.context.user_access

    def required(self, view: Callable[..., Any] | None = None, *, scopes: Sequence[str] | None = None) -> Any:
        """Decorate a view to run only for a user who authorized this app (and granted every one of ``scopes``).

        ``@oauth.google.required`` or ``@oauth.google.required(scopes=[...])``; other
        users are sent through the ready routes' login and back to the URL they asked for.
        """
        return self._user_access().required(self, view, scopes)

    def has_credentials(self, scopes: Sequence[str] | None = None) -> bool:
        """Whether the current user has a usable token for this app, granting every one of ``scopes``."""
        return self._user_access().has_credentials(self, scopes)

    @property
    def credentials(self) -> dict[str, Any] | None:
        """The current user's token for this app (``g``, else ``fetch_token`` or the storage), or ``None``."""
        return self._user_access().credentials(self)  # type: ignore[no-any-return]

    @property
    def granted_scopes(self) -> frozenset[str]:
        """The scopes the current user's token was granted (empty for OAuth 1.0a or without a token)."""
        return self._user_access().granted_scopes(self)

    @property
    def email(self) -> str | None:
        """The current user's ``email`` claim: from the ID token's claims, else the (normalized) userinfo."""
        return self._user_access().claim(self, "email")  # type: ignore[no-any-return]

    @property
    def user_id(self) -> str | None:
        """The current user's ``sub`` claim at this provider, read like :attr:`email`."""
        return self._user_access().claim(self, "sub")  # type: ignore[no-any-return]

    def authorized_session(self) -> requests.Session:
        """A :class:`requests.Session` on this app's pool that calls as the current user (and refreshes)."""
        return self._user_access().authorized_session(self)  # type: ignore[no-any-return]

    # -- helpers for subclasses --------------------------------------------------
    def _protocol_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Timeout and TLS/proxy settings for a protocol request (never redirects)."""
        kwargs.setdefault("timeout", self._timeout)
        kwargs.setdefault("allow_redirects", False)
        for key, value in self._requests_settings.items():
            kwargs.setdefault(key, value)
        return kwargs

    @staticmethod
    def _redirect(url: str) -> WerkzeugResponse:
        return redirect(url, code=302)


def send_with_token(
    app: RemoteApp, send_call: Callable[[str, dict[str, Any]], requests.Response], url: str, kwargs: dict[str, Any],
    token: MutableMapping[str, Any], method: str = "GET",
) -> requests.Response:
    """``send_call(url, kwargs)`` with ``token`` put on them (:meth:`RemoteApp.apply_token`), retried once on 401.

    When the API refuses the token (:mod:`.retry`, ``retry_on_401``) it is renewed
    through the app's single flight, written into ``token`` and notified once, as
    on expiry, and the call sent again.  A DPoP call answered with a nonce
    challenge is sent once more with the new nonce (:func:`.send_with_nonce_retry`).
    API calls and ``authorized_session()`` use it; ``method`` is the call's (a DPoP proof names it).
    """
    renewal, sent_with = app._renewal, dict(token)

    def signed_send(call_kwargs: dict[str, Any]) -> tuple[str, requests.Response]:
        nonlocal sent_with
        target = app.apply_token(url, call_kwargs, token, method)
        # The token as sent: when a thread sharing the dict renews it meanwhile, it is not renewed a second time.
        sent_with = dict(token)
        return target, send_call(target, call_kwargs)

    def send_once(call_kwargs: dict[str, Any]) -> requests.Response:
        return send_with_nonce_retry(signed_send, call_kwargs, app._dpop)  # type: ignore[no-any-return]

    return send_retrying_once(
        send_once, kwargs, renewal is not None and app.config.retry_on_401,
        lambda: renewal is not None and app._adopt_renewal(token, renewal.renew_rejected(sent_with)),
    )


def _same_token(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a.get("access_token") == b.get("access_token") and a.get("refresh_token") == b.get("refresh_token")
