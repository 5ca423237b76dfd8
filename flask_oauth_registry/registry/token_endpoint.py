"""``TokenEndpoint``: an OAuth 2 app's requests to the token, revocation and introspection endpoints.

Code exchange, refresh, client credentials and JWT bearer (RFC 6749 4.1.3, 6, 4.4;
RFC 7523 2.1), revocation (RFC 7009), introspection (RFC 7662) and the device
grant's two requests (RFC 8628 3.1, 3.4; ``flows.device`` polls) and pushed authorization requests (RFC 9126):
each builds its form from the settings and the arguments it is given (never changing them), authenticates the
client as configured, runs the provider's compliance hooks and returns what the provider said.  Token requests
carry a DPoP proof when a key is given or DPoP is on (RFC 9449), retried once on ``use_dpop_nonce``, and the token
keeps the key it is bound to (:func:`.dpop.token_binding`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import requests

from . import compliance
from .answers import ProtocolAnswer, parse_json_object
from .authorization import parse_token_response
from .client_auth import authenticate
from .config import JWT_BEARER_GRANT, ClientConfig
from .dpop import DPoPKey, token_binding
from .dpop_client import DPoPSigner
from .dpop_nonce import USE_DPOP_NONCE, headers_of
from .errors import BadResponseError, ProviderError
from .fapi_profile import FAPI2
from .introspection import parse_introspection_response, token_value
from .introspection import request_form as introspection_form
from .metadata import (
    DEVICE_AUTHORIZATION_ENDPOINT,
    INTROSPECTION_ENDPOINT,
    ISSUER,
    REVOCATION_ENDPOINT,
    TOKEN_ENDPOINT,
    ProviderMetadata,
)
from .par import PAR_ENDPOINT, read_par_response
from .protocol_client import ProtocolClient

#: Keyword arguments of ``fetch_access_token`` that shape the HTTP request instead of going into the form.
REQUEST_LEVEL_PARAMS = ("headers", "timeout", "method")
#: The grant type of a device code (RFC 8628 3.4).
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class TokenEndpoint:
    """Requests to the provider's token endpoint and its neighbours; returns data, changes nothing it is given."""

    def __init__(
        self, config: ClientConfig, metadata: ProviderMetadata, protocol: ProtocolClient,
        dpop: DPoPSigner | None = None,
    ) -> None:
        self.config = config
        self.metadata = metadata
        self.protocol = protocol
        #: DPoP keys and server nonces (RFC 9449), shared with the app's API calls.
        self.dpop = dpop or DPoPSigner(config.dpop, config.dpop_key)
        #: What a JWT-bearer request adds to its form, a fresh assertion (:mod:`.flows.jwt_bearer`); else ``None``.
        self._assertion_fields: Callable[[str], dict[str, str]] | None = None
        if config.assertion is not None:
            from ..flows.jwt_bearer import JwtBearerAssertion

            self._assertion_fields = JwtBearerAssertion(config.assertion, config.scope)

    @property
    def default_grant(self) -> str:
        """The grant without ``code=``: the ``grant_type`` given to ``register``, else client credentials."""
        return self.config.grant_type or "client_credentials"

    # -- grants ------------------------------------------------------------------------
    def fetch_token(
        self, params: Mapping[str, Any], redirect_uri: str | None = None, dpop_key: DPoPKey | None = None
    ) -> dict[str, Any]:
        """A token for ``params`` (``code=``, ``grant_type=``, extra form fields, ``headers``/``timeout``/``method``).

        The grant is ``authorization_code`` with a ``code``, else ``grant_type`` or
        the app's default; ``access_token_params`` come first, ``params`` win.  The
        request is signed with ``dpop_key``, else a new DPoP key when DPoP is on.
        """
        form = dict(params)
        grant_type = form.pop("grant_type", None) or ("authorization_code" if "code" in form else self.default_grant)
        body: dict[str, Any] = {**self.config.access_token_params, **form}
        if redirect_uri:
            body["redirect_uri"] = redirect_uri
        body["grant_type"] = grant_type
        if grant_type == "client_credentials" and self.config.scope and "scope" not in body:
            body["scope"] = self.config.scope
        endpoint = self.token_url()
        if grant_type == JWT_BEARER_GRANT and "assertion" not in body and self._assertion_fields is not None:
            body.update(self._assertion_fields(endpoint))  # RFC 7523 2.1: a new assertion for each request
        return self._token_request(endpoint, body, dpop_key or self.dpop.new_key())

    def token_url(self) -> str:
        """The token endpoint: ``access_token_url``, else the metadata's ``token_endpoint``; or fail naming the key."""
        return self.metadata.require(TOKEN_ENDPOINT, self.config.access_token_url)

    def refresh(self, refresh_token: str, bound_to: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Renew a token (RFC 6749 6) at ``refresh_token_url``, else the token endpoint, with its params.

        A DPoP-bound token (``bound_to``, the old token) is refreshed with its own key.
        """
        endpoint = self.config.refresh_token_url or self.metadata.require(TOKEN_ENDPOINT, self.config.access_token_url)
        body = {**self.config.refresh_token_params, "grant_type": "refresh_token", "refresh_token": refresh_token}
        key = self.dpop.key_for_refresh(bound_to) if bound_to is not None else self.dpop.new_key()
        return self._token_request(endpoint, body, key)

    def device_token(self, device_code: str, dpop_key: DPoPKey | None = None) -> dict[str, Any]:
        """One token request for a device code (RFC 8628 3.4); "not yet" comes back as a :class:`.ProviderError`."""
        return self.fetch_token({"grant_type": DEVICE_CODE_GRANT, "device_code": device_code}, dpop_key=dpop_key)

    def _authenticate(self, endpoint: str, body: dict[str, Any]) -> dict[str, str]:
        """The client's credentials for a request to ``endpoint``; the fapi2 profile's assertions name the issuer."""
        audience = self.metadata.require(ISSUER) if self.config.profile == FAPI2 else None
        return authenticate(self.config, self.config.token_endpoint_auth_method, endpoint, body, audience)

    def _token_request(self, endpoint: str, fields: Mapping[str, Any], dpop_key: DPoPKey | None) -> dict[str, Any]:
        """Send ``fields`` to the token endpoint (with a proof of ``dpop_key``); return the normalized token.

        ``headers``, ``timeout`` and ``method`` among them shape the request, as
        in Authlib, whether they come from the call or from ``*_params``.  A
        ``use_dpop_nonce`` answer that brings a nonce is retried once, with a new
        proof and new client credentials (an assertion's ``jti`` is single use).
        """
        body = {k: v for k, v in fields.items() if k not in REQUEST_LEVEL_PARAMS}
        request_kwargs = {k: fields[k] for k in REQUEST_LEVEL_PARAMS if k in fields}
        method = str(request_kwargs.pop("method", "POST")).upper()
        given_headers = request_kwargs.pop("headers", None) or {}
        refreshing = body.get("grant_type") == "refresh_token"
        hooks = "refresh_token" if refreshing else "access_token"
        purpose = "token refresh request" if refreshing else "token request"
        session = self.protocol.session
        for attempt in (1, 2):
            headers = {"Accept": "application/json", **given_headers, **self._authenticate(endpoint, body)}
            payload = {k: v for k, v in body.items() if v is not None}
            location = {"params": payload} if method == "GET" else {"data": payload}
            target, headers, location = compliance.fix_token_request(session, hooks, endpoint, headers, location)
            if dpop_key is not None:
                headers = {**headers, **self.dpop.proof_header(dpop_key, method, target)}
            response, answer = self.protocol.exchange(method, target, purpose, headers=headers, **location,
                                                      **request_kwargs)
            new_nonce = self.dpop.nonces.update(target, headers_of(response))
            answer = compliance.fix_token_answer(session, hooks, response, answer, purpose)
            try:
                token = parse_token_response(answer.status, answer.content_type, answer.body)
            except ProviderError as exc:
                if attempt == 1 and dpop_key is not None and exc.error == USE_DPOP_NONCE and new_nonce:
                    continue
                raise
            break
        return token if dpop_key is None else {**token, **token_binding(dpop_key)}

    # -- device authorization (RFC 8628 3.1) ------------------------------------------------
    def device_authorization(self, form: Mapping[str, Any]) -> ProtocolAnswer:
        """POST ``form`` to the device authorization endpoint, the client authenticated; the answer as it came.

        ``client_id`` is always sent: RFC 8628 3.1 shows it, and providers (oauthlib's
        endpoint among them) want it even from a client that authenticates with a header.
        """
        endpoint = self.metadata.require(DEVICE_AUTHORIZATION_ENDPOINT)
        return self._authenticated_post(endpoint, {"client_id": self.config.client_id, **form},
                                        "device authorization request")

    def push_authorization_request(self, params: list[tuple[str, str]]) -> str:
        """Push authorization parameters (RFC 9126 2.1), the client authenticated; the ``request_uri`` answered.

        A missing ``pushed_authorization_request_endpoint`` is a :class:`.ConfigurationError`
        naming it; the provider's refusal keeps its code (:func:`.par.read_par_response`).
        """
        endpoint = self.metadata.require(PAR_ENDPOINT)
        answer = self._authenticated_post(endpoint, dict(params), "pushed authorization request")
        return read_par_response(answer)

    def _authenticated_post(self, endpoint: str, form: Mapping[str, Any], purpose: str) -> ProtocolAnswer:
        body = dict(form)
        headers = {"Accept": "application/json", **self._authenticate(endpoint, body)}
        payload = {k: v for k, v in body.items() if v is not None}
        response, answer = self.protocol.exchange("POST", endpoint, purpose, data=payload, headers=headers)
        self.dpop.nonces.update(endpoint, headers_of(response))
        return answer

    # -- revocation and introspection ----------------------------------------------------
    def revoke(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> None:
        """Revoke a token at the revocation endpoint (RFC 7009); a refusal is the provider's error."""
        endpoint = self.metadata.require(REVOCATION_ENDPOINT)
        if isinstance(token, Mapping):
            value = token.get("refresh_token") if token_type_hint == "refresh_token" else token.get("access_token")
        else:
            value = token
        form: dict[str, Any] = {"token": value}
        if token_type_hint:
            form["token_type_hint"] = token_type_hint
        _, answer = self._hinted_request("revoke_token_request", "revocation request", endpoint, form, {})
        if answer.status != 200:
            try:
                data = parse_json_object(answer.body, "revocation response")
            except BadResponseError:
                data = {}
            error = data.get("error") or "revocation_failed"
            raise ProviderError(error=str(error), description=data.get("error_description"), status_code=answer.status)

    def introspect(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> dict[str, Any]:
        """The provider's answer about a token (RFC 7662) from the metadata's introspection endpoint."""
        endpoint = self.metadata.require(INTROSPECTION_ENDPOINT)
        _, answer = self.introspection_request(endpoint, token_value(token, token_type_hint), token_type_hint)
        return parse_introspection_response(answer.status, answer.body)

    def introspection_request(
        self, endpoint: str, token: str, token_type_hint: str | None, **request_kwargs: Any
    ) -> tuple[requests.Response, ProtocolAnswer]:
        """POST an introspection request to ``endpoint``; return the response (its body read) whatever its status."""
        form = introspection_form(token, token_type_hint)
        extra = dict(request_kwargs)
        headers = {"Accept": "application/json", **(extra.pop("headers", None) or {})}
        return self._hinted_request("introspect_token_request", "introspection request", endpoint, form, headers,
                                    **extra)

    def _hinted_request(
        self, hook_type: str, purpose: str, endpoint: str, form: dict[str, Any], headers: dict[str, str],
        **request_kwargs: Any,
    ) -> tuple[requests.Response, ProtocolAnswer]:
        """POST a ``token`` + ``token_type_hint`` form (revocation, introspection), the client authenticated."""
        headers = {**headers, **self._authenticate(endpoint, form)}
        endpoint, headers, form = compliance.fix_token_hint_request(
            self.protocol.session, hook_type, endpoint, headers, form
        )
        return self.protocol.exchange("POST", endpoint, purpose, data=form, headers=headers, **request_kwargs)
