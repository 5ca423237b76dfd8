"""JWTs a client signs with a key it registered (``jwks``): ``private_key_jwt`` assertions and request objects.

The key comes from the client's registration, never from the token; the
algorithm must be asymmetric and fit the key; ``kid`` picks the key when the
token names one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jwt

from .settings import OAuth2ClientConfig

#: Asymmetric algorithms accepted from clients (never ``none``; MACs would need a shared secret).
CLIENT_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "RS256", "RS384", "RS512")


class ClientJwtRefused(Exception):
    """The JWT is not one the client signed, or its claims do not pass; the message says which check failed."""


def registered_keys(client: OAuth2ClientConfig) -> list[dict[str, Any]]:
    """The public JWKs of the client (its ``jwks`` is a JWK Set or one JWK)."""
    jwks = client.jwks or {}
    keys = jwks.get("keys") if "keys" in jwks else [jwks]
    return [key for key in keys or [] if isinstance(key, dict)]


def decode_client_jwt(
    token: str, client: OAuth2ClientConfig, *, audience: Sequence[str], require: Sequence[str], leeway: int = 30
) -> dict[str, Any]:
    """The claims of ``token`` once its signature (a registered key), ``iss`` (the client id) and ``aud`` pass."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise ClientJwtRefused("it is not a JWT") from None
    alg = header.get("alg")
    if alg not in CLIENT_ALGORITHMS:
        raise ClientJwtRefused("its algorithm is not an accepted asymmetric one")
    kid = header.get("kid")
    candidates = [k for k in registered_keys(client) if kid is None or k.get("kid") == kid]
    if not candidates:
        raise ClientJwtRefused("the client registered no key that matches it")
    failure = "its signature does not verify with the client's keys"
    for data in candidates:
        try:
            key = jwt.PyJWK(data, algorithm=alg).key
        except (jwt.PyJWTError, ValueError, TypeError):
            continue  # a key of another type or curve
        try:
            return jwt.decode(
                token, key, algorithms=[alg], audience=list(audience), issuer=client.client_id, leeway=leeway,
                options={"require": list(require)},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise ClientJwtRefused(_reason(exc)) from None
    raise ClientJwtRefused(failure)


def _reason(exc: jwt.PyJWTError) -> str:
    """A short, secret-free reason for a refused JWT."""
    if isinstance(exc, jwt.InvalidAudienceError):
        return "its aud is not this provider"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "its iss is not the client id"
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "it has expired"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "it is not valid yet"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"it has no {exc.claim} claim"
    return "it is malformed"
