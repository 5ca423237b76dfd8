"""Signed request objects (RFC 9101, FAPI 2.0 Message Signing 5.3): a ``request`` JWT carrying the parameters.

The JWT is signed with a key the client registered (:mod:`.client_jwt`), names
the client as ``iss`` and this provider as ``aud``, has ``nbf`` and ``exp`` at
most 60 minutes apart and a ``jti``.  Its parameters win over those sent beside
it; a ``client_id`` inside must be the one outside.  Pure: the caller records
the ``jti`` (single use) when the request is answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from oauthlib.oauth2.rfc6749 import errors

from .client_jwt import ClientJwtRefused, decode_client_jwt
from .settings import OAuth2ClientConfig

#: FAPI 2.0 Message Signing 5.3.1: ``exp`` no more than 60 minutes after ``nbf``.
MAX_LIFETIME = 3600
#: JWT claims of the request object that are not authorization parameters.
JWT_CLAIMS = frozenset({"iss", "aud", "exp", "nbf", "iat", "jti", "sub"})


class InvalidRequestObjectError(errors.FatalClientError):
    """RFC 9101 6.3: the request object does not verify or its claims do not pass (shown, never redirected)."""

    error = "invalid_request_object"


def verify_request_object(token: str, client: OAuth2ClientConfig, issuer: str, now: float) -> dict[str, Any]:
    """The claims of the client's request object, or :class:`InvalidRequestObjectError` naming the failed check."""
    if not client.jwks:
        raise InvalidRequestObjectError(description="The client registered no key to sign request objects with.")
    try:
        claims = decode_client_jwt(token, client, audience=[issuer], require=["exp", "nbf", "jti"])
    except ClientJwtRefused as refused:
        raise InvalidRequestObjectError(description=f"The request object is refused: {refused}.") from None
    if claims["exp"] - claims["nbf"] > MAX_LIFETIME:
        raise InvalidRequestObjectError(description="The request object lives longer than 60 minutes (exp - nbf).")
    if claims["nbf"] < now - MAX_LIFETIME:
        raise InvalidRequestObjectError(description="The request object's nbf is more than 60 minutes ago.")
    return claims


def merged_parameters(outer: Mapping[str, str], claims: Mapping[str, Any]) -> dict[str, str]:
    """The request's parameters: those beside ``request``, overridden by the object's (RFC 9101 6.3)."""
    inner = {name: value for name, value in claims.items() if name not in JWT_CLAIMS}
    if "client_id" in inner and inner["client_id"] != outer.get("client_id"):
        raise InvalidRequestObjectError(description="The request object's client_id is not the request's.")
    if "request" in inner or "request_uri" in inner:
        raise InvalidRequestObjectError(description="A request object cannot hold request or request_uri.")
    params = {name: value for name, value in outer.items() if name != "request"}
    params.update({name: _as_parameter(value) for name, value in inner.items()})
    return params


def _as_parameter(value: Any) -> str:
    """A claim as a query parameter: strings as they are, objects (``claims``) as JSON, numbers as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value).lower() if isinstance(value, bool) else str(value)
