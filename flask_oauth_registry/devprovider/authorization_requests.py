"""An authorization request's parameters: from the query, a pushed request (RFC 9126) or a request object (RFC 9101).

:func:`resolve` turns what reached ``/authorize`` into the parameters oauthlib
validates, refusing plain requests when PAR is required; :func:`finish` spends
the single-use parts (the ``request_uri``, the request object's ``jti``) once
the provider answers the client, not while the user looks at the consent page.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from oauthlib.oauth2.rfc6749 import errors

from .request_objects import MAX_LIFETIME, merged_parameters, verify_request_object
from .settings import OFF, REQUIRED, OAuth2ClientConfig
from .state import ProviderState

#: How long a request object's ``jti`` is remembered: as long as one may live, plus clock skew.
REQUEST_OBJECT_MEMORY = MAX_LIFETIME + 60


class InvalidRequestUriError(errors.FatalClientError):
    """RFC 9101 6.2 / RFC 9126 4: the ``request_uri`` is unknown, expired, used, or another client's."""

    error = "invalid_request_uri"


@dataclass(frozen=True)
class AuthorizationRequest:
    """The request as oauthlib sees it (``uri``), its parameters, and what :func:`finish` must spend."""

    uri: str
    params: Mapping[str, str] = field(default_factory=dict)
    request_uri: str | None = None
    request_object_jti: str | None = None


def _rebuilt(st: ProviderState, params: Mapping[str, str], **spend: str) -> AuthorizationRequest:
    """A request whose parameters came from elsewhere: the authorization endpoint's URL with them."""
    return AuthorizationRequest(f"{st.endpoint('/authorize')}?{urlencode(dict(params))}", params, **spend)


def par_required(st: ProviderState, client: OAuth2ClientConfig | None) -> bool:
    """Whether the provider, or this client's registration, demands pushed requests."""
    return st.settings.par == REQUIRED or bool(client and client.require_pushed_authorization_requests)


def resolve(st: ProviderState, args: Mapping[str, str], uri: str) -> AuthorizationRequest:
    """The parameters of the request in ``args``, the query of ``uri`` (the request or the consent form's URL).

    Raises a ``FatalClientError`` (shown to the user, never redirected) for an
    unusable ``request_uri`` or request object, and for a plain request when PAR is required.
    """
    params = dict(args)
    client = st.settings.client(params.get("client_id"))
    if client is None:
        return AuthorizationRequest(uri, params)  # oauthlib refuses the unknown client_id
    if "request_uri" in params:
        if st.settings.par == OFF:
            raise InvalidRequestUriError(description="This provider does not accept request_uri.")
        pushed = st.store.pushed.peek(params["request_uri"], client.client_id)
        if pushed is None:
            raise InvalidRequestUriError(
                description="The request_uri is unknown, has expired, was used already or belongs to another client."
            )
        return _rebuilt(st, pushed.params, request_uri=pushed.request_uri)
    if par_required(st, client):
        raise errors.InvalidRequestFatalError(
            description="Pushed authorization requests are required: push the parameters to the "
            "pushed_authorization_request_endpoint and send only client_id and request_uri."
        )
    if "request" in params:
        claims = verify_request_object(params["request"], client, st.issuer(), time.time())
        if st.store.nonce_seen(_jti_key(client.client_id, str(claims["jti"])), REQUEST_OBJECT_MEMORY):
            raise errors.InvalidRequestFatalError(description="The request object was used before (jti).")
        return _rebuilt(st, merged_parameters(params, claims), request_object_jti=str(claims["jti"]))
    return AuthorizationRequest(uri, params)


def finish(st: ProviderState, authz: AuthorizationRequest) -> None:
    """Spend the request's single-use parts before answering the client; a second answer is refused."""
    client_id = authz.params.get("client_id")
    if authz.request_uri and st.store.pushed.claim(authz.request_uri, client_id) is None:
        raise InvalidRequestUriError(description="The request_uri was used already or has expired.")
    if authz.request_object_jti and not remember_request_object(st, client_id or "", authz.request_object_jti):
        raise errors.InvalidRequestFatalError(description="The request object was used before (jti).")


def remember_request_object(st: ProviderState, client_id: str, jti: str) -> bool:
    """Record a request object's ``jti``; False when it was seen before (it is kept as long as one may live)."""
    return st.store.use_nonce(_jti_key(client_id, jti), REQUEST_OBJECT_MEMORY)


def _jti_key(client_id: str, jti: str) -> tuple[str, ...]:
    return ("request-object", client_id, jti)
