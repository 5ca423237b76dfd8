"""Fixtures for the example apps: the dev provider on a free port and a user who answers its consent form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_oauth_registry.devprovider import RunningProvider, serve

#: Everything the examples read from the environment: a developer's shell must not leak into the tests.
EXAMPLE_ENV = (
    "SECRET_KEY", "DEVPROVIDER_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPE",
    "OIDC_API_URL", "REDIS_URL", "TOKEN_CACHE_DIR", "TOKEN_DB", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET",
    "TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET",
    "DEV_CLIENT_ID", "DEV_CLIENT_SECRET", "FAPI_CLIENT_ID", "FAPI_CLIENT_KEY",
    # The examples talk to the dev provider over plain http without it.
    "OAUTHLIB_INSECURE_TRANSPORT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EXAMPLE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


class ProviderUser:
    """A user at the provider with their own cookies: answers consent pages like a browser would."""

    def __init__(self) -> None:
        self.browser = requests.Session()

    def consent(self, authorize_url: str, decision: str = "allow", username: str = "alice") -> str:
        """Open the consent page, submit the form; return where the provider sends the user back."""
        page = self.browser.get(authorize_url, allow_redirects=False)
        assert page.status_code == 200, page.text
        match = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert match, "no consent form on the provider's page"
        answer = self.browser.post(
            urljoin(authorize_url, html.unescape(match.group(1))),
            data={"username": username, "decision": decision},
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def login(self, client: FlaskClient, start: str = "/login", decision: str = "allow",
              username: str = "alice") -> TestResponse:
        """The whole round trip: app -> provider consent -> the app's callback; returns the callback's answer."""
        redirect = client.get(start)
        assert redirect.status_code == 302, redirect.get_data(as_text=True)
        return client.get(self.consent(redirect.location, decision, username))

    def follow(self, url: str) -> str:
        """GET a provider URL that redirects back to the app; return the app URL."""
        answer = self.browser.get(url, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


@pytest.fixture
def user() -> Iterator[ProviderUser]:
    agent = ProviderUser()
    yield agent
    agent.browser.close()
