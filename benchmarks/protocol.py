"""What the benchmark provider and its clients agree on: client credentials, codes, addresses."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"
REDIRECT_URI = "http://localhost/callback"
ACCESS_TOKEN = "bench-access-token"
SUBJECT = "alice"
SCOPE = "openid profile"
#: What a careful hand-written client passes (and our library's default).
TIMEOUT = (5.0, 30.0)


def encode_code(nonce: str, code_challenge: str) -> str:
    """The authorization code the fake browser hands back: it carries the nonce and PKCE challenge.

    The token endpoint mints the ID token from it, so the nonce check is real without
    shared state between the provider process and the clients.
    """
    return base64.urlsafe_b64encode(f"{nonce} {code_challenge}".encode()).decode()


def decode_code(code: str) -> tuple[str, str]:
    """``(nonce, code_challenge)`` of a code made by :func:`encode_code`."""
    nonce, challenge = base64.urlsafe_b64decode(code.encode()).decode().split(" ", 1)
    return nonce, challenge


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class Endpoints:
    """Where the running provider listens, and the certificate its HTTPS listener uses."""

    http: str
    https: str
    cert_path: str

    @property
    def issuer(self) -> str:
        return self.http

    @property
    def metadata_url(self) -> str:
        return f"{self.http}/.well-known/openid-configuration"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Endpoints:
        return cls(**json.loads(text))
