"""A login as the ready routes and ``required`` run it: start, finish, log out.

The data goes one way: :func:`start_login` builds the authorization URL for the
fixed callback route, saves the return path and the requested scopes with the
login's flow state (server-side, popped once) and redirects; :func:`finish_login`
completes the login, records the granted scopes, sends ``oauth_authorized``,
stores the token and redirects to the saved path.  Nothing read from the query
string reaches an endpoint, a client setting or the redirect URI.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urljoin

from flask import Flask, current_app, redirect, request, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from ..providers import PRESETS
from ..registry.errors import ConfigurationError, OAuthError, ProviderError
from ..registry.oauth2 import OAuth2App
from ..registry.remote import RemoteApp
from ..registry.signals import oauth_authorized, oauth_before_login, oauth_error
from .return_path import safe_return_path
from .scopes import granted_scopes, merge_scopes, missing_scopes, parse_scopes, record_granted_scopes
from .user_tokens import StoredTokens

#: The endpoint every login comes back to; its URL is the redirect URI.
CALLBACK_ENDPOINT = "oauth.callback"
# Characters a path keeps when it is turned back into a URL (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def flask_app() -> Flask:
    """The real Flask app object: signals are sent with it as the sender, never the proxy."""
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


@contextmanager
def reporting_errors(name: str) -> Iterator[None]:
    """Send ``oauth_error`` for an :class:`OAuthError` raised in the block, then let it propagate."""
    try:
        yield
    except OAuthError as error:
        oauth_error.send(flask_app(), name=name, error=error)
        raise


def callback_url(name: str) -> str:
    """The redirect URI of ``name``: the ready callback route, as an absolute URL."""
    try:
        return url_for(CALLBACK_ENDPOINT, name=name, _external=True)
    except BuildError as exc:
        raise ConfigurationError(
            description="logins through the ready routes need them registered: OAuth(app, routes=True) or "
            "app.register_blueprint(oauth.blueprint())"
        ) from exc


def requested_path() -> str:
    """The current request's path and query, as a return path (checked again when it is used)."""
    path = quote(request.script_root + request.path, safe=_PATH_SAFE)
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def start_login(client: RemoteApp, next_path: str, required_scopes: Sequence[str] = ()) -> Response:
    """Redirect to the provider; the return path and the requested scopes are saved with the flow state."""
    redirect_uri = callback_url(client.name)
    params, saved = _authorization_params(client, required_scopes)
    result = client.create_authorization_url(redirect_uri, **params)  # type: ignore[attr-defined]
    client.save_authorize_data(  # type: ignore[attr-defined]
        redirect_uri=redirect_uri, **result, next=safe_return_path(next_path), **saved
    )
    oauth_before_login.send(flask_app(), name=client.name, url=result["url"])
    return redirect(result["url"], code=302)


def _authorization_params(client: RemoteApp, required_scopes: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The authorization parameters (scope, incremental authorization) and the data saved with the flow.

    The scope asked for is the union of the app's scopes, those the user's token
    already has and the ones ``required`` needs, so that earlier grants are kept.
    """
    if not client.is_oauth2:
        return {}, {}
    config = client.config
    app_scopes = parse_scopes(config.authorize_params.get("scope") or config.scope)
    token = client.credentials
    scopes = merge_scopes(app_scopes, parse_scopes((token or {}).get("scope")), required_scopes)
    params: dict[str, Any] = {}
    saved: dict[str, Any] = {}
    if scopes:
        params["scope"] = " ".join(scopes)
        saved["scopes"] = list(scopes)
    if required_scopes:
        saved["required_scopes"] = list(required_scopes)
    preset = PRESETS.get(config.provider or "")
    if preset is not None and preset.incremental_authorization:
        params["include_granted_scopes"] = "true"
    return params, saved


def finish_login(client: RemoteApp, tokens: StoredTokens) -> Response:
    """Complete the login at the callback, store the token, and redirect to the saved return path.

    ``oauth_authorized`` receivers run before the token is stored: one that returns
    ``False`` keeps it from being stored, one that returns a response has it sent
    instead of the redirect.  A login that did not get every scope ``required``
    asked for ends in a :class:`ProviderError` ``insufficient_scope`` (after the token
    is stored): sending the user back would only start the same login again.
    """
    token, saved = client.authorize_access_token_with_data()  # type: ignore[attr-defined]
    if client.is_oauth2:
        record_granted_scopes(token, parse_scopes(saved.get("scopes")))
    answers = oauth_authorized.send(flask_app(), name=client.name, token=token)
    if all(answer is not False for _, answer in answers):
        tokens.save(client.name, token)
    missing = missing_scopes(granted_scopes(token), parse_scopes(saved.get("required_scopes")))
    if client.is_oauth2 and missing:
        raise ProviderError(
            error="insufficient_scope", description=f"the provider did not grant the scopes {' '.join(missing)}"
        )
    response = next((answer for _, answer in answers if isinstance(answer, Response)), None)
    return response or redirect(safe_return_path(saved.get("next")), code=302)


def log_out(client: RemoteApp, tokens: StoredTokens, next_path: str) -> Response:
    """Forget the user's token; end the provider session where it offers RP-initiated logout."""
    token = client.credentials
    tokens.forget(client.name)
    client.token = None
    if isinstance(client, OAuth2App) and client.load_server_metadata().get("end_session_endpoint"):
        id_token = (token or {}).get("id_token")
        return client.logout_redirect(urljoin(request.host_url, next_path), id_token_hint=id_token)
    return redirect(next_path, code=302)
