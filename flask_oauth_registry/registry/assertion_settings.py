"""The JWT-bearer grant's settings (RFC 7523 2.1), checked and parsed once at build into an :class:`.AssertionConfig`.

``assertion_key`` (PEM text, a PEM file path, a JWK dict or its JSON, or a
``cryptography`` private key) is loaded here, once; ``assertion_claims``,
``subject``, ``assertion_alg``, ``assertion_key_id`` and ``assertion_lifetime``
are checked.  A wrong value is a :class:`ConfigurationError` naming the keyword;
no message ever shows the key.  Pure: data in, data out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from .config import JWT_BEARER_GRANT, MAX_ASSERTION_LIFETIME, AssertionConfig
from .errors import ConfigurationError

#: The register() keywords read here; they become :attr:`.ClientConfig.assertion`, not fields of their own.
ASSERTION_SETTINGS = (
    "assertion_key", "assertion_key_id", "assertion_claims", "assertion_alg", "assertion_lifetime", "subject",
)
#: Read by the ``google_service_account`` preset before the settings get here.
SERVICE_ACCOUNT_SETTINGS = ("service_account_file", "service_account_info")
#: Signature algorithms an assertion may use, by key type (never a shared secret: the point is a private key).
ALGORITHMS_BY_KEY = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "EC": ("ES256", "ES384", "ES512"),
    "OKP": ("EdDSA",),
}
_EC_ALGORITHM_BY_CURVE = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
#: Claims each assertion sets itself: configuring them would make every assertion the same.
_PER_ASSERTION_CLAIMS = ("iat", "exp", "nbf", "jti")


def assertion_config(name: str, settings: Mapping[str, Any]) -> AssertionConfig | None:
    """The :class:`.AssertionConfig` of checked ``settings``; ``None`` for an app whose grant is not JWT bearer."""
    for key in SERVICE_ACCOUNT_SETTINGS:
        if settings.get(key) is not None:
            raise ConfigurationError(
                description=f"register({name!r}): {key} is read by provider='google_service_account'"
            )
    given = [key for key in ASSERTION_SETTINGS if settings.get(key) is not None]
    if settings.get("grant_type") != JWT_BEARER_GRANT:
        if given:
            raise ConfigurationError(
                description=f"register({name!r}): {given[0]} is a setting of the JWT-bearer grant; "
                f"add grant_type={JWT_BEARER_GRANT!r}"
            )
        return None
    if settings.get("assertion_key") is None:
        raise ConfigurationError(
            description=f"register({name!r}): the JWT-bearer grant needs assertion_key= "
            "(PEM text, a PEM file path or a private JWK)"
        )
    key, jwk_kid, jwk_alg = load_signing_key(settings["assertion_key"], f"register({name!r}): assertion_key")
    alg = _algorithm(name, key, settings.get("assertion_alg") or jwk_alg)
    return AssertionConfig(
        key=key,
        alg=alg,
        key_id=_optional_string(name, settings, "assertion_key_id") or jwk_kid,
        lifetime=_lifetime(name, settings.get("assertion_lifetime")),
        claims=MappingProxyType(_claims(name, settings)),
    )


def load_signing_key(value: Any, where: str) -> tuple[Any, str | None, str | None]:
    """A private key from PEM text, a file of PEM or JWK, a JWK (dict or JSON) or a key object: (key, kid, alg)."""
    if _is_private_key(value):
        return value, None, None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, os.PathLike) or (isinstance(value, str) and _names_a_file(value)):
        value = _read_key_file(os.fspath(value), where)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigurationError(description=f"{where} looks like a JWK but is not JSON") from None
    if isinstance(value, Mapping):
        return _from_jwk(value, where)
    if isinstance(value, str) and "-----BEGIN" in value:
        try:
            key = load_pem_private_key(value.encode(), password=None)
        except (ValueError, TypeError):
            raise ConfigurationError(
                description=f"{where} is not a PEM private key (an encrypted key is not supported)"
            ) from None
        return key, None, None
    raise ConfigurationError(description=f"{where} is neither a private key (PEM or JWK) nor a readable file")


def _names_a_file(value: str) -> bool:
    return "-----BEGIN" not in value and not value.lstrip().startswith("{") and len(value) < 4096


def _read_key_file(path: str, where: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        raise ConfigurationError(description=f"{where}: the file {path!r} cannot be read") from None


def _from_jwk(jwk: Mapping[str, Any], where: str) -> tuple[Any, str | None, str | None]:
    try:
        key = jwt.PyJWK(dict(jwk)).key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        raise ConfigurationError(description=f"{where} is not a usable JWK") from None
    if not _is_private_key(key):
        raise ConfigurationError(description=f"{where} is a public JWK: the grant signs with the private key")
    kid, alg = jwk.get("kid"), jwk.get("alg")
    return key, str(kid) if kid else None, str(alg) if alg else None


def _is_private_key(value: Any) -> bool:
    return isinstance(value, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)


def _key_type(key: Any) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA"
    return "EC" if isinstance(key, ec.EllipticCurvePrivateKey) else "OKP"


def _algorithm(name: str, key: Any, alg: Any) -> str:
    """``assertion_alg`` (or the JWK's ``alg``), checked against the key; else the key's natural one (RS256 for RSA)."""
    kind = _key_type(key)
    natural = _EC_ALGORITHM_BY_CURVE.get(key.curve.name) if kind == "EC" else ALGORITHMS_BY_KEY[kind][0]
    if alg is None:
        if natural is None:
            raise ConfigurationError(description=f"register({name!r}): the assertion_key's curve is not supported")
        return natural
    if alg not in ALGORITHMS_BY_KEY[kind] or (kind == "EC" and alg != natural):
        raise ConfigurationError(
            description=f"register({name!r}): assertion_alg {alg!r} does not fit the {kind} assertion_key "
            f"(use {natural or ', '.join(ALGORITHMS_BY_KEY[kind])})"
        )
    return str(alg)


def _lifetime(name: str, value: Any) -> int:
    if value is None:
        return MAX_ASSERTION_LIFETIME
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_ASSERTION_LIFETIME:
        raise ConfigurationError(
            description=f"register({name!r}): assertion_lifetime must be 1 to {MAX_ASSERTION_LIFETIME} seconds "
            "(an assertion lives at most an hour)"
        )
    return int(value)


def _optional_string(name: str, settings: Mapping[str, Any], key: str) -> str | None:
    value = settings.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(description=f"register({name!r}): {key} must be a string")
    return value


def _claims(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The fixed claims: ``assertion_claims`` with ``iss`` (default ``client_id``) and ``sub``.

    ``sub`` is ``subject=``, else the configured one, else ``iss`` (RFC 7523 3: the
    client acting for itself); a claim configured as ``None`` is left out (Google's
    assertion has no ``sub`` unless it acts for a user).
    """
    configured = settings.get("assertion_claims") or {}
    if not isinstance(configured, Mapping) or not all(isinstance(k, str) for k in configured):
        raise ConfigurationError(description=f"register({name!r}): assertion_claims must be a dict of claims")
    fixed = [claim for claim in _PER_ASSERTION_CLAIMS if claim in configured]
    if fixed:
        raise ConfigurationError(
            description=f"register({name!r}): assertion_claims cannot set {fixed[0]!r}: each assertion sets "
            "iat, exp and jti itself (assertion_lifetime sets how long it lives)"
        )
    claims = dict(configured)
    issuer = claims.get("iss") or settings.get("client_id")
    if not isinstance(issuer, str) or not issuer:
        raise ConfigurationError(
            description=f"register({name!r}): the JWT-bearer grant needs an issuer, assertion_claims['iss'] "
            "or client_id"
        )
    claims["iss"] = issuer
    subject = _optional_string(name, settings, "subject")
    if subject is not None and claims.get("sub") not in (None, subject):
        raise ConfigurationError(
            description=f"register({name!r}): subject= and assertion_claims['sub'] differ; give one of them"
        )
    claims["sub"] = subject if subject is not None else claims.get("sub", issuer)
    return {claim: value for claim, value in claims.items() if value is not None}
