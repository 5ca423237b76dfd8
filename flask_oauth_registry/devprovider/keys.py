"""The provider's signing keys: the RSA key (generated or loaded) and an ES256 key, their JWKS, ID-token signing."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

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


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint of a public JWK (EC, RSA or OKP): SHA-256 of its required members, base64url."""
    members = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
    names = members.get(str(jwk.get("kty")))
    if names is None or any(not isinstance(jwk.get(name), str) for name in names):
        raise ValueError("not a public EC, RSA or OKP JWK")
    canonical = json.dumps({name: jwk[name] for name in names}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


@dataclass(frozen=True)
class EcSigningKey:
    """A P-256 private key for ES256 ID tokens (FAPI 2.0 accepts PS256, ES256 or EdDSA, not RS256)."""

    private_key: ec.EllipticCurvePrivateKey
    kid: str
    alg: str = "ES256"

    @classmethod
    def generate(cls) -> EcSigningKey:
        """A fresh P-256 key with its thumbprint as ``kid``."""
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(key, jwk_thumbprint(ECAlgorithm.to_jwk(key.public_key(), as_dict=True)))

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK with ``kid``, ``use`` and ``alg``."""
        jwk = ECAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, use="sig", alg=self.alg)
        return jwk

    def sign(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` as an ES256 JWS with the ``kid`` header."""
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers={"kid": self.kid})


class KeySet:
    """The keys ID tokens are signed with: RSA always, ES256 when a client asked for it (then published too)."""

    def __init__(self, rsa_key: SigningKey, ec_key: EcSigningKey | None = None) -> None:
        self.rsa = rsa_key
        self.ec = ec_key

    def jwks(self) -> dict[str, Any]:
        """The JWK Set served at ``/jwks``."""
        keys = [self.rsa.public_jwk()] + ([self.ec.public_jwk()] if self.ec else [])
        return {"keys": keys}

    def sign(self, claims: dict[str, Any], alg: str = ALGORITHM) -> str:
        """Sign with the key of ``alg`` (``RS256`` or ``ES256``)."""
        if alg == ALGORITHM:
            return self.rsa.sign(claims)
        if self.ec is None or alg != self.ec.alg:
            raise ValueError(f"no {alg} signing key")
        return self.ec.sign(claims)

    def verify(self, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
        """Decode an ID token signed by either key (the header's ``kid`` picks it); audience is not checked."""
        if self.ec is not None and jwt.get_unverified_header(token).get("kid") == self.ec.kid:
            options: Any = {"verify_aud": False, "verify_exp": verify_exp}
            return jwt.decode(token, self.ec.private_key.public_key(), algorithms=[self.ec.alg], options=options)
        return self.rsa.verify(token, verify_exp=verify_exp)


def token_hash(value: str) -> str:
    """``at_hash``/``c_hash``: left half of the signing algorithm's digest, base64url."""
    digest = jwt.get_algorithm_by_name(ALGORITHM).compute_hash_digest(value.encode("ascii"))
    return _b64url(digest[: len(digest) // 2])


def load_or_generate(path: str | Path | None) -> SigningKey:
    """The configured key file, or a new key when ``path`` is None."""
    return SigningKey.load(path) if path else SigningKey.generate()


def key_set(rsa_key: SigningKey, algorithms: tuple[str, ...]) -> KeySet:
    """The RSA key plus a fresh ES256 key when ``algorithms`` (the clients' choices) include ES256."""
    return KeySet(rsa_key, EcSigningKey.generate() if "ES256" in algorithms else None)
