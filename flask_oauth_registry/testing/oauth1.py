"""``FakeOAuth1Provider``: one registered OAuth 1.0a app's provider, made of oauthlib's server endpoints.

Request-token, authorization, access-token and API calls are checked by oauthlib's
``RequestTokenEndpoint``, ``AuthorizationEndpoint``, ``AccessTokenEndpoint`` and
``ResourceEndpoint`` (signatures, timestamps, nonces, verifiers), so a client that
signs wrongly gets the 401 a real provider sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from oauthlib.oauth1 import AccessTokenEndpoint, AuthorizationEndpoint, RequestTokenEndpoint, ResourceEndpoint

from ..registry.config import ClientConfig
from .endpoints import origin
from .oauth1_validator import FakeOAuth1Validator
from .records import Answer, Sent, json_answer

DEFAULT_USER = "user-1"


@dataclass(frozen=True)
class OAuth1Layout:
    """The app's own OAuth 1.0a URLs; ``api`` is a prefix."""

    request_token: str
    authorization: str
    access_token: str
    api: str | None

    def endpoint_of(self, url: str) -> str | None:
        bare = url.split("?", 1)[0]
        for name in ("request_token", "authorization", "access_token"):
            if getattr(self, name) == bare:
                return name
        return "api" if self.api and bare.startswith(self.api) else None

    def origins(self) -> set[str]:
        return {origin(url) for url in (self.request_token, self.authorization, self.access_token, self.api) if url}


def _public_pem(private_pem: str | None) -> str | None:
    if not private_pem:
        return None
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


class FakeOAuth1Provider:
    """The provider of one OAuth 1.0a app (its :class:`ClientConfig`)."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.layout = OAuth1Layout(
            config.request_token_url or "", config.authorize_url or "", config.access_token_url or "",
            config.api_base_url,
        )
        self.validator = FakeOAuth1Validator(config.client_id or "", config.client_secret, _public_pem(config.rsa_key))
        self.sent: list[Sent] = []
        self.failures: dict[str, list[Answer]] = {}
        self.deny_next = False
        self.api_answers: dict[str, Any] = {}

    @staticmethod
    def endpoint_names() -> tuple[str, ...]:
        return ("request_token", "access_token", "api")

    def set_user(self, claims: dict[str, Any] | None, scopes: list[str] | None) -> None:
        self.validator.consenting_claims = {"sub": DEFAULT_USER, **(claims or {})}

    def revoke_all(self) -> None:
        for credentials in self.validator.tokens.values():
            credentials.revoked = True

    # -- the browser's visit -----------------------------------------------------------------
    def is_authorization_url(self, url: str) -> bool:
        return url.split("?", 1)[0] == self.layout.authorization

    def consent(self, location: str, record: bool) -> tuple[str, dict[str, str], bool]:
        """The user approves (or, after ``deny_next``, refuses): the callback URL and its parameters."""
        params = dict(parse_qsl(urlsplit(location).query))
        if record:
            self.sent.append(Sent("authorization", "GET", location, params))
        temporary = self.validator.temporary.get(params.get("oauth_token", ""))
        if temporary is None:
            raise AssertionError(f"{self.config.name}: the authorization URL names no temporary credentials")
        if self.deny_next:
            self.deny_next = False
            return temporary.callback, {"denied": params["oauth_token"]}, False
        headers, _, status = AuthorizationEndpoint(self.validator).create_authorization_response(location)
        callback = headers["Location"]
        base, _, query = callback.partition("?")
        return base, dict(parse_qsl(query)), False

    # -- the app's HTTP calls ------------------------------------------------------------
    def handle(self, sent: Sent) -> Answer:
        self.sent.append(sent)
        queued = self.failures.get(sent.endpoint)
        if queued:
            return queued.pop(0)
        if sent.endpoint == "request_token":
            return _answer(RequestTokenEndpoint(self.validator).create_request_token_response(
                sent.url, sent.method, sent.body or None, sent.headers))
        if sent.endpoint == "access_token":
            return _answer(AccessTokenEndpoint(self.validator).create_access_token_response(
                sent.url, sent.method, sent.body or None, sent.headers))
        if sent.endpoint == "api":
            return self._api(sent)
        return json_answer({"error": "invalid_request"}, 400)

    def _api(self, sent: Sent) -> Answer:
        valid, checked = ResourceEndpoint(self.validator).validate_protected_resource_request(
            sent.url, sent.method, sent.body or None, sent.headers)
        if not valid:
            return json_answer({"error": "invalid_token"}, 401)
        claims = self.validator.tokens[checked.resource_owner_key].claims
        relative = sent.url.split("?", 1)[0][len(self.layout.api or ""):]
        return json_answer(self.api_answers.get(relative, claims))


def _answer(result: tuple[dict[str, str], str | None, int]) -> Answer:
    headers, body, status = result
    return Answer(status, body or "", {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
