"""oauth2client's Flask helper, ``UserOAuth2``: the same names, config keys and routes, over this library's login.

``from flask_oauth_registry.compat.oauth2client.contrib.flask_util import UserOAuth2``
replaces ``from oauth2client.contrib.flask_util import UserOAuth2``::

    app.config["GOOGLE_OAUTH2_CLIENT_SECRETS_FILE"] = "client_secrets.json"
    oauth2 = UserOAuth2(app, include_granted_scopes=True)

    @app.route("/drive")
    @oauth2.required(scopes=["https://www.googleapis.com/auth/drive.readonly"])
    def drive():
        http = oauth2.http()
        ...

Each login is one of this library's (Google's preset: state single use and bound
to the browser, PKCE, nonce, the ID token verified against the provider's keys),
so the original's holes are gone:

- ``/oauth2authorize`` reads only ``return_url`` and ``scopes`` from the query;
  ``auth_uri``, ``token_uri``, ``client_id``, ``redirect_uri`` or anything else there
  is ignored (oauth2client passed every query parameter to the flow, so a link could
  send the code and the client secret to another host);
- ``return_url`` (and the referrer) must be a path on this site, else ``/``;
- nothing is pickled: the flow state is JSON data, single use, in the session or
  the cache;
- the client secret is never in the cookie, and with ``cache=`` the tokens are not
  either (the cookie keeps an opaque id): see :mod:`._flask_util_storage`;
- ``email`` and ``user_id`` come from the ID token once its signature (the provider's
  JWKS), ``iss`` and ``aud`` check out, never from claims merely decoded;
- the scopes a view requires are checked against the scopes granted, not asked for.

Added keywords (this library's): ``cache=`` (a cachelib cache for flow state and
tokens), ``user_id=`` (a callable: store tokens per application user rather than per
browser session) and ``server_metadata_url=`` (another OpenID provider's discovery).
``storage=`` takes an oauth2client ``Storage`` as before, or a
:class:`~flask_oauth_registry.storage.TokenStorage`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Flask, current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response

from ....registry.context import Cache
from ....registry.errors import OAuthError, ProviderError
from ....storage import CacheStorage, SessionStorage, TokenStorage
from ....views.error_page import answer_route_error, install_error_page
from ....views.login import requested_path
from ....views.return_path import safe_return_path
from ....views.scopes import merge_scopes, parse_scopes
from ....views.user_tokens import TokenOwners
from .. import client, transport
from ._flask_util_config import build_remote_app, resolve_client, split_flow_kwargs
from ._flask_util_identity import missing_scopes, verified_claims
from ._flask_util_storage import ClientSettings, UserTokenStorage, credentials_from_token

logger = logging.getLogger(__name__)

#: ``app.extensions`` key of the extension (oauth2client's).
EXTENSION_KEY = "googleoauth2"
#: The blueprint's name: its endpoints are ``oauth2.authorize`` and ``oauth2.callback``.
BLUEPRINT_NAME = "oauth2"
DEFAULT_SCOPES = ("email",)
_CREDENTIALS_G_KEY = "_oauth2client_credentials"
_CLAIMS_G_KEY = "_oauth2client_claims"


class UserOAuth2:
    """Flask extension for OAuth 2.0 logins with Google (oauth2client's ``UserOAuth2``).

    ``UserOAuth2(app, ...)`` or ``UserOAuth2()`` then :meth:`init_app`; the
    arguments are :meth:`init_app`'s.  Config keys: ``GOOGLE_OAUTH2_CLIENT_SECRETS_FILE``,
    or ``GOOGLE_OAUTH2_CLIENT_ID`` and ``GOOGLE_OAUTH2_CLIENT_SECRET``; ``GOOGLE_OAUTH2_SCOPES``.
    """

    def __init__(self, app: Flask | None = None, *args: Any, **kwargs: Any) -> None:
        self.app = app
        if app is not None:
            self.init_app(app, *args, **kwargs)

    def init_app(
        self, app: Flask, scopes: Sequence[str] | None = None, client_secrets_file: str | None = None,
        client_id: str | None = None, client_secret: str | None = None,
        authorize_callback: Callable[[Any], Any] | None = None, storage: Any = None,
        cache: Cache | None = None, user_id: Callable[[], Any] | None = None, **kwargs: Any,
    ) -> None:
        """Configure the extension for ``app`` and register the ``oauth2`` blueprint.

        ``kwargs`` are what oauth2client gave every flow: authorization-URL
        parameters (``include_granted_scopes=True``, ``prompt="consent"``,
        ``login_hint``...), ``user_agent``, and the endpoints ``auth_uri``,
        ``token_uri``, ``revoke_uri`` (settings of yours; a request never sets them).
        """
        self.app = app
        self.authorize_callback = authorize_callback
        self.flow_kwargs = dict(kwargs)
        self.client_id, self.client_secret, endpoints = resolve_client(app, client_secrets_file, client_id,
                                                                       client_secret)
        self.scopes = tuple(parse_scopes(scopes or app.config.get("GOOGLE_OAUTH2_SCOPES", DEFAULT_SCOPES)))
        flow = split_flow_kwargs(kwargs)
        self._user_agent = flow.user_agent
        # openid always: the ID token is what email and user_id come from, verified.
        self._remote = build_remote_app(app, self.client_id, self.client_secret, endpoints, flow,
                                        merge_scopes(("openid",), self.scopes), cache)
        if storage is None or isinstance(storage, TokenStorage):
            tokens = storage or (CacheStorage(cache) if cache is not None else SessionStorage())
            storage = UserTokenStorage(tokens, TokenOwners(user_id), self._client_settings)
        self.storage = storage
        app.extensions[EXTENSION_KEY] = self
        install_error_page(app)
        app.register_blueprint(self._create_blueprint())

    def _create_blueprint(self) -> Blueprint:
        blueprint = Blueprint(BLUEPRINT_NAME, __name__)
        blueprint.add_url_rule("/oauth2authorize", "authorize", self.authorize_view)
        blueprint.add_url_rule("/oauth2callback", "callback", self.callback_view)
        return blueprint

    def _client_settings(self) -> ClientSettings:
        metadata = self._remote.load_server_metadata()
        return ClientSettings(
            client_id=self.client_id, client_secret=self.client_secret,
            token_uri=self._remote.config.access_token_url or metadata.get("token_endpoint"),
            revoke_uri=metadata.get("revocation_endpoint"), user_agent=self._user_agent,
        )

    # -- the routes --------------------------------------------------------------------
    def authorize_view(self) -> Response:
        """``GET /oauth2authorize?return_url=/path&scopes=...``: start a login; nothing else is read from the query."""
        return_url = request.args.get("return_url") or _same_site_referrer() or "/"
        scopes = parse_scopes(request.args.getlist("scopes"))
        try:
            return self._start_login(return_url, scopes)
        except OAuthError as error:
            return answer_route_error(error)

    def callback_view(self) -> Response:
        """``GET /oauth2callback``: check the state (once), exchange the code, verify the ID token, store, go back."""
        try:
            return self._finish_login()
        except OAuthError as error:
            logger.info("oauth2client login failed: %s", error.error)
            return answer_route_error(error)

    def authorize_url(self, return_url: str, **kwargs: Any) -> str:
        """The URL of ``/oauth2authorize`` coming back to ``return_url`` (a path on this site).

        Of ``kwargs`` only ``scopes`` is used by the route; authorization-URL
        parameters belong in :meth:`init_app` or :meth:`required`, not in a URL anyone can edit.
        """
        return url_for(f"{BLUEPRINT_NAME}.authorize", return_url=return_url, **kwargs)

    # -- the login ---------------------------------------------------------------------
    def _start_login(self, return_url: str, scopes: Sequence[str], params: dict[str, str] | None = None) -> Response:
        """Redirect to the provider asking for the app's, the granted and ``scopes``; save the flow server-side."""
        credentials = self.credentials
        granted = sorted(credentials.scopes) if credentials is not None else ()
        wanted = merge_scopes(("openid",), self.scopes, granted, scopes)
        redirect_uri = url_for(f"{BLUEPRINT_NAME}.callback", _external=True)
        result = self._remote.create_authorization_url(redirect_uri, **(params or {}), scope=" ".join(wanted))
        self._remote.save_authorize_data(
            redirect_uri=redirect_uri, **result, next=safe_return_path(return_url), scopes=list(wanted),
            required_scopes=list(scopes),
        )
        return redirect(result["url"], code=302)

    def _finish_login(self) -> Response:
        token, saved = self._remote.authorize_access_token_with_data()
        credentials = credentials_from_token(token, self._client_settings())
        if not credentials.scopes:  # RFC 6749 5.1: no scope in the answer means the scope asked for
            credentials.scopes = set(parse_scopes(saved.get("scopes"))) or set(self.scopes)
        self.storage.put(credentials)
        setattr(g, _CREDENTIALS_G_KEY, credentials)
        g.pop(_CLAIMS_G_KEY, None)
        if self.authorize_callback is not None:
            self.authorize_callback(credentials)
        missing = missing_scopes(credentials.scopes, parse_scopes(saved.get("required_scopes")))
        if missing:
            # Sending the user back would start the same login again: the user unchecked these.
            raise ProviderError(error="insufficient_scope",
                                description=f"the provider did not grant the scopes {' '.join(missing)}")
        return redirect(safe_return_path(saved.get("next")), code=302)

    # -- the current user --------------------------------------------------------------
    @property
    def credentials(self) -> client.OAuth2Credentials | None:
        """The current user's credentials (read from :attr:`storage` once per request), or ``None``."""
        if _CREDENTIALS_G_KEY not in g:
            setattr(g, _CREDENTIALS_G_KEY, self.storage.get())
        return g.get(_CREDENTIALS_G_KEY)  # type: ignore[no-any-return]

    def has_credentials(self) -> bool:
        """Whether the user has credentials that are usable: not expired, or renewable."""
        credentials = self.credentials
        if not credentials:
            return False
        return not (credentials.access_token_expired and not credentials.refresh_token)

    def _claims(self) -> dict[str, Any]:
        credentials = self.credentials
        if credentials is None:
            return {}
        if _CLAIMS_G_KEY not in g:
            setattr(g, _CLAIMS_G_KEY, verified_claims(self._remote, getattr(credentials, "id_token_jwt", None)))
        return g.get(_CLAIMS_G_KEY) or {}

    @property
    def email(self) -> str | None:
        """The user's email from the verified ID token, or ``None``; not an identifier (it can change)."""
        return self._claim("email")

    @property
    def user_id(self) -> str | None:
        """The user's unique id at the provider (the verified ID token's ``sub``), or ``None``."""
        return self._claim("sub")

    def _claim(self, name: str) -> str | None:
        if self.credentials is None:
            return None
        value = self._claims().get(name)
        if value is None:
            logger.error("the verified ID token has no %r claim", name)
        return None if value is None else str(value)

    def http(self, *args: Any, **kwargs: Any) -> Any:
        """An http object (httplib2's interface) that calls as the user and refreshes the token on 401.

        ``args`` and ``kwargs`` are accepted for httplib2 compatibility; the object
        is :func:`.transport.get_http_object`'s.  ``ValueError`` without credentials.
        """
        credentials = self.credentials
        if credentials is None:
            raise ValueError("No credentials available.")
        return credentials.authorize(transport.get_http_object(*args, **kwargs))

    def required(
        self, decorated_function: Callable[..., Any] | None = None, scopes: Sequence[str] | None = None,
        **decorator_kwargs: Any,
    ) -> Any:
        """Decorate a view to run only when the user granted the app's scopes and ``scopes`` (below ``@app.route``).

        Otherwise the user is sent to log in, asking for those plus the scopes
        already granted, and comes back to the URL asked for (or ``return_url=``, a
        path).  Other ``decorator_kwargs`` are authorization-URL parameters.
        """
        wanted = parse_scopes(scopes)
        # Endpoints here are ignored like any other setting that is not an authorization-URL parameter.
        params = split_flow_kwargs({k: v for k, v in decorator_kwargs.items() if k != "return_url"}).authorize_params
        return_url = decorator_kwargs.get("return_url")  # read, not popped: the original lost it after one request

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                credentials = self.credentials
                needed = merge_scopes(self.scopes, wanted)
                if self.has_credentials() and credentials is not None and \
                        not missing_scopes(credentials.scopes, needed):
                    return current_app.ensure_sync(view)(*args, **kwargs)
                try:
                    return self._start_login(return_url or requested_path(), wanted, params)
                except OAuthError as error:
                    return answer_route_error(error)

            return guarded

        return decorator(decorated_function) if decorated_function is not None else decorator


def _same_site_referrer() -> str | None:
    """The referrer as a path, when it is a page of this site (oauth2client redirected to it unchecked)."""
    referrer = request.referrer
    if referrer and referrer.startswith(request.host_url):
        return "/" + referrer[len(request.host_url):]
    return None


__all__ = ["UserOAuth2"]
