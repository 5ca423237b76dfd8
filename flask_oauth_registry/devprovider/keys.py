"""The provider's RSA signing key: generate or load it, publish it as a JWKS, sign ID tokens."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """An RSA private key plus its ``kid`` (the RFC 7638 JWK thumbprint, so it is stable)."""

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls, bits: int = 2048) -> SigningKey:
        """A fresh key; used when no key file is configured."""
        return cls.from_private_key(rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def load(cls, path: str | Path) -> SigningKey:
        """Load an unencrypted PEM private key (PKCS#1 or PKCS#8)."""
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path}: not an RSA private key")
        return cls.from_private_key(key)

    @classmethod
    def from_private_key(cls, key: rsa.RSAPrivateKey) -> SigningKey:
        """Wrap ``key`` and compute its thumbprint ``kid``."""
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        canonical = json.dumps(
            {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
        )
        return cls(key, _b64url(hashlib.sha256(canonical.encode("ascii")).digest()))

    @property
    def public_pem(self) -> str:
        """The public half as a PEM string (also handy as an OAuth 1 dummy RSA key)."""
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK with ``kid``, ``use`` and ``alg``."""
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, use="sig", alg=ALGORITHM)
        return jwk

    def jwks(self) -> dict[str, Any]:
        """The JWK Set served at ``/jwks``."""
        return {"keys": [self.public_jwk()]}

    def sign(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` as an RS256 JWS with the ``kid`` header."""
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token: str, *, verify_exp: bool = True, **options: Any) -> dict[str, Any]:
        """Decode a JWT this key signed; audience is not checked (callers check it)."""
        checks: Any = {"verify_aud": False, "verify_exp": verify_exp, **options}
        return jwt.decode(token, self.private_key.public_key(), algorithms=[ALGORITHM], options=checks)


def token_hash(value: str) -> str:
    """``at_hash``/``c_hash``: left half of the signing algorithm's digest, base64url."""
    digest = jwt.get_algorithm_by_name(ALGORITHM).compute_hash_digest(value.encode("ascii"))
    return _b64url(digest[: len(digest) // 2])


def load_or_generate(path: str | Path | None) -> SigningKey:
    """The configured key file, or a new key when ``path`` is None."""
    return SigningKey.load(path) if path else SigningKey.generate()
