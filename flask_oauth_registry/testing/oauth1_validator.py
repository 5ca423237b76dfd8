"""``FakeOAuth1Validator``: oauthlib's questions about one OAuth 1.0a client, answered from dicts.

oauthlib's own server endpoints check signatures, timestamps, nonces and verifiers;
this validator only keeps the client, the credentials it was given and the nonces seen.
Unknown keys get dummy values, as oauthlib asks, so timing does not tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oauthlib.oauth1 import RequestValidator

DUMMY_SECRET = "dummy-secret-never-matches"


@dataclass
class Credentials:
    """Temporary or token credentials: whose client, their secret, the callback, verifier and user."""

    client_key: str
    secret: str
    callback: str = ""
    verifier: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    revoked: bool = False


class FakeOAuth1Validator(RequestValidator):
    """One client (``client_key`` with a secret or an RSA public key), and the credentials issued to it."""

    enforce_ssl = False
    client_key_length = (1, 128)
    request_token_length = (1, 128)
    access_token_length = (1, 128)
    nonce_length = (8, 64)
    verifier_length = (1, 128)
    dummy_client = "dummy-client"
    dummy_request_token = "dummy-request-token"
    dummy_access_token = "dummy-access-token"

    def __init__(self, client_key: str, secret: str | None, rsa_public_key: str | None) -> None:
        super().__init__()
        self.client_key, self.secret, self.rsa_public_key = client_key, secret, rsa_public_key
        self.temporary: dict[str, Credentials] = {}
        self.tokens: dict[str, Credentials] = {}
        self.nonces: set[tuple[str, ...]] = set()
        self.consenting_claims: dict[str, Any] = {}

    @property
    def allowed_signature_methods(self) -> list[str]:  # type: ignore[override]
        return ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"]

    def check_client_key(self, client_key: str) -> bool:
        return bool(client_key)

    def check_request_token(self, request_token: str) -> bool:
        return bool(request_token)

    def check_access_token(self, request_token: str) -> bool:
        return bool(request_token)

    def check_nonce(self, nonce: str) -> bool:
        return bool(nonce)

    def check_verifier(self, verifier: str) -> bool:
        return bool(verifier)

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == self.client_key

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return (self.secret or DUMMY_SECRET) if client_key == self.client_key else DUMMY_SECRET

    def get_rsa_key(self, client_key: str, request: Any) -> str:
        return self.rsa_public_key or ""

    def validate_timestamp_and_nonce(self, client_key: str, timestamp: str, nonce: str, request: Any,
                                     request_token: str | None = None, access_token: str | None = None) -> bool:
        key = (client_key, timestamp, nonce, request_token or access_token or "")
        if key in self.nonces:
            return False
        self.nonces.add(key)
        return True

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return []

    def validate_requested_realms(self, client_key: str, realms: Any, request: Any) -> bool:
        return True

    def get_realms(self, token: str, request: Any) -> list[str]:
        return []

    def verify_realms(self, token: str, realms: Any, request: Any) -> bool:
        return True

    def validate_realms(self, client_key: str, token: str, request: Any, uri: Any = None, realms: Any = None) -> bool:
        return True

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        return redirect_uri == "oob" or redirect_uri.startswith(("http://", "https://"))

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        self.temporary[token["oauth_token"]] = Credentials(
            request.client_key, token["oauth_token_secret"], request.redirect_uri
        )

    def verify_request_token(self, token: str, request: Any) -> bool:
        return token in self.temporary

    def get_redirect_uri(self, token: str, request: Any) -> str:
        return self.temporary[token].callback

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        self.temporary[token].verifier = verifier["oauth_verifier"]
        self.temporary[token].claims = dict(self.consenting_claims)

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        found = self.temporary.get(token)
        return found is not None and found.client_key == client_key

    def get_request_token_secret(self, client_key: str, token: str, request: Any) -> str:
        found = self.temporary.get(token)
        return found.secret if found and found.client_key == client_key else DUMMY_SECRET

    def validate_verifier(self, client_key: str, token: str, verifier: str, request: Any) -> bool:
        found = self.temporary.get(token)
        return found is not None and found.verifier is not None and found.verifier == verifier

    def invalidate_request_token(self, client_key: str, request_token: str, request: Any) -> None:
        self.temporary.pop(request_token, None)

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        claims = self.temporary[request.resource_owner_key].claims
        self.tokens[token["oauth_token"]] = Credentials(request.client_key, token["oauth_token_secret"], claims=claims)

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        found = self.tokens.get(token)
        return found is not None and found.client_key == client_key and not found.revoked

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        found = self.tokens.get(token)
        return found.secret if found and found.client_key == client_key else DUMMY_SECRET
