"""Fixtures for the dev provider tests: a running provider, a browser session and flow helpers."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from flask_oauth_registry.devprovider import (
    OAuth1ClientConfig,
    OAuth2ClientConfig,
    ProviderSettings,
    RunningProvider,
    serve,
)

LOOPBACK_CALLBACK = "http://127.0.0.1:8765/callback"  # test files repeat this literal
WEB_CLIENT = OAuth2ClientConfig(
    "web-client",
    "web-secret",
    name="Registered Web App",
    redirect_uris=("https://rp.example.test/callback",),
    post_logout_redirect_uris=("https://rp.example.test/logged-out",),
    allow_loopback_redirects=False,
)


@dataclass(frozen=True)
class RsaClientKeys:
    """PEM strings of an OAuth 1 consumer's RSA key pair."""

    client_key: str
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def rsa_client() -> RsaClientKeys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return RsaClientKeys("rsa-oauth1-client", private_pem, public_pem)


@pytest.fixture(scope="session")
def provider(rsa_client: RsaClientKeys) -> Iterator[RunningProvider]:
    """One provider for the whole session, with an extra web client and an RSA OAuth 1 client."""
    settings = (
        ProviderSettings()
        .with_clients(WEB_CLIENT)
        .with_oauth1_clients(
            OAuth1ClientConfig(rsa_client.client_key, rsa_public_key=rsa_client.public_pem)
        )
    )
    with serve(settings) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    """A fresh user agent (its own provider login cookie)."""
    with requests.Session() as session:
        yield session


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def form_action(page: str) -> str:
    """The consent form's action URL path."""
    match = re.search(r'<form method="post" action="([^"]+)"', page)
    assert match, "no consent form on the page"
    return html.unescape(match.group(1))


def query_of(location: str) -> dict[str, str]:
    """Single-valued query parameters of a redirect URL."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class AuthResult:
    """Outcome of driving the authorization endpoint like a browser."""

    response: requests.Response
    params: dict[str, str]
    verifier: str | None

    @property
    def location(self) -> str:
        return self.response.headers["Location"]

    @property
    def query(self) -> dict[str, str]:
        return query_of(self.location)


Authorize = Callable[..., AuthResult]


@pytest.fixture
def authorize(provider: RunningProvider, browser: requests.Session) -> Authorize:
    """``authorize(decision="allow", username="alice", **params)`` -> :class:`AuthResult`.

    GETs the consent page, posts the decision and returns the (unfollowed) redirect.
    Defaults to the public client with PKCE S256, scope ``openid profile email``.
    """

    def run(decision: str = "allow", username: str = "alice", pkce: bool = True, **params: str):
        verifier = None
        query = {
            "response_type": "code",
            "client_id": "demo-public",
            "redirect_uri": LOOPBACK_CALLBACK,
            "scope": "openid profile email",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
        }
        if pkce:
            verifier, challenge = pkce_pair()
            query.update(code_challenge=challenge, code_challenge_method="S256")
        query.update(params)
        page = browser.get(provider.url_for("/authorize"), params=query)
        assert page.status_code == 200, page.text
        response = browser.post(
            provider.url_for(form_action(page.text)),
            data={"username": username, "decision": decision},
            allow_redirects=False,
        )
        return AuthResult(response, query, verifier)

    return run


@pytest.fixture
def exchange(provider: RunningProvider) -> Callable[..., requests.Response]:
    """``exchange(auth_result, **extra)``: the token request for a code (public client)."""

    def run(result: AuthResult, auth: tuple[str, str] | None = None, **extra: str):
        data = {
            "grant_type": "authorization_code",
            "code": result.query["code"],
            "redirect_uri": result.params["redirect_uri"],
        }
        if auth is None:
            data["client_id"] = result.params["client_id"]
        if result.verifier:
            data["code_verifier"] = result.verifier
        data.update(extra)
        return requests.post(provider.url_for("/token"), data=data, auth=auth)

    return run
