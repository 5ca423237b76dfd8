"""oauth2client's ``crypt``: RS256 signing and verification, on pyjwt and cryptography.

oauth2client chose among pyOpenSSL, PyCrypto and rsa; recent pyOpenSSL releases
lost the PKCS#12 loading and signing it used, so its service-account ``.p12`` keys
stopped working.  Here every key is read by ``cryptography`` (PEM and PKCS#12),
JWTs are made and checked by pyjwt, and there is one :class:`Signer` and one
:class:`Verifier`.  ``OpenSSLSigner``, ``PyCryptoSigner`` and ``RsaSigner`` (and the
verifiers) are aliases of them, for code that named one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ._errors import AppIdentityError
from ._helpers import _to_bytes

CLOCK_SKEW_SECS = 300
AUTH_TOKEN_LIFETIME_SECS = 300
MAX_TOKEN_LIFETIME_SECS = 86400
_DEFAULT_PASSWORD = "notasecret"


class Signer:
    """Signs bytes with an RSA private key (RS256: PKCS#1 v1.5 with SHA-256)."""

    def __init__(self, pkey: rsa.RSAPrivateKey) -> None:
        self._key = pkey

    def __repr__(self) -> str:
        return f"<{type(self).__name__} RSA-{self._key.key_size}>"

    @property
    def key(self) -> rsa.RSAPrivateKey:
        """The ``cryptography`` private key."""
        return self._key

    def sign(self, message: str | bytes) -> bytes:
        """The RS256 signature of ``message``."""
        return self._key.sign(_to_bytes(message, encoding="utf-8"), padding.PKCS1v15(), hashes.SHA256())

    @staticmethod
    def from_string(key: str | bytes, password: str | bytes | None = _DEFAULT_PASSWORD) -> Signer:
        """A signer from a PEM private key, or from PKCS#12 bytes and their password (``notasecret`` by default)."""
        data = _to_bytes(key, encoding="utf-8")
        try:
            if b"-----BEGIN " in data:
                loaded: Any = serialization.load_pem_private_key(data, password=None)
            else:
                secret = _to_bytes(password, encoding="utf-8") if password is not None else None
                loaded = pkcs12.load_key_and_certificates(data, secret)[0]
        except (ValueError, TypeError):
            raise ValueError("the private key cannot be read (not PEM or PKCS#12, or a wrong password)") from None
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError("the private key is not an RSA key")
        return Signer(loaded)


class Verifier:
    """Checks RS256 signatures with an RSA public key."""

    def __init__(self, pubkey: rsa.RSAPublicKey) -> None:
        self._key = pubkey

    @property
    def key(self) -> rsa.RSAPublicKey:
        return self._key

    def verify(self, message: str | bytes, signature: str | bytes) -> bool:
        """Whether ``signature`` is the key's RS256 signature of ``message``."""
        try:
            self._key.verify(_to_bytes(signature, encoding="latin-1"), _to_bytes(message, encoding="utf-8"),
                             padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    @staticmethod
    def from_string(key_pem: str | bytes, is_x509_cert: bool) -> Verifier:
        """A verifier from a PEM X.509 certificate (``is_x509_cert``) or a PEM public key."""
        data = _to_bytes(key_pem, encoding="utf-8")
        try:
            public: Any = (x509.load_pem_x509_certificate(data).public_key() if is_x509_cert
                           else serialization.load_pem_public_key(data))
        except ValueError:
            raise ValueError("the public key or certificate cannot be read") from None
        if not isinstance(public, rsa.RSAPublicKey):
            raise ValueError("the public key is not an RSA key")
        return Verifier(public)


OpenSSLSigner = PyCryptoSigner = RsaSigner = Signer
OpenSSLVerifier = PyCryptoVerifier = RsaVerifier = Verifier


def make_signed_jwt(signer: Signer, payload: Mapping[str, Any], key_id: str | None = None) -> bytes:
    """A JWT of ``payload`` signed RS256 by ``signer`` (``kid`` in the header when given), as bytes."""
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(dict(payload), signer.key, algorithm="RS256", headers=headers).encode("ascii")


def verify_signed_jwt_with_certs(jwt_token: str | bytes, certs: Mapping[str, str], audience: str | None = None
                                 ) -> dict[str, Any]:
    """The payload of an RS256 JWT signed by one of ``certs`` (``{kid: PEM certificate}``), once checked.

    Checks the signature, ``iat`` and ``exp`` (with :data:`CLOCK_SKEW_SECS`, and a
    lifetime of at most :data:`MAX_TOKEN_LIFETIME_SECS`) and, when ``audience`` is
    given, ``aud``.  Failures are :class:`AppIdentityError` naming the check; the
    token is never quoted (oauth2client put its payload in the message).
    """
    token = jwt_token.decode("ascii", "replace") if isinstance(jwt_token, bytes) else jwt_token
    if token.count(".") != 2:
        raise AppIdentityError("Wrong number of segments in token")
    options: Any = {"require": ["iat", "exp"], "verify_aud": audience is not None}
    last: Exception | None = None
    for pem in certs.values():
        try:
            key = Verifier.from_string(pem, is_x509_cert=True).key
        except ValueError:
            continue
        try:
            payload = jwt.decode(token, key=key, algorithms=["RS256"], audience=audience, leeway=CLOCK_SKEW_SECS,
                                 options=options)
        except jwt.InvalidSignatureError as exc:
            last = exc
            continue
        except jwt.PyJWTError as exc:
            raise AppIdentityError(f"Invalid token: {type(exc).__name__}") from None
        if payload["exp"] - payload["iat"] > MAX_TOKEN_LIFETIME_SECS:
            raise AppIdentityError("exp is too far in the future")
        return dict(payload)
    raise AppIdentityError("Invalid token signature") from last


__all__ = [
    "AUTH_TOKEN_LIFETIME_SECS", "CLOCK_SKEW_SECS", "MAX_TOKEN_LIFETIME_SECS", "AppIdentityError",
    "OpenSSLSigner", "OpenSSLVerifier", "PyCryptoSigner", "PyCryptoVerifier", "RsaSigner", "RsaVerifier",
    "Signer", "Verifier", "make_signed_jwt", "verify_signed_jwt_with_certs",
]
