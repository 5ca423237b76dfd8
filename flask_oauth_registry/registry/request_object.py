"""Signed request objects (RFC 9101): the authorization parameters as a JWT signed with the client's key.

With ``client_kwargs={"request_object": True}`` the parameters of the authorization
request become the claims of a ``request`` JWT, signed with the ``private_key_jwt``
key (``client_kwargs["private_key"]``), with ``iss`` the client id, ``aud`` the
issuer, ``iat``, ``nbf``, ``exp`` (five minutes, never more than 60) and a ``jti``.
The browser then carries ``client_id`` and ``request`` (and, as OpenID Connect asks,
``response_type`` and ``scope``), or, with a push, the push carries them.  Pure.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from .assertion_settings import load_signing_key
from .errors import ConfigurationError

#: How long a request object lives (RFC 9101 10.2 and FAPI 2.0 ask for short; at most 60 minutes).
REQUEST_OBJECT_LIFETIME = 300
MAX_REQUEST_OBJECT_LIFETIME = 3600
#: Parameters repeated outside the request object: OIDC Core 6.1 wants these on the URL too.
_FRONT_CHANNEL_COPIES = ("response_type", "scope")
_INTEGER_PARAMS = ("max_age",)


@dataclass(frozen=True)
class SigningKey:
    """A private key that signs request objects: the key object, its algorithm and ``kid``; never shown."""

    key: Any = field(repr=False)
    alg: str
    kid: str | None = None


def signing_key(private_key: Any, alg: str | None, where: str, *, rsa_alg: str = "RS256") -> SigningKey:
    """The key of ``client_kwargs["private_key"]`` (PEM, file, JWK), with ``alg`` or the key's natural one."""
    key, kid, jwk_alg = load_signing_key(private_key, where)
    return SigningKey(key, alg or jwk_alg or natural_algorithm(key, rsa_alg), kid)


def natural_algorithm(key: Any, rsa_alg: str = "RS256") -> str:
    """The algorithm a private key signs with when none is configured: ``rsa_alg`` for RSA, by curve for EC."""
    if isinstance(key, str) and "-----BEGIN" in key:
        try:
            key = load_pem_private_key(key.encode(), password=None)
        except (ValueError, TypeError):
            return rsa_alg
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}.get(key.curve.name, "ES256")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    return rsa_alg


def request_object_claims(
    params: Sequence[tuple[str, str]], client_id: str, audience: str, *, now: int, jti: str,
    lifetime: int = REQUEST_OBJECT_LIFETIME,
) -> dict[str, Any]:
    """The claims of a request object: every authorization parameter, then ``iss``, ``aud``, times and ``jti``."""
    if not 0 < lifetime <= MAX_REQUEST_OBJECT_LIFETIME:
        raise ConfigurationError(description="a request object lives 1 second to 60 minutes")
    claims: dict[str, Any] = {}
    for name, value in params:
        claims[name] = int(value) if name in _INTEGER_PARAMS and value.isdigit() else value
    claims.update(iss=client_id, aud=audience, iat=now, nbf=now, exp=now + lifetime, jti=jti)
    return claims


def sign_request_object(claims: Mapping[str, Any], key: SigningKey) -> str:
    """The signed request object (compact JWS, ``typ`` ``oauth-authz-req+jwt`` as RFC 9101 10.8 advises)."""
    headers: dict[str, Any] = {"typ": "oauth-authz-req+jwt"}
    if key.kid:
        headers["kid"] = key.kid
    try:
        return jwt.encode(dict(claims), key.key, algorithm=key.alg, headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError):
        raise ConfigurationError(description=f"the private_key cannot sign a request object with {key.alg}") from None


def request_object_params(
    params: Sequence[tuple[str, str]], client_id: str, issuer: str, key: SigningKey, now: float | None = None,
) -> list[tuple[str, str]]:
    """The parameters that carry ``params`` as a request object: ``client_id``, ``request`` and OIDC's copies."""
    claims = request_object_claims(
        params, client_id, issuer, now=int(time.time() if now is None else now), jti=secrets.token_urlsafe(16)
    )
    copies = [(name, value) for name, value in params if name in _FRONT_CHANNEL_COPIES]
    return [("client_id", client_id), ("request", sign_request_object(claims, key)), *copies]
