"""The oauthlib ``oauth1.RequestValidator`` behind the OAuth 1.0a endpoints, and the endpoints.

oauthlib verifies signatures (HMAC-SHA1/256/512, RSA-SHA1/256/512, PLAINTEXT),
timestamps and parameter placement; this class only supplies secrets, keys and
storage, and relaxes oauthlib's default key/nonce format rules so that
readable keys such as ``demo-oauth1-key`` and the nonces of common client
libraries are accepted.
"""

from __future__ import annotations

import hmac
import string
from dataclasses import dataclass
from typing import Any

from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)

from .settings import OAuth1ClientConfig, ProviderSettings
from .store import OAuth1Token, Store, now

#: RFC 3986 "unreserved" characters; oauthlib's default is letters and digits only.
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
DUMMY_SECRET = "dummy-oauth1-secret"


class DevOAuth1Validator(RequestValidator):
    """Answers oauthlib's OAuth 1 questions from the settings and the in-memory store.

    Invalid clients/tokens get dummy values (as oauthlib asks) so that
    verification takes the same path and simply fails.
    """

    enforce_ssl = False  # loopback dev server over plain http; no env var needed
    timestamp_lifetime = 600

    def __init__(self, settings: ProviderSettings, store: Store, dummy_rsa_key: str) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self._dummy_rsa_key = dummy_rsa_key

    # -- format rules (oauthlib's defaults reject "demo-oauth1-key") -------------------
    @property
    def safe_characters(self) -> set[str]:
        """Allow the unreserved set, so keys may contain ``-`` ``.`` ``_`` ``~``."""
        return set(UNRESERVED)

    client_key_length = (3, 128)
    request_token_length = (20, 128)
    access_token_length = (20, 128)
    nonce_length = (8, 128)
    verifier_length = (20, 128)

    def check_realms(self, realms: list[str]) -> bool:
        """Realms carry no meaning here; accept whatever a client sends."""
        return True

    @property
    def dummy_client(self) -> str:
        """Stand-in consumer key used when the real one is unknown."""
        return "dummy-oauth1-client"

    @property
    def dummy_request_token(self) -> str:
        """Stand-in request token used when the real one is unknown."""
        return "dummy-oauth1-request-token"

    @property
    def dummy_access_token(self) -> str:
        """Stand-in access token used when the real one is unknown."""
        return "dummy-oauth1-access-token"

    def _client(self, client_key: str | None) -> OAuth1ClientConfig | None:
        return self.settings.oauth1_client(client_key)

    def _owned(self, record: OAuth1Token | None, client_key: str) -> OAuth1Token | None:
        return record if record is not None and record.client_key == client_key else None

    # -- secrets and keys ---------------------------------------------------------------
    def get_client_secret(self, client_key: str, request: Any) -> str:
        """The consumer secret, or a dummy that never verifies."""
        client = self._client(client_key)
        return client.client_secret if client and client.client_secret else DUMMY_SECRET

    def get_rsa_key(self, client_key: str, request: Any) -> str:
        """The consumer's registered RSA public key, or the provider's own (never matches)."""
        client = self._client(client_key)
        return client.rsa_public_key if client and client.rsa_public_key else self._dummy_rsa_key

    def get_request_token_secret(self, client_key: str, token: str, request: Any) -> str:
        """Secret of a request token owned by ``client_key``."""
        record = self._owned(self.store.oauth1_request_token(token), client_key)
        return record.secret if record else DUMMY_SECRET

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        """Secret of an access token owned by ``client_key``."""
        record = self._owned(self.store.oauth1_access_token(token), client_key)
        return record.secret if record else DUMMY_SECRET

    # -- validation ---------------------------------------------------------------------
    def validate_client_key(self, client_key: str, request: Any) -> bool:
        """The consumer must be registered."""
        return self._client(client_key) is not None

    def validate_timestamp_and_nonce(
        self, client_key, timestamp, nonce, request, request_token=None, access_token=None
    ) -> bool:
        """Refuse a replayed (client, timestamp, nonce, token) combination."""
        key = (client_key, timestamp, nonce, request_token or access_token or "")
        return self.store.use_nonce(key, self.timestamp_lifetime)

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        """``oob``, a registered callback, or any loopback callback (dev policy)."""
        client = self._client(client_key)
        return bool(client and client.accepts_callback(redirect_uri))

    def validate_requested_realms(self, client_key, realms, request) -> bool:
        """No realm restrictions."""
        return True

    def validate_realms(self, client_key, token, request, uri=None, realms=None) -> bool:
        """No realm restrictions on protected resources."""
        return True

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        """A live request token issued to this consumer."""
        return self._owned(self.store.oauth1_request_token(token), client_key) is not None

    def validate_verifier(self, client_key, token, verifier, request) -> bool:
        """The verifier the user's approval produced for this request token."""
        record = self._owned(self.store.oauth1_request_token(token), client_key)
        if record is None or not record.verifier or not record.user:
            return False
        request.user = record.user
        return hmac.compare_digest(record.verifier.encode(), verifier.encode())

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        """An access token issued to this consumer; loads its user onto the request."""
        record = self._owned(self.store.oauth1_access_token(token), client_key)
        if record is None:
            return False
        request.user = record.user
        request.realms = record.realms
        return True

    def verify_request_token(self, token: str, request: Any) -> bool:
        """Authorization page: the request token exists and has not expired."""
        return self.store.oauth1_request_token(token) is not None

    def verify_realms(self, token, realms, request) -> bool:
        """No realm restrictions."""
        return True

    # -- lookups ------------------------------------------------------------------------
    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        """No default realms."""
        return []

    def get_realms(self, token: str, request: Any) -> list[str]:
        """Realms requested with the request token."""
        record = self.store.oauth1_request_token(token)
        return list(record.realms) if record else []

    def get_redirect_uri(self, token: str, request: Any) -> str:
        """The callback registered with the request token (``oob`` possible)."""
        record = self.store.oauth1_request_token(token)
        return record.callback if record and record.callback else "oob"

    # -- persistence ----------------------------------------------------------------------
    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        """Store a temporary credential with its callback."""
        self.store.save_oauth1_request_token(
            OAuth1Token(
                token=token["oauth_token"],
                secret=token["oauth_token_secret"],
                client_key=request.client_key,
                expires_at=now() + self.settings.oauth1_token_ttl,
                realms=list(request.realms or []),
                callback=request.redirect_uri,
            )
        )

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        """Attach the verifier; the view bound the approving user to the token just before."""
        self.store.update_oauth1_request_token(token, verifier=verifier["oauth_verifier"])

    def invalidate_request_token(self, client_key: str, request_token: str, request: Any) -> None:
        """Request tokens are single use."""
        self.store.pop_oauth1_request_token(request_token)

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        """Store a token credential for the user who approved the request token."""
        request_token = self.store.oauth1_request_token(request.resource_owner_key)
        self.store.save_oauth1_access_token(
            OAuth1Token(
                token=token["oauth_token"],
                secret=token["oauth_token_secret"],
                client_key=request.client_key,
                expires_at=None,
                realms=list(request.realms or []),
                user=request_token.user if request_token else request.user,
            )
        )


@dataclass(frozen=True)
class OAuth1Endpoints:
    """The four oauthlib OAuth 1 endpoints sharing one validator."""

    validator: DevOAuth1Validator
    request_token: RequestTokenEndpoint
    authorization: AuthorizationEndpoint
    access_token: AccessTokenEndpoint
    resource: ResourceEndpoint

    @classmethod
    def create(cls, validator: DevOAuth1Validator) -> OAuth1Endpoints:
        """Build all endpoints around ``validator``."""
        return cls(
            validator,
            RequestTokenEndpoint(validator),
            AuthorizationEndpoint(validator),
            AccessTokenEndpoint(validator),
            ResourceEndpoint(validator),
        )
