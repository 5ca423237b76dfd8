"""Flask blueprint for the OAuth 1.0a endpoints (RFC 5849) and an OAuth 1 protected resource."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, Response, redirect, request
from oauthlib.common import add_params_to_uri
from oauthlib.oauth1 import OAuth1Error

from .bridge import json_response, oauthlib_response, request_parts
from .login import current_login, sign_in
from .pages import consent_page, message_page
from .settings import SUPPORTED_SCOPES
from .state import ProviderState, provider_state

blueprint = Blueprint("devprovider_oauth1", __name__, url_prefix="/oauth1")


def _page(st: ProviderState, title: str, message: str, status: int = 200, details: str = ""):
    html = message_page(
        issuer=st.issuer(), title=title, message=message, details=details, is_error=status >= 400
    )
    return html, status


@blueprint.post("/request_token")
def request_token() -> Response:
    """Temporary credentials; the signature may be in the header, query or body."""
    st = provider_state()
    resp = st.oauth1.request_token.create_request_token_response(*request_parts())
    if resp[2] == 200:
        st.stats.incr("oauth1_request_tokens")
    return oauthlib_response(*resp)


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize():
    """GET: login + consent for a request token; POST: Allow -> verifier, Deny -> ``denied=``."""
    st = provider_state()
    uri, _, _, headers = request_parts(with_body=False)
    try:
        st.oauth1.authorization.get_realms_and_credentials(uri, "GET", None, headers)
    except OAuth1Error as exc:
        return _page(st, "Invalid authorization request", exc.description, 400, exc.error)
    token = request.args["oauth_token"]
    record = st.store.oauth1_request_token(token)
    client = st.settings.oauth1_client(record.client_key) if record else None
    if record is None or client is None:
        return _page(st, "Invalid authorization request", "Unknown request token.", 400)

    def consent(error: str | None = None, status: int = 200):
        login = current_login()
        username = request.form.get("username") or (
            login.user if login else st.settings.default_user
        )
        html = consent_page(
            issuer=st.issuer(), client_name=client.display_name, protocol="OAuth 1.0a",
            scopes=record.realms, username=username,
            users=[u.username for u in st.settings.users], action=request.full_path, error=error,
        )
        return html, status

    if request.method == "GET":
        return consent()
    if request.form.get("decision") != "allow":
        st.store.pop_oauth1_request_token(token)
        if record.callback in (None, "oob"):
            return _page(st, "Access denied", "You denied the request; you can close this page.")
        return redirect(add_params_to_uri(record.callback, [("denied", token)]), 302)
    user = st.settings.user((request.form.get("username") or "").strip())
    if user is None:
        return consent("Unknown user name.", 400)
    sign_in(user.username)
    st.store.update_oauth1_request_token(token, user=user.username)
    try:
        resp_headers, body, status = st.oauth1.authorization.create_authorization_response(
            uri, "GET", None, headers
        )
    except OAuth1Error as exc:
        return _page(st, "Invalid authorization request", exc.description, 400, exc.error)
    if status == 200:  # out-of-band callback: show the verifier to copy by hand
        verifier = dict(parse_qsl(body or ""))
        return _page(
            st, "Access granted", "Enter this verifier in the application:",
            details=verifier.get("oauth_verifier", ""),
        )
    return redirect(resp_headers["Location"], 302)


@blueprint.post("/access_token")
def access_token() -> Response:
    """Exchange an authorized request token + verifier for token credentials."""
    st = provider_state()
    resp = st.oauth1.access_token.create_access_token_response(*request_parts())
    if resp[2] == 200:
        st.stats.incr("oauth1_access_tokens")
    return oauthlib_response(*resp)


@blueprint.route("/api/me", methods=["GET", "POST"])
def api_me() -> Response:
    """An OAuth 1 protected resource: the signed request's user and consumer."""
    st = provider_state()
    st.stats.incr("oauth1_resource_requests")
    valid, req = st.oauth1.resource.validate_protected_resource_request(*request_parts())
    if not valid or req is None:
        error = {"error": "invalid_request", "error_description": "Bad OAuth 1 signature or token."}
        resp = json_response(error, 401)
        resp.headers["WWW-Authenticate"] = f'OAuth realm="{st.issuer()}"'
        return resp
    user = st.settings.user(req.user)
    return json_response({
        "sub": req.user,
        "user": user.claims(SUPPORTED_SCOPES) if user else None,
        "client_key": req.client_key,
        "signature_method": req.signature_method,
    })
