"""``FakeOAuth1Provider``: an OAuth 1.0a provider made of oauthlib's own server endpoints, on requests-mock.

Signatures, timestamps, nonces and verifiers are checked by oauthlib's
``RequestTokenEndpoint``, ``AccessTokenEndpoint`` and ``ResourceEndpoint``; the
validator only keeps clients and credentials in dicts.  A client that signs
wrongly gets the 401 a real provider would send.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests_mock
from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)

from .base import Endpoint, FakeProvider, OAuthErrorAnswer, form_answer, json_answer
from .keys import rsa_key_pair

DUMMY_SECRET = "dummy-secret-never-matches"


@dataclass
class TemporaryCredentials:
    client_key: str
    secret: str
    callback: str
    verifier: str | None = None
    user: str | None = None


@dataclass
class TokenCredentials:
    client_key: str
    secret: str
    user: str


@dataclass
class FakeValidator(RequestValidator):
    """Answers oauthlib's questions from dicts; unknown keys get dummy values, as oauthlib asks."""

    clients: dict[str, str | None] = field(default_factory=dict)
    rsa_keys: dict[str, str] = field(default_factory=dict)
    temporary: dict[str, TemporaryCredentials] = field(default_factory=dict)
    tokens: dict[str, TokenCredentials] = field(default_factory=dict)
    nonces: set[tuple[str, ...]] = field(default_factory=set)
    approving_user: str = "alice"

    enforce_ssl = False  # requests-mock URLs are http://
    client_key_length = (3, 64)
    nonce_length = (8, 64)
    dummy_client = "dummyclient"
    dummy_request_token = "dummyrequesttokendummyrequest"
    dummy_access_token = "dummyaccesstokendummyaccesst"

    def __post_init__(self) -> None:
        super().__init__()

    # clients
    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key in self.clients or client_key in self.rsa_keys

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return self.clients.get(client_key) or DUMMY_SECRET

    def get_rsa_key(self, client_key: str, request: Any) -> str:
        return self.rsa_keys.get(client_key) or rsa_key_pair()[1]

    def validate_timestamp_and_nonce(self, client_key: str, timestamp: str, nonce: str, request: Any,
                                     request_token: str | None = None, access_token: str | None = None) -> bool:
        key = (client_key, timestamp, nonce, request_token or access_token or "")
        if key in self.nonces:
            return False
        self.nonces.add(key)
        return True

    # realms are not used by these tests
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

    # temporary credentials
    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        return redirect_uri == "oob" or redirect_uri.startswith("http://client.test/")

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        self.temporary[token["oauth_token"]] = TemporaryCredentials(
            request.client_key, token["oauth_token_secret"], request.redirect_uri
        )

    def verify_request_token(self, token: str, request: Any) -> bool:
        return token in self.temporary

    def get_redirect_uri(self, token: str, request: Any) -> str:
        return self.temporary[token].callback

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        self.temporary[token].verifier = verifier["oauth_verifier"]
        self.temporary[token].user = self.approving_user

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

    # token credentials
    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        user = self.temporary[request.resource_owner_key].user or "nobody"
        self.tokens[token["oauth_token"]] = TokenCredentials(request.client_key, token["oauth_token_secret"], user)

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        found = self.tokens.get(token)
        return found is not None and found.client_key == client_key

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        found = self.tokens.get(token)
        return found.secret if found and found.client_key == client_key else DUMMY_SECRET


def _headers(request: Any) -> dict[str, str]:
    """Header values as text: requests-oauthlib hands some over as bytes."""
    return {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in request.headers.items()}


def _body_text(request: Any) -> str | None:
    body = request.body
    if isinstance(body, bytes):
        return body.decode("utf-8")
    return body


class FakeOAuth1Provider(FakeProvider):
    """Request-token, authorize, access-token and API endpoints under one base URL; :meth:`install` routes them."""

    def __init__(
        self,
        request_token_url: str = "http://provider.test/oauth/request_token",
        authorize_url: str = "http://provider.test/oauth/authorize",
        access_token_url: str = "http://provider.test/oauth/access_token",
        api_base_url: str = "http://provider.test/api/",
    ) -> None:
        super().__init__()
        self.request_token_url = request_token_url
        self.authorize_url = authorize_url
        self.access_token_url = access_token_url
        self.api_base_url = api_base_url
        self.validator = FakeValidator()
        self.api_handler: Callable[[str, Any], Any] = lambda user, request: {
            "user": user, "method": request.method, "path": urlsplit(request.url).path,
        }

    def add_client(self, key: str, secret: str | None = None, rsa_public_key: str | None = None) -> None:
        if rsa_public_key:
            self.validator.rsa_keys[key] = rsa_public_key
        else:
            self.validator.clients[key] = secret

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("request_token", "POST", self.request_token_url, self._request_token),
            Endpoint("access_token", "POST", self.access_token_url, self._access_token),
            Endpoint("api", requests_mock.ANY, re.compile(re.escape(self.api_base_url) + ".*"), self._resource),
        ]

    def error_answer(self, context: Any, failure: OAuthErrorAnswer) -> str:
        """OAuth 1.0a providers answer errors form-encoded, like their credentials."""
        context.status_code = failure.status
        body = {"error": failure.error, "error_description": failure.description}
        return form_answer(context, {k: v for k, v in body.items() if v is not None})

    @staticmethod
    def _answer(context: Any, result: tuple[dict[str, str], str | None, int]) -> str:
        headers, body, status = result
        context.status_code = status
        context.headers.update(headers or {})
        context.headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return body or ""

    def _request_token(self, request: Any, context: Any) -> str:
        endpoint = RequestTokenEndpoint(self.validator)
        return self._answer(context, endpoint.create_request_token_response(
            request.url, request.method, _body_text(request), _headers(request)))

    def _access_token(self, request: Any, context: Any) -> str:
        endpoint = AccessTokenEndpoint(self.validator)
        return self._answer(context, endpoint.create_access_token_response(
            request.url, request.method, _body_text(request), _headers(request)))

    def _resource(self, request: Any, context: Any) -> str:
        valid, checked = ResourceEndpoint(self.validator).validate_protected_resource_request(
            request.url, request.method, _body_text(request), _headers(request))
        if not valid:
            context.status_code = 401
            return json_answer(context, {"error": "invalid_signature"})
        return json_answer(context, self.api_handler(self.validator.tokens[checked.resource_owner_key].user, request))

    def approve(self, authorize_url: str, user: str = "alice") -> str:
        """The user signs in as ``user`` and approves: the callback URL the browser is sent to."""
        self.validator.approving_user = user
        headers, _, status = AuthorizationEndpoint(self.validator).create_authorization_response(authorize_url)
        assert status == 302, status
        return headers["Location"]
