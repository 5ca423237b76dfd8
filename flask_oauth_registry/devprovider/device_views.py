"""The device authorization grant's pages (RFC 8628): ``POST /device_authorization`` and the verification page.

The device asks ``/device_authorization`` for codes and polls ``/token``; the user
opens ``/device`` (``verification_uri``; ``verification_uri_complete`` fills the
code in), enters the code, signs in and allows or denies on the consent page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.utils import scope_to_list

from .bridge import form_value, json_response, oauth2_error_response, request_parts
from .client_auth import basic_credentials
from .device_codes import DeviceCode, normalize_user_code
from .device_grant import VERIFICATION_PATH
from .login import current_login, sign_in
from .pages import consent_page, device_code_page, message_page
from .settings import OAuth2ClientConfig
from .state import ProviderState, provider_state

blueprint = Blueprint("devprovider_device", __name__)

HtmlResponse = tuple[str, int]


@blueprint.post("/device_authorization")
def device_authorization() -> Response:
    """RFC 8628 3.1, 3.2: a device code and a user code, for a client authenticated as at ``/token``."""
    st = provider_state()
    uri, method, body, headers = request_parts()
    try:
        _, data, _ = st.device.create_device_authorization_response(uri, method, body, headers)
    except errors.OAuth2Error as exc:
        return oauth2_error_response(exc)
    st.store.devices.issue(
        data["device_code"], data["user_code"], _requesting_client(body), list(scope_to_list(data.get("scope")) or []),
        expires_in=data["expires_in"], interval=data["interval"],
    )
    st.stats.incr("device_authorizations")
    return json_response(data)


def _requesting_client(body: str | None) -> str:
    """The client of an accepted request: its ``client_id``, else its Basic credentials' (as oauthlib was told)."""
    credentials = basic_credentials(request)
    return form_value(body, "client_id") or (credentials[0] if credentials else "")


@blueprint.route(VERIFICATION_PATH, methods=["GET", "POST"])
def verify_device() -> str | HtmlResponse:
    """The verification page: enter the code (GET, ``?user_code=`` fills it in), then sign in and allow or deny."""
    st = provider_state()
    user_code = normalize_user_code(request.values.get("user_code"))
    if request.method == "GET":
        return device_code_page(issuer=st.issuer(), user_code=user_code, action=VERIFICATION_PATH)
    record = st.store.devices.pending(user_code)
    if record is None:
        page = device_code_page(
            issuer=st.issuer(), user_code=user_code, action=VERIFICATION_PATH,
            error="That code is unknown, has expired or was already used.",
        )
        return page, 400
    client = st.settings.client(record.client_id)
    if client is None:  # the client was removed from the settings since
        return _decided(st, "Unknown device", "The device's client is not known here.", status=400)
    if "decision" not in request.form:
        return _consent(st, record, client)
    if request.form["decision"] != "allow":
        st.store.devices.decide(user_code, None)
        return _decided(st, "Access denied", "The device was not connected. You can close this page.")
    user = st.settings.user((request.form.get("username") or "").strip())
    if user is None:
        return _consent(st, record, client, error="Unknown user name.", status=400)
    login = sign_in(user.username, client.client_id)
    st.store.grant_scopes(user.username, client.client_id, record.scopes)
    if not st.store.devices.decide(user_code, user.username, login.auth_time):
        return _decided(st, "Code expired", "The code expired meanwhile: start again on the device.", status=400)
    return _decided(st, "Device connected", f"{client.display_name} is signed in as {user.username}. "
                    "You can return to your device.")


def _consent(
    st: ProviderState, record: DeviceCode, client: OAuth2ClientConfig, error: str | None = None, status: int = 200,
) -> HtmlResponse:
    """The login + consent page of the authorization endpoint, for the device's scopes."""
    login = current_login()
    username = request.form.get("username") or (login.user if login else st.settings.default_user)
    html = consent_page(
        issuer=st.issuer(), client_name=client.display_name, protocol="OAuth 2 device login",
        scopes=record.scopes, granted=st.store.granted_scopes(username, client.client_id), username=username,
        users=[u.username for u in st.settings.users],
        action=f"{VERIFICATION_PATH}?{urlencode({'user_code': record.user_code})}", error=error,
    )
    return html, status


def _decided(st: ProviderState, title: str, message: str, status: int = 200) -> HtmlResponse:
    return message_page(issuer=st.issuer(), title=title, message=message, is_error=status >= 400), status
