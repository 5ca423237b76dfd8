"""A provider made of requests-mock callbacks whose answers hypothesis chooses, and the apps under attack.

The "secrets" of each example (client secret, authorization code, access and
refresh tokens) are random strings that hypothesis cannot generate, so finding
one in an error page or message means the library put it there.
"""

from __future__ import annotations

import json
import math
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests_mock
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask
from hypothesis import strategies as st

from tests.fakes.keys import b64url, rsa_key

ISSUER = "https://op.hostile.test"
METADATA_URL = ISSUER + "/.well-known/openid-configuration"
AUTHORIZATION_ENDPOINT = ISSUER + "/authorize"
TOKEN_ENDPOINT = ISSUER + "/token"
JWKS_URI = ISSUER + "/jwks"
CLIENT_ID = "hostile-client"
CLIENT_SECRET = "client-secret-" + secrets.token_hex(12)
KEY = rsa_key("hostile-1")

#: JSON the way a careless or hostile provider may send it: NaN, Infinity and huge numbers included.
edge_numbers = st.sampled_from([
    math.inf, -math.inf, math.nan, 10**400, -(10**400), 1e308, 2**63, 0, -1, "1e999", "Infinity", "NaN", "3600",
])
json_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats() | st.text(max_size=40)
    | edge_numbers
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/html", "text/plain",
    "application/x-www-form-urlencoded", "application/jwt", "",
])
statuses = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 500, 502, 503])


@dataclass
class Answer:
    """What an endpoint sends back."""

    status: int = 200
    content_type: str = "application/json"
    body: bytes = b"{}"

    @classmethod
    def of_json(cls, value: Any, status: int = 200) -> Answer:
        return cls(status, "application/json", json.dumps(value).encode())


def sign_anything(claims: dict[str, Any]) -> str:
    """An RS256 JWS over any JSON claims (pyjwt refuses to sign some of what a hostile provider sends)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": KEY.kid}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = KEY.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def metadata_document() -> dict[str, Any]:
    return {
        "issuer": ISSUER,
        "authorization_endpoint": AUTHORIZATION_ENDPOINT,
        "token_endpoint": TOKEN_ENDPOINT,
        "jwks_uri": JWKS_URI,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
    }


def jwks_document() -> dict[str, Any]:
    return {"keys": [KEY.public_jwk()]}


@dataclass
class Flow:
    """One login in progress: what the authorization URL carried, and the secrets of this example."""

    state: str
    nonce: str
    callback_path: str
    code: str = field(default_factory=lambda: "code-" + secrets.token_hex(16))
    access_token: str = field(default_factory=lambda: "at-" + secrets.token_hex(16))
    refresh_token: str = field(default_factory=lambda: "rt-" + secrets.token_hex(16))

    @classmethod
    def from_redirect(cls, location: str) -> Flow:
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        return cls(query["state"], query.get("nonce", ""), urlsplit(query["redirect_uri"]).path)

    def id_token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "mallory", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": self.nonce}
        claims.update(overrides)
        return sign_anything({k: v for k, v in claims.items() if v is not None})

    def token(self, **overrides: Any) -> dict[str, Any]:
        token = {
            "access_token": self.access_token, "refresh_token": self.refresh_token, "token_type": "Bearer",
            "expires_in": 3600, "id_token": self.id_token(),
        }
        token.update(overrides)
        return token

    def secrets(self) -> list[str]:
        return [CLIENT_SECRET, self.code, self.access_token, self.refresh_token]

    def callback_query(self) -> dict[str, str]:
        return {"state": self.state, "code": self.code, "iss": ISSUER}


class HostileProvider:
    """Metadata, JWKS and token endpoints on requests-mock; set ``metadata``/``jwks``/``token`` to an Answer."""

    def __init__(self, mocker: requests_mock.Mocker) -> None:
        self.metadata = Answer.of_json(metadata_document())
        self.jwks = Answer.of_json(jwks_document())
        self.token: Answer | None = None  # None: a valid token for the current flow
        self.flow: Flow | None = None
        mocker.get(METADATA_URL, content=self._answer("metadata"))
        mocker.get(JWKS_URI, content=self._answer("jwks"))
        mocker.post(TOKEN_ENDPOINT, content=self._answer("token"))

    def _answer(self, name: str) -> Any:
        def respond(request: Any, context: Any) -> bytes:
            answer = getattr(self, name)
            if answer is None:
                assert self.flow is not None
                answer = Answer.of_json(self.flow.token())
            context.status_code = answer.status
            if answer.content_type:
                context.headers["Content-Type"] = answer.content_type
            return answer.body

        return respond


@contextmanager
def hostile_provider() -> Iterator[HostileProvider]:
    with requests_mock.Mocker() as mocker:
        yield HostileProvider(mocker)


def quickstart_app(**overrides: Any) -> Flask:
    """The quickstart example pointed at the hostile provider, exceptions propagating (TESTING)."""
    from examples.quickstart import create_app

    settings: dict[str, Any] = {
        "DEVPROVIDER_URL": ISSUER, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "SECRET_KEY": "hostile-" + secrets.token_hex(8), "REDIS_URL": None,
        "TOKEN_CACHE_DIR": tempfile.mkdtemp(prefix="hostile-quickstart-"), "TESTING": True,
    }
    settings.update(overrides)
    return create_app(**settings)


def assert_no_secret_in(text: str, flow: Flow) -> None:
    for secret in flow.secrets():
        assert secret not in text, "a secret reached an error page or message"
