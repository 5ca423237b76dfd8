"""The pushed authorization request endpoint, ``POST /par`` (RFC 9126 2), with request objects and DPoP (RFC 9449 10.1).

The client authenticates as at the token endpoint; the parameters are checked
as the authorization endpoint would check them; the answer is ``201`` with a
``request_uri`` for the authorization endpoint, or an RFC 9126 2.3 error.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, Response
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from .authorization_requests import remember_request_object
from .bridge import json_response, oauth2_error_response, request_parts
from .dpop_binding import InvalidDPoPProofError, token_error
from .dpop_checks import DPoPRefused, proof_header
from .dpop_resources import with_dpop_nonce
from .request_objects import merged_parameters, verify_request_object
from .settings import OFF, OAuth2ClientConfig
from .state import ProviderState, provider_state

blueprint = Blueprint("devprovider_par", __name__)

#: Client authentication parameters: they authenticate the push and are not part of the authorization request.
CLIENT_AUTH_PARAMETERS = frozenset({"client_secret", "client_assertion", "client_assertion_type"})


@blueprint.post("/par")
def pushed_authorization_request() -> Response:
    """RFC 9126 2.1-2.3: store the authorization request and answer with its ``request_uri``."""
    st = provider_state()
    if st.settings.par == OFF:
        return json_response({"error": "invalid_request", "error_description": "PAR is switched off."}, 404)
    uri, method, body, headers = request_parts()
    try:
        client = _authenticated_client(st, uri, method, body, headers)
        params = _authorization_parameters(st, client, dict(parse_qsl(body or "", keep_blank_values=True)))
        _bind_dpop_key(st, params, method, uri, headers)
        _validate(st, params)
    except errors.OAuth2Error as exc:
        return with_dpop_nonce(st, _error(exc))
    pushed = st.store.pushed.push(client.client_id, params, st.settings.par_ttl)
    st.stats.incr("pushed_authorization_requests")
    answer = {"request_uri": pushed.request_uri, "expires_in": st.settings.par_ttl}
    return with_dpop_nonce(st, json_response(answer, 201))


def _authenticated_client(
    st: ProviderState, uri: str, method: str, body: str | None, headers: dict[str, str]
) -> OAuth2ClientConfig:
    """The client, authenticated with the token endpoint's methods (through the same oauthlib validator)."""
    request = Request(uri, method, body, headers)
    validator = st.oidc.request_validator
    if validator.client_authentication_required(request):
        ok = validator.authenticate_client(request)
    else:
        ok = bool(request.client_id) and validator.authenticate_client_id(request.client_id, request)
    if not ok or not isinstance(request.client, OAuth2ClientConfig):
        raise errors.InvalidClientError(description="Client authentication failed.")
    return request.client


def _authorization_parameters(st: ProviderState, client: OAuth2ClientConfig, form: dict[str, str]) -> dict[str, str]:
    """The pushed parameters, from a request object when one is given (its ``jti`` is spent here)."""
    if "request_uri" in form:
        raise errors.InvalidRequestError(description="request_uri cannot be pushed (RFC 9126 2.1).")
    if form.get("client_id", client.client_id) != client.client_id:
        raise errors.InvalidRequestError(description="client_id is not the authenticated client.")
    params = {name: value for name, value in form.items() if name not in CLIENT_AUTH_PARAMETERS}
    params["client_id"] = client.client_id
    if "request" in params:
        claims = verify_request_object(params["request"], client, st.issuer(), time.time())
        params = merged_parameters(params, claims)
        if not remember_request_object(st, client.client_id, str(claims["jti"])):
            raise errors.InvalidRequestFatalError(description="The request object was used before (jti).")
    return params


def _bind_dpop_key(st: ProviderState, params: dict[str, str], method: str, uri: str, headers: dict[str, str]) -> None:
    """RFC 9449 10.1: a proof on the push binds the code to its key, as ``dpop_jkt`` would (they must agree)."""
    proof = proof_header(headers)
    if st.settings.dpop == OFF or not proof:
        return
    try:
        jkt = st.dpop.verify(proof, method, uri).jkt
    except DPoPRefused as refused:
        raise token_error(refused) from None
    if params.setdefault("dpop_jkt", jkt) != jkt:
        raise InvalidDPoPProofError(description="dpop_jkt is not the thumbprint of the DPoP proof's key.")


def _validate(st: ProviderState, params: dict[str, str]) -> None:
    """The authorization endpoint's checks (client, redirect URI, response type, scopes, PKCE).

    ``prompt`` is left out here: ``prompt=none`` depends on the user's session,
    which the authorization endpoint checks when the browser arrives.
    """
    checked = {name: value for name, value in params.items() if name != "prompt"}
    st.oidc.validate_authorization_request(f"{st.endpoint('/authorize')}?{urlencode(checked)}", "GET", None, {})


def _error(exc: errors.OAuth2Error) -> Response:
    """RFC 9126 2.3: the error as JSON; 401 for client authentication, 400 otherwise."""
    if exc.status_code == 401:
        return oauth2_error_response(exc)
    return json_response({"error": exc.error, **({"error_description": exc.description} if exc.description else {})},
                         400)
