"""Signing keys of a fake provider: real generated RSA keys, their JWK set, and rotation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class SigningKeys:
    """The key ID tokens are signed with now; only the current key is published (rotation retires the old one)."""

    kid: str = field(default_factory=lambda: "fake-" + secrets.token_hex(4))
    private_key: Any = field(default_factory=_new_rsa_key, repr=False)

    def rotate(self) -> None:
        """A new key with a new ``kid``; tokens signed with the old key no longer verify."""
        self.kid = "fake-" + secrets.token_hex(4)
        self.private_key = _new_rsa_key()

    def jwks(self) -> dict[str, Any]:
        """The published JWK set."""
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def sign(self, claims: dict[str, Any]) -> str:
        """``claims`` as an RS256 JWT with the current ``kid``."""
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})
