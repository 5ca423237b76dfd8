"""Flask blueprint for the OpenID Connect / OAuth 2 endpoints, the demo API and ``/_dev`` stats."""

from __future__ import annotations

import jwt
from flask import Blueprint, Response, redirect, request
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from .bridge import (
    form_value,
    insufficient_scope_response,
    json_response,
    oauth2_error_response,
    oauthlib_response,
    request_parts,
    with_iss,
)
from .jwt_bearer import JWT_BEARER_GRANT, jwt_bearer_token
from .keys import ALGORITHM
from .login import LoginState, current_login, sign_in, sign_out
from .oidc_validator import ENABLED_GRANTS
from .pages import consent_page, index_page, message_page
from .scope_grants import code_scopes, missing_grants, wants_granted_scopes
from .settings import SUPPORTED_SCOPES, OAuth2ClientConfig
from .state import ProviderState, provider_state

blueprint = Blueprint("devprovider", __name__)

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
CLAIMS = [
    "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash",
    "name", "preferred_username", "given_name", "family_name", "email", "email_verified",
]
HtmlResponse = tuple[str, int]
FILES_SCOPE = "files.read"
DEMO_FILES = (
    {"name": "notes.txt", "size": 1024},
    {"name": "holiday.jpg", "size": 204800},
)


@blueprint.get("/")
def index() -> str:
    """Landing page: endpoints, clients and users at a glance."""
    st = provider_state()
    links = [
        ("Discovery document", "/.well-known/openid-configuration"),
        ("JWKS", "/jwks"),
        ("Connect a device (RFC 8628)", "/device"),
        ("Counters", "/_dev/stats"),
    ]
    return index_page(
        issuer=st.issuer(),
        links=links,
        clients=[c.client_id for c in st.settings.clients],
        oauth1_clients=[c.client_key for c in st.settings.oauth1_clients],
        users=[u.username for u in st.settings.users],
    )


@blueprint.get("/.well-known/openid-configuration")
def discovery() -> Response:
    """OpenID Provider Metadata (OIDC Discovery 1.0 section 3, RFC 8414, RFC 9207)."""
    st = provider_state()
    iss = st.issuer()
    return json_response({
        "issuer": iss,
        "authorization_endpoint": f"{iss}/authorize",
        "token_endpoint": f"{iss}/token",
        "userinfo_endpoint": f"{iss}/userinfo",
        "jwks_uri": f"{iss}/jwks",
        "revocation_endpoint": f"{iss}/revoke",
        "end_session_endpoint": f"{iss}/logout",
        "device_authorization_endpoint": f"{iss}/device_authorization",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(ENABLED_GRANTS) + ([JWT_BEARER_GRANT] if st.settings.service_accounts else []),
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "subject_types_supported": ["public"],
        "claims_supported": CLAIMS,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "authorization_response_iss_parameter_supported": True,
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    })


@blueprint.get("/jwks")
def jwks() -> Response:
    """The public signing key set."""
    return json_response(provider_state().key.jwks())


# -- authorization endpoint -------------------------------------------------------------
def _error_page(st: ProviderState, exc: errors.OAuth2Error) -> HtmlResponse:
    """Fatal request errors are shown to the user, never redirected (RFC 6749 4.1.2.1)."""
    html = message_page(
        issuer=st.issuer(),
        title="Invalid authorization request",
        message=exc.description or "The request is invalid.",
        details=f"error={exc.error}",
        is_error=True,
    )
    return html, exc.status_code


def _redirect_error(st: ProviderState, exc: errors.OAuth2Error, redirect_uri: str | None = None):
    """Send a non-fatal error back to the (already validated) redirect URI, with ``iss``."""
    target = redirect_uri or exc.redirect_uri
    if not target:
        return _error_page(st, exc)
    return redirect(with_iss(exc.in_uri(target), st.issuer()), 302)


def _issue_code(st: ProviderState, uri: str, headers: dict, scopes: list, login: LoginState, client_id: str):
    """Let oauthlib create and save the code, then add ``iss`` to its redirect.

    With ``include_granted_scopes=true`` the code also carries every scope the
    user granted this client before (incremental authorization).
    """
    incremental = wants_granted_scopes(request.args.get("include_granted_scopes"))
    granted = st.store.granted_scopes(login.user, client_id)
    try:
        resp_headers, _, _ = st.oidc.create_authorization_response(
            uri, "GET", None, headers, scopes=code_scopes(scopes, granted, incremental),
            credentials={"user": login.user, "auth_time": login.auth_time},
        )
    except errors.FatalClientError as exc:
        return _error_page(st, exc)
    except errors.OAuth2Error as exc:
        return _redirect_error(st, exc)
    location = resp_headers["Location"]
    if "error=" not in location:
        st.stats.incr("authorizations")
        if incremental:
            st.stats.incr("incremental_authorizations")
    return redirect(with_iss(location, st.issuer()), 302)


def _consent(
    st: ProviderState, scopes: list, client: OAuth2ClientConfig, login: LoginState | None,
    error: str | None = None, status: int = 200,
) -> HtmlResponse:
    """The login + consent form, pre-filled with login_hint, the session user or the default.

    Scopes the pre-filled user already granted this client are marked; with
    ``include_granted_scopes=true`` the other granted scopes are listed as kept.
    """
    hint = request.args.get("login_hint")
    username = (
        request.form.get("username")
        or (hint if st.settings.user(hint) else None)
        or (login.user if login else st.settings.default_user)
    )
    granted = st.store.granted_scopes(username, client.client_id)
    kept = missing_grants(granted, scopes) if wants_granted_scopes(request.args.get("include_granted_scopes")) else []
    html = consent_page(
        issuer=st.issuer(), client_name=client.display_name, protocol="OpenID Connect / OAuth 2",
        scopes=scopes, granted=granted, kept=kept, username=username,
        users=[u.username for u in st.settings.users], action=request.full_path, error=error,
    )
    return html, status


def _silent(st, uri, headers, scopes, info, client, login):
    """``prompt=none``: issue a code from the existing session or report why not.

    Consent is required unless the user approved this client and granted every
    requested scope before.  oauthlib already checks OpenID requests
    (validate_silent_login/authorization); this repeats the check for plain OAuth 2 requests.
    """
    max_age = request.args.get("max_age", "")
    too_old = bool(login and max_age.isdigit() and login.age() > int(max_age))
    if login is None or too_old:
        exc = errors.LoginRequired(state=info.get("state"))
        return _redirect_error(st, exc, info["redirect_uri"])
    granted = st.store.granted_scopes(login.user, client.client_id)
    if client.client_id not in login.consented or missing_grants(scopes, granted):
        exc = errors.ConsentRequired(state=info.get("state"))
        return _redirect_error(st, exc, info["redirect_uri"])
    return _issue_code(st, uri, headers, scopes, login, client.client_id)


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize():
    """GET shows login + consent (or answers ``prompt=none``); POST applies the decision."""
    st = provider_state()
    uri, _, _, headers = request_parts(with_body=False)
    try:
        scopes, info = st.oidc.validate_authorization_request(uri, "GET", None, headers)
    except errors.FatalClientError as exc:
        return _error_page(st, exc)
    except errors.OAuth2Error as exc:
        return _redirect_error(st, exc)
    client = st.settings.client(info["client_id"])
    login = current_login()
    if request.method == "GET":
        if "none" in (request.args.get("prompt") or "").split():
            return _silent(st, uri, headers, scopes, info, client, login)
        return _consent(st, scopes, client, login)

    if request.form.get("decision") != "allow":
        denied = errors.AccessDeniedError(
            description="The user denied the request.", state=info.get("state")
        )
        return _redirect_error(st, denied, info["redirect_uri"])
    user = st.settings.user((request.form.get("username") or "").strip())
    if user is None:
        return _consent(st, scopes, client, login, error="Unknown user name.", status=400)
    st.store.grant_scopes(user.username, client.client_id, scopes)
    return _issue_code(st, uri, headers, scopes, sign_in(user.username, client.client_id), client.client_id)


# -- token, userinfo, revocation -------------------------------------------------------------
@blueprint.post("/token")
def token() -> Response:
    """authorization_code (+PKCE), refresh_token (rotating), client_credentials and JWT bearer (:mod:`.jwt_bearer`)."""
    st = provider_state()
    uri, method, body, headers = request_parts()
    if form_value(body, "grant_type") == JWT_BEARER_GRANT:
        return jwt_bearer_token(st, body)
    try:
        resp = st.oidc.create_token_response(uri, method, body, headers)
    except errors.OAuth2Error as exc:
        st.stats.count_token_request(form_value(body, "grant_type"), ok=False)
        return oauth2_error_response(exc)
    st.stats.count_token_request(form_value(body, "grant_type"), ok=resp[2] == 200)
    return oauthlib_response(*resp)


@blueprint.route("/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """Claims of the bearer token's user, by scope."""
    st = provider_state()
    st.stats.incr("userinfo_requests")
    try:
        return oauthlib_response(*st.oidc.create_userinfo_response(*request_parts()))
    except errors.OAuth2Error as exc:
        return oauth2_error_response(exc)


@blueprint.post("/revoke")
def revoke() -> Response:
    """RFC 7009 token revocation (client authentication as at the token endpoint)."""
    st = provider_state()
    st.stats.incr("revocations")
    try:
        return oauthlib_response(*st.oidc.create_revocation_response(*request_parts()))
    except errors.OAuth2Error as exc:
        return oauth2_error_response(exc)


@blueprint.route("/api/me", methods=["GET", "POST"])
def api_me() -> Response:
    """A protected OAuth 2 resource: the token's user, client and scopes."""
    st = provider_state()
    uri, method, body, headers = request_parts()
    valid, req = st.oidc.verify_request(uri, method, body, headers, scopes=[])
    record = getattr(req, "dev_access_token", None)
    if not valid or record is None:
        return oauth2_error_response(errors.InvalidTokenError())
    user = st.settings.user(record.user)
    return json_response({
        "sub": record.user,
        "user": user.claims(SUPPORTED_SCOPES) if user else None,
        "client_id": record.client_id,
        "scope": " ".join(record.scopes),
        "scopes": record.scopes,
    })


@blueprint.get("/api/files")
def api_files() -> Response:
    """A protected resource that needs the ``files.read`` scope (to demonstrate incremental authorization)."""
    st = provider_state()
    uri, method, body, headers = request_parts()
    valid, req = st.oidc.verify_request(uri, method, body, headers, scopes=[])
    record = getattr(req, "dev_access_token", None)
    if not valid or record is None:
        return oauth2_error_response(errors.InvalidTokenError())
    if FILES_SCOPE not in record.scopes:
        return insufficient_scope_response(FILES_SCOPE)
    return json_response({"sub": record.user, "files": list(DEMO_FILES)})


# -- RP-initiated logout ------------------------------------------------------------------
def _logout_error(st: ProviderState, message: str) -> HtmlResponse:
    html = message_page(
        issuer=st.issuer(), title="Logout request refused", message=message, is_error=True
    )
    return html, 400


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    """OIDC RP-Initiated Logout 1.0: end the session, then go back to the RP if allowed."""
    st = provider_state()
    params = request.values
    client_id = params.get("client_id")
    target = params.get("post_logout_redirect_uri")
    hint = params.get("id_token_hint")
    if hint:
        try:
            claims = st.key.verify(hint, verify_exp=False)
        except jwt.InvalidTokenError:
            return _logout_error(st, "id_token_hint is not an ID token issued by this provider.")
        audiences = claims.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
        if claims.get("iss") != st.issuer() or (client_id and client_id not in audiences):
            return _logout_error(st, "id_token_hint does not match this provider or client.")
        client_id = client_id or claims.get("azp") or (audiences[0] if audiences else None)
    client = st.settings.client(client_id)
    if target and (client is None or not client.accepts_post_logout_redirect(target)):
        return _logout_error(
            st, "post_logout_redirect_uri is not registered for the client "
            "(send id_token_hint or client_id, and a registered or loopback URI)."
        )
    sign_out()
    st.stats.incr("logouts")
    if target:
        state = params.get("state")
        return redirect(add_params_to_uri(target, [("state", state)]) if state else target, 302)
    return message_page(
        issuer=st.issuer(), title="Signed out", message="You are signed out of the dev provider."
    )


# -- development helpers --------------------------------------------------------------------
@blueprint.get("/_dev/stats")
def dev_stats() -> Response:
    """Counters for tests (token requests by grant type, refreshes, refusals, OAuth 1)."""
    return json_response(provider_state().stats.snapshot())


@blueprint.post("/_dev/reset")
def dev_reset() -> Response:
    """Zero the counters (tokens and sessions are kept)."""
    st = provider_state()
    st.stats.reset()
    return json_response(st.stats.snapshot())
