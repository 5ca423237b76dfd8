"""Flask blueprint for the OpenID Connect / OAuth 2 endpoints, the demo API and ``/_dev`` stats."""

from __future__ import annotations

import jwt
from flask import Blueprint, Response, redirect, request
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from .authorization_requests import AuthorizationRequest, finish, resolve
from .bridge import (
    form_value,
    insufficient_scope_response,
    json_response,
    oauth2_error_response,
    oauthlib_response,
    request_parts,
    with_iss,
)
from .discovery import metadata
from .dpop_resources import ResourceAccess, resource_access, with_dpop_nonce
from .jwt_bearer import JWT_BEARER_GRANT, jwt_bearer_token
from .login import LoginState, current_login, sign_in, sign_out
from .pages import consent_page, index_page, message_page
from .scope_grants import code_scopes, missing_grants, wants_granted_scopes
from .settings import SUPPORTED_SCOPES, OAuth2ClientConfig
from .state import ProviderState, provider_state

blueprint = Blueprint("devprovider", __name__)

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
    """OpenID Provider Metadata (OIDC Discovery 1.0 section 3, RFC 8414, RFC 9207, RFC 9126, RFC 9449)."""
    return json_response(metadata(provider_state()))


@blueprint.get("/jwks")
def jwks() -> Response:
    """The public signing key set."""
    return json_response(provider_state().keys.jwks())


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


def _issue_code(st: ProviderState, authz: AuthorizationRequest, headers: dict, scopes: list, login: LoginState,
                client_id: str):
    """Let oauthlib create and save the code, then add ``iss`` to its redirect.

    With ``include_granted_scopes=true`` the code also carries every scope the
    user granted this client before (incremental authorization).
    """
    incremental = wants_granted_scopes(authz.params.get("include_granted_scopes"))
    granted = st.store.granted_scopes(login.user, client_id)
    try:
        resp_headers, _, _ = st.oidc.create_authorization_response(
            authz.uri, "GET", None, headers, scopes=code_scopes(scopes, granted, incremental),
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
    st: ProviderState, authz: AuthorizationRequest, scopes: list, client: OAuth2ClientConfig,
    login: LoginState | None, error: str | None = None, status: int = 200,
) -> HtmlResponse:
    """The login + consent form, pre-filled with login_hint, the session user or the default.

    Scopes the pre-filled user already granted this client are marked; with
    ``include_granted_scopes=true`` the other granted scopes are listed as kept.
    """
    hint = authz.params.get("login_hint")
    username = (
        request.form.get("username")
        or (hint if st.settings.user(hint) else None)
        or (login.user if login else st.settings.default_user)
    )
    granted = st.store.granted_scopes(username, client.client_id)
    kept = missing_grants(granted, scopes) if wants_granted_scopes(authz.params.get("include_granted_scopes")) else []
    html = consent_page(
        issuer=st.issuer(), client_name=client.display_name, protocol="OpenID Connect / OAuth 2",
        scopes=scopes, granted=granted, kept=kept, username=username,
        users=[u.username for u in st.settings.users], action=request.full_path, error=error,
    )
    return html, status


def _silent(st, authz, headers, scopes, info, client, login):
    """``prompt=none``: issue a code from the existing session or report why not.

    Consent is required unless the user approved this client and granted every
    requested scope before.  oauthlib already checks OpenID requests
    (validate_silent_login/authorization); this repeats the check for plain OAuth 2 requests.
    """
    finish(st, authz)
    max_age = authz.params.get("max_age", "")
    too_old = bool(login and max_age.isdigit() and login.age() > int(max_age))
    if login is None or too_old:
        exc = errors.LoginRequired(state=info.get("state"))
        return _redirect_error(st, exc, info["redirect_uri"])
    granted = st.store.granted_scopes(login.user, client.client_id)
    if client.client_id not in login.consented or missing_grants(scopes, granted):
        exc = errors.ConsentRequired(state=info.get("state"))
        return _redirect_error(st, exc, info["redirect_uri"])
    return _issue_code(st, authz, headers, scopes, login, client.client_id)


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize():
    """GET shows login + consent (or answers ``prompt=none``); POST applies the decision."""
    st = provider_state()
    uri, _, _, headers = request_parts(with_body=False)
    try:
        authz = resolve(st, request.args.to_dict(), uri)
        scopes, info = st.oidc.validate_authorization_request(authz.uri, "GET", None, headers)
        client = st.settings.client(info["client_id"])
        login = current_login()
        if request.method == "GET":
            if "none" in (authz.params.get("prompt") or "").split():
                return _silent(st, authz, headers, scopes, info, client, login)
            return _consent(st, authz, scopes, client, login)
        user = st.settings.user((request.form.get("username") or "").strip())
        if request.form.get("decision") == "allow" and user is None:
            return _consent(st, authz, scopes, client, login, error="Unknown user name.", status=400)
        finish(st, authz)  # a pushed request or request object is spent once the client gets its answer
    except errors.FatalClientError as exc:
        return _error_page(st, exc)
    except errors.OAuth2Error as exc:
        return _redirect_error(st, exc)

    if request.form.get("decision") != "allow" or user is None:
        denied = errors.AccessDeniedError(
            description="The user denied the request.", state=info.get("state")
        )
        return _redirect_error(st, denied, info["redirect_uri"])
    st.store.grant_scopes(user.username, client.client_id, scopes)
    return _issue_code(st, authz, headers, scopes, sign_in(user.username, client.client_id), client.client_id)


# -- token, userinfo, revocation -------------------------------------------------------------
@blueprint.post("/token")
def token() -> Response:
    """authorization_code (+PKCE), refresh_token (rotating), client_credentials and JWT bearer (:mod:`.jwt_bearer`)."""
    st = provider_state()
    uri, method, body, headers = request_parts()
    if form_value(body, "grant_type") == JWT_BEARER_GRANT:
        return with_dpop_nonce(st, jwt_bearer_token(st, body, method, uri, headers))
    try:
        resp = st.oidc.create_token_response(uri, method, body, headers)
    except errors.OAuth2Error as exc:
        st.stats.count_token_request(form_value(body, "grant_type"), ok=False)
        return with_dpop_nonce(st, oauth2_error_response(exc))
    st.stats.count_token_request(form_value(body, "grant_type"), ok=resp[2] == 200)
    return with_dpop_nonce(st, oauthlib_response(*resp))


@blueprint.route("/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """Claims of the bearer token's user, by scope."""
    st = provider_state()
    st.stats.incr("userinfo_requests")
    access = resource_access(st)
    if not isinstance(access, ResourceAccess):
        return access
    uri, method, body, _ = request_parts()
    try:
        answer = st.oidc.create_userinfo_response(uri, method, body, access.headers)
        return access.answer(st, oauthlib_response(*answer))
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
    access = resource_access(st)
    if not isinstance(access, ResourceAccess):
        return access
    uri, method, body, _ = request_parts()
    valid, req = st.oidc.verify_request(uri, method, body, access.headers, scopes=[])
    record = getattr(req, "dev_access_token", None)
    if not valid or record is None:
        return oauth2_error_response(errors.InvalidTokenError())
    user = st.settings.user(record.user)
    return access.answer(st, json_response({
        "sub": record.user,
        "user": user.claims(SUPPORTED_SCOPES) if user else None,
        "client_id": record.client_id,
        "scope": " ".join(record.scopes),
        "scopes": record.scopes,
    }))


@blueprint.get("/api/files")
def api_files() -> Response:
    """A protected resource that needs the ``files.read`` scope (to demonstrate incremental authorization)."""
    st = provider_state()
    access = resource_access(st)
    if not isinstance(access, ResourceAccess):
        return access
    uri, method, body, _ = request_parts()
    valid, req = st.oidc.verify_request(uri, method, body, access.headers, scopes=[])
    record = getattr(req, "dev_access_token", None)
    if not valid or record is None:
        return oauth2_error_response(errors.InvalidTokenError())
    if FILES_SCOPE not in record.scopes:
        return access.answer(st, insufficient_scope_response(FILES_SCOPE))
    return access.answer(st, json_response({"sub": record.user, "files": list(DEMO_FILES)}))


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
            claims = st.keys.verify(hint, verify_exp=False)
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
