"""Real generated keys for the fake providers: JWS signing keys, JWK sets, PEM pairs, and hand-made JWTs.

Keys are generated once per test run and label (generating RSA keys is slow); the
same label gives the same key material, so a test can publish a "twin" of a key or
sign with one that is not published.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def left_half_hash(value: str) -> str:
    """``at_hash`` for the SHA-256 algorithms (RS256, ES256, HS256), computed independently of the library."""
    return b64url(hashlib.sha256(value.encode()).digest()[:16])


@cache
def _rsa_private_key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def _ec_private_key(label: str, curve: str) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key({"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}[curve])


@dataclass(frozen=True)
class SigningKey:
    """A private key, the JWS algorithm it signs with and its ``kid`` (``None``: no kid header)."""

    alg: str
    kid: str | None
    private_key: Any

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()

    def public_jwk(self, **members: Any) -> dict[str, Any]:
        """The public JWK as a provider publishes it; ``members`` add or override (``use``, ``alg``...)."""
        algorithm = RSAAlgorithm if isinstance(self.private_key, rsa.RSAPrivateKey) else ECAlgorithm
        jwk: dict[str, Any] = algorithm.to_jwk(self.public_key, as_dict=True)
        jwk["use"] = "sig"
        if self.kid is not None:
            jwk["kid"] = self.kid
        jwk.update(members)
        return {k: v for k, v in jwk.items() if v is not None}

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        extra = {"kid": self.kid} if self.kid is not None else {}
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers={**extra, **(headers or {})})


def rsa_key(kid: str | None = "rsa-1", label: str | None = None, alg: str = "RS256") -> SigningKey:
    """An RSA key; the same ``label`` (default: the kid) gives the same key material within a test run."""
    return SigningKey(alg, kid, _rsa_private_key(label or str(kid)))


def ec_key(kid: str | None = "ec-1", curve: str = "P-256", label: str | None = None) -> SigningKey:
    alg = {"P-256": "ES256", "P-384": "ES384"}[curve]
    return SigningKey(alg, kid, _ec_private_key(label or str(kid), curve))


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [key.public_jwk() for key in keys]}


def rsa_key_pair() -> tuple[str, str]:
    """``(private PEM, public PEM)`` of an RSA key, for OAuth 1.0a's RSA-SHA* clients; the same within a run."""
    key = _rsa_private_key("oauth1-rsa-client")
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


def hmac_signed_token(claims: dict[str, Any], key: bytes, alg: str = "HS256", kid: str | None = None) -> str:
    """A MAC-signed JWT made by hand: pyjwt refuses a PEM as an HMAC key, an attacker does not."""
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signature = hmac.new(key, signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(signature)


def unsigned_token(claims: dict[str, Any], kid: str | None = None) -> str:
    """An ``alg: none`` JWT: header, payload and an empty signature."""
    header = {"alg": "none", **({"kid": kid} if kid else {})}
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode()) + "."
