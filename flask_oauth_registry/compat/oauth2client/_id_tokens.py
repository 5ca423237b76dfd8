"""ID tokens in the oauth2client facade: the unverified decoding it kept in ``id_token``, and real verification.

oauth2client decoded every ``id_token`` it received without checking it and kept
the claims in ``credentials.id_token``; its Flask helper then trusted them, from
the cookie, for ``email`` and ``user_id``.  The facade keeps that attribute (code
reads it), but it is only a convenience copy: nothing here trusts it for identity.
:func:`verify_id_token` checks a token's signature against the issuer's published
keys (Google's by default), ``aud``, ``iss``, ``exp`` and ``iat`` with pyjwt, and
:func:`id_token_claims` does so for the ``id_token_jwt`` of credentials: that is what
identity must come from.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection, Mapping
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from jwt.algorithms import RSAAlgorithm

from ...registry.errors import OAuthError
from ...registry.idtoken import select_keys
from ...registry.oidc import parse_jwks
from . import transport
from ._errors import AppIdentityError, VerifyJwtTokenError

#: Where Google publishes the keys of its ID tokens (oauth2client's ``ID_TOKEN_VERIFICATION_CERTS``:
#: a ``{kid: PEM certificate}`` document; a JWK set URL such as ``.../oauth2/v3/certs`` works too).
ID_TOKEN_VERIFICATION_CERTS = "https://www.googleapis.com/oauth2/v1/certs"
#: The ``iss`` values of Google's ID tokens.
ID_TOKEN_ISSUERS = ["accounts.google.com", "https://accounts.google.com"]
#: Seconds of clock difference allowed on ``iat``/``exp`` (oauth2client's ``CLOCK_SKEW_SECS``).
CLOCK_SKEW_SECS = 300
#: How long fetched keys are used before they are fetched again.
KEYS_TTL = 3600.0
#: An unknown ``kid`` refetches the keys at most this often (a forged token must not make us hammer the issuer).
REFETCH_INTERVAL = 60.0
_ALGORITHMS = ["RS256"]

_keys_lock = threading.Lock()
_keys: dict[str, tuple[float, list[PyJWK]]] = {}


def extract_id_token(id_token: str | bytes) -> dict[str, Any]:
    """The claims of ``id_token``, **not verified** (what oauth2client stored in ``credentials.id_token``).

    Only for display or for code that reads the attribute; identity must come
    from :func:`id_token_claims`.  A malformed token is a :class:`VerifyJwtTokenError`
    that does not quote it.
    """
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise VerifyJwtTokenError("the id_token is not a well-formed JWT") from None
    if not isinstance(claims, dict):
        raise VerifyJwtTokenError("the id_token's payload is not a JSON object")
    return claims


def _pem_certificates_to_keys(document: Mapping[str, Any]) -> list[PyJWK]:
    """``{kid: PEM certificate}`` (Google's v1 document) as JWKs."""
    keys = []
    for kid, pem in document.items():
        if not isinstance(pem, str):
            continue
        try:
            public_key = x509.load_pem_x509_certificate(pem.encode("ascii")).public_key()
            if not isinstance(public_key, rsa.RSAPublicKey):
                continue
            data = RSAAlgorithm.to_jwk(public_key, as_dict=True)
        except (ValueError, TypeError, UnicodeEncodeError):
            continue
        keys.append(PyJWK({**data, "kid": kid, "use": "sig", "alg": "RS256"}))
    return keys


def _fetch_keys(cert_uri: str, http: Any) -> list[PyJWK]:
    response, content = transport.request(http, cert_uri)
    if response.status != 200:
        raise VerifyJwtTokenError(f"Status code: {response.status}")
    try:
        document = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
    except (ValueError, UnicodeDecodeError):
        raise VerifyJwtTokenError("the keys document is not JSON") from None
    if not isinstance(document, dict):
        raise VerifyJwtTokenError("the keys document is not a JSON object")
    try:
        return parse_jwks(document) if "keys" in document else _pem_certificates_to_keys(document)
    except OAuthError as exc:
        raise VerifyJwtTokenError(f"the keys document cannot be used ({exc.error})") from None


def _keys_for(cert_uri: str, http: Any, kid: str | None) -> list[Any]:
    """The keys of ``cert_uri`` that may have signed a token with this ``kid``: cached, refetched on a new ``kid``."""
    now = time.monotonic()
    with _keys_lock:
        cached = _keys.get(cert_uri)
    if cached is None or now - cached[0] > KEYS_TTL:
        cached = (now, _fetch_keys(cert_uri, http))
    found = select_keys(cached[1], kid, "RS256")
    if not found and now - cached[0] > REFETCH_INTERVAL:
        cached = (now, _fetch_keys(cert_uri, http))
        found = select_keys(cached[1], kid, "RS256")
    with _keys_lock:
        _keys[cert_uri] = cached
    return found


def verify_id_token(
    id_token: str | bytes,
    audience: str | Collection[str],
    http: Any = None,
    cert_uri: str = ID_TOKEN_VERIFICATION_CERTS,
    issuers: Collection[str] = tuple(ID_TOKEN_ISSUERS),
) -> dict[str, Any]:
    """The claims of ``id_token`` once its RS256 signature, ``aud``, ``iss``, ``exp`` and ``iat`` check out.

    ``audience`` is the client ID the token must be for (or several); ``issuers``
    the accepted ``iss`` values (Google's by default); ``cert_uri`` where the keys
    are (Google's certificates by default; a JWK set URL also works), fetched
    through ``http`` and kept for an hour.  oauth2client checked neither ``iss`` nor,
    without ``audience``, ``aud``; here both are required.  Any failure is a
    :class:`AppIdentityError` (a :class:`VerifyJwtTokenError`) naming the check, never quoting
    the token; a keys document that cannot be fetched is a :class:`VerifyJwtTokenError`.
    """
    if isinstance(id_token, bytes):
        id_token = id_token.decode("ascii", "replace")
    if not audience:
        raise VerifyJwtTokenError("an audience (the client ID) is required to verify an ID token")
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise AppIdentityError("the ID token is not a well-formed JWT") from None
    if header.get("alg") not in _ALGORITHMS:
        raise AppIdentityError("the ID token's algorithm is not RS256")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    keys = _keys_for(cert_uri, http, kid)
    if not keys:
        raise AppIdentityError("no published key matches the ID token's kid")
    audiences = [audience] if isinstance(audience, str) else list(audience)
    last: Exception | None = None
    for key in keys:
        try:
            claims = jwt.decode(
                id_token, key=key, algorithms=_ALGORITHMS, audience=audiences, issuer=list(issuers),
                leeway=CLOCK_SKEW_SECS, options={"require": ["iss", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as exc:
            last = exc
            continue
        except jwt.PyJWTError as exc:
            raise AppIdentityError(f"ID token rejected: {_check_of(exc)}") from None
        return dict(claims)
    raise AppIdentityError("ID token rejected: signature") from last


def _check_of(exc: jwt.PyJWTError) -> str:
    checks: list[tuple[type[Exception], str]] = [
        (jwt.MissingRequiredClaimError, "a required claim is missing"), (jwt.InvalidIssuerError, "iss"),
        (jwt.InvalidAudienceError, "aud"), (jwt.ExpiredSignatureError, "exp"),
        (jwt.ImmatureSignatureError, "iat"), (jwt.InvalidIssuedAtError, "iat"),
    ]
    return next((name for kind, name in checks if isinstance(exc, kind)), "format")


def id_token_claims(
    credentials: Any,
    audience: str | Collection[str] | None = None,
    http: Any = None,
    cert_uri: str = ID_TOKEN_VERIFICATION_CERTS,
    issuers: Collection[str] = tuple(ID_TOKEN_ISSUERS),
) -> dict[str, Any]:
    """The verified claims of ``credentials.id_token_jwt``: use these, not ``credentials.id_token``, for identity.

    ``audience`` defaults to ``credentials.client_id``.  Credentials without an
    ID token (or read from a file that has only the decoded ``id_token``) give
    :class:`VerifyJwtTokenError`.
    """
    token = getattr(credentials, "id_token_jwt", None)
    if not token:
        raise VerifyJwtTokenError("the credentials carry no ID token to verify")
    return verify_id_token(token, audience or credentials.client_id, http=http, cert_uri=cert_uri, issuers=issuers)
