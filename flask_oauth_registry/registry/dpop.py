"""DPoP keys and proofs (RFC 9449): the key a token is bound to, its thumbprint, and the proof JWT of one request.

A :class:`DPoPKey` is generated per login (ES256) or brought by the app
(``client_kwargs={"dpop_key": ...}``, a private JWK or PEM).  :func:`proof_claims`
and :meth:`DPoPKey.proof` make the ``DPoP`` header of one HTTP request (section 4.2):
``typ`` ``dpop+jwt``, the public ``jwk`` in the header, ``htm``, ``htu`` without
query and fragment, ``iat``, a fresh ``jti``, the server's ``nonce`` when one is
known and, on a resource call, ``ath``.  A token obtained with a key keeps it
(:func:`token_binding`): ``dpop_jkt`` and, for a key made for the login, the
private JWK under ``dpop_key``, JSON-serialisable, so a token saved and loaded
again can still be used and refreshed.  Pure: data in, data out; pyjwt signs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from .assertion_settings import load_signing_key
from .errors import ConfigurationError, InvalidTokenError

#: The token member holding the private JWK of a key made for the login (never shown by ``repr()``).
TOKEN_KEY_MEMBER = "dpop_key"
#: The token member holding the key's RFC 7638 thumbprint: what the provider bound the token to.
TOKEN_THUMBPRINT_MEMBER = "dpop_jkt"
#: The ``typ`` header of a proof (RFC 9449 4.2).
PROOF_TYPE = "dpop+jwt"
#: Algorithms a proof may use, and the one a new key is made for.
PROOF_ALGORITHMS = ("ES256", "PS256", "EdDSA", "RS256", "ES384")
DEFAULT_ALGORITHM = "ES256"
#: RFC 7638 3.2: the members of each key type that make the thumbprint.
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a JWK: its required public members as canonical JSON, hashed."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise ConfigurationError(description=f"a DPoP key of type {jwk.get('kty')!r} is not supported")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def access_token_hash(access_token: str) -> str:
    """``ath``: base64url of the SHA-256 of the access token's ASCII (RFC 9449 4.2)."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest())


def target_uri(url: str) -> str:
    """``htu``: the request's URI without query and fragment (RFC 9449 4.2)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def proof_claims(
    htm: str, htu: str, *, iat: int, jti: str, nonce: str | None = None, access_token: str | None = None
) -> dict[str, Any]:
    """The claims of one proof: method, target URI (query and fragment dropped), time, id, nonce and ``ath``."""
    claims: dict[str, Any] = {"htm": htm.upper(), "htu": target_uri(htu), "iat": iat, "jti": jti}
    if nonce:
        claims["nonce"] = nonce
    if access_token is not None:
        claims["ath"] = access_token_hash(access_token)
    return claims


class PrivateJwk(dict[str, Any]):
    """A private JWK as a plain ``dict`` (JSON, sessions, storages) whose ``repr()`` hides the private members."""

    def __repr__(self) -> str:
        return repr({k: "***" if k in _PRIVATE_MEMBERS else v for k, v in self.items()})

    __str__ = __repr__


def _natural_algorithm(key: Any) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "ES256", "secp384r1": "ES384"}
        if key.curve.name not in by_curve:
            raise ConfigurationError(description="a DPoP key on this curve is not supported (use P-256)")
        return by_curve[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey):
        return "PS256"
    return "EdDSA"


def _to_jwk(key: Any) -> dict[str, Any]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return ECAlgorithm.to_jwk(key, as_dict=True)
    if isinstance(key, rsa.RSAPrivateKey):
        return RSAAlgorithm.to_jwk(key, as_dict=True)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return OKPAlgorithm.to_jwk(key, as_dict=True)
    raise ConfigurationError(description="a DPoP key must be an EC, RSA or Ed25519 private key")


class DPoPKey:
    """A private key that signs DPoP proofs; ``repr()`` never shows it.

    ``per_login`` keys (generated for a login, or loaded back from a token) travel
    with the token; a key the app configured stays in the configuration and the
    token only records its thumbprint.
    """

    __slots__ = ("alg", "per_login", "public_jwk", "thumbprint", "_key", "_private_jwk")

    def __init__(self, key: Any, alg: str | None = None, *, per_login: bool) -> None:
        private = _to_jwk(key)
        self._key = key
        self.alg = alg or _natural_algorithm(key)
        if self.alg not in PROOF_ALGORITHMS:
            raise ConfigurationError(description=f"a DPoP proof cannot use {self.alg!r}")
        self.per_login = per_login
        self._private_jwk = PrivateJwk(private, alg=self.alg)
        self.public_jwk = {k: v for k, v in private.items() if k not in _PRIVATE_MEMBERS}
        self.thumbprint = jwk_thumbprint(self.public_jwk)

    def __repr__(self) -> str:
        return f"<DPoPKey {self.alg} jkt={self.thumbprint}>"

    @classmethod
    def generate(cls, alg: str = DEFAULT_ALGORITHM) -> DPoPKey:
        """A new key for one login: P-256 for ES256 (the default), Ed25519 for EdDSA."""
        key = ed25519.Ed25519PrivateKey.generate() if alg == "EdDSA" else ec.generate_private_key(ec.SECP256R1())
        return cls(key, "EdDSA" if alg == "EdDSA" else "ES256", per_login=True)

    @classmethod
    def from_setting(cls, value: Any, where: str) -> DPoPKey:
        """The app's own key from ``client_kwargs["dpop_key"]``: a private JWK (dict or JSON) or PEM; else fail."""
        key, _kid, alg = load_signing_key(value, where)
        try:
            return cls(key, alg, per_login=False)
        except ConfigurationError as exc:
            raise ConfigurationError(description=f"{where}: {exc.description}") from None

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> DPoPKey:
        """A key stored with a token (:data:`TOKEN_KEY_MEMBER`); a broken one is an :class:`InvalidTokenError`."""
        try:
            key = jwt.PyJWK(dict(jwk)).key
            return cls(key, str(jwk.get("alg") or "") or None, per_login=True)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError, ConfigurationError):
            raise InvalidTokenError(
                description="the DPoP key stored with the token is not a usable private JWK"
            ) from None

    def private_jwk(self) -> PrivateJwk:
        """The private key as a JWK with its ``alg``: what a token (or the flow state) keeps."""
        return PrivateJwk(self._private_jwk)

    def proof(
        self, htm: str, htu: str, *, nonce: str | None = None, access_token: str | None = None,
        now: float | None = None,
    ) -> str:
        """A signed proof for one request (a fresh ``jti`` each time)."""
        claims = proof_claims(
            htm, htu, iat=int(time.time() if now is None else now), jti=secrets.token_urlsafe(16),
            nonce=nonce, access_token=access_token,
        )
        return jwt.encode(claims, self._key, algorithm=self.alg, headers={"typ": PROOF_TYPE, "jwk": self.public_jwk})


def token_binding(key: DPoPKey) -> dict[str, Any]:
    """What a token obtained with ``key`` keeps: its thumbprint, and the private JWK of a per-login key."""
    binding: dict[str, Any] = {TOKEN_THUMBPRINT_MEMBER: key.thumbprint}
    if key.per_login:
        binding[TOKEN_KEY_MEMBER] = key.private_jwk()
    return binding


def is_dpop_token(token: Mapping[str, Any]) -> bool:
    """Whether the provider issued ``token`` as DPoP-bound (``token_type`` ``DPoP``, any case)."""
    return str(token.get("token_type") or "").lower() == "dpop"


def is_bound(token: Mapping[str, Any]) -> bool:
    """Whether ``token`` was obtained with a DPoP key (its refresh must be signed by the same key)."""
    return bool(token.get(TOKEN_THUMBPRINT_MEMBER) or token.get(TOKEN_KEY_MEMBER))
