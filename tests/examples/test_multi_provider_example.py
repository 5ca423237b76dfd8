"""examples/multi_provider: one login page, the dev provider as OIDC and as OAuth 2, normalized claims."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from examples.multi_provider import create_app
from flask_oauth_registry.devprovider import RunningProvider

EXPECTED_CLAIMS = ("alice@example.test", "Alice Liddell", "<b>preferred_username</b></td><td>alice</td>")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture
def client(provider: RunningProvider) -> FlaskClient:
    return create_app(DEVPROVIDER_URL=provider.url, TESTING=True).test_client()


def test_login_page_lists_the_dev_provider_twice(client):
    text = client.get("/").get_data(as_text=True)
    assert 'href="/login/dev_oidc"' in text and 'href="/login/dev_oauth2"' in text
    assert "/login/google" not in text and "/login/github" not in text


def test_google_and_github_appear_when_configured(provider):
    app = create_app(DEVPROVIDER_URL=provider.url, SECRET_KEY="s3cret", GOOGLE_CLIENT_ID="g-id",
                     GOOGLE_CLIENT_SECRET="g-secret", GITHUB_CLIENT_ID="gh-id", GITHUB_CLIENT_SECRET="gh-secret")
    client = app.test_client()
    text = client.get("/").get_data(as_text=True)
    assert ">Google</a>" in text and ">GitHub</a>" in text
    github = client.get("/login/github")
    assert github.location.startswith("https://github.com/login/oauth/authorize?")
    assert query_of(github.location)["redirect_uri"] == "http://localhost/auth/github"


def test_openid_connect_login_shows_userinfo_claims(client, user, provider):
    userinfo_calls = provider.stats()["userinfo_requests"]
    callback = user.login(client, start="/login/dev_oidc")
    assert callback.status_code == 302
    text = client.get("/").get_data(as_text=True)
    assert "Signed in with Dev provider (OpenID Connect)" in text
    assert all(claim in text for claim in EXPECTED_CLAIMS)
    assert provider.stats()["userinfo_requests"] == userinfo_calls + 1


def test_plain_oauth2_login_shows_the_same_normalized_claims(client, user):
    redirect = client.get("/login/dev_oauth2")
    query = query_of(redirect.location)
    assert query["client_id"] == "demo-public" and "nonce" not in query and query["code_challenge"]
    client.get(user.consent(redirect.location))
    text = client.get("/").get_data(as_text=True)
    assert "Signed in with Dev provider (OAuth 2.0)" in text
    assert all(claim in text for claim in EXPECTED_CLAIMS)
    client.get("/logout")
    assert 'href="/login/dev_oidc"' in client.get("/").get_data(as_text=True)


def test_unknown_provider_is_not_found(client):
    assert client.get("/login/myspace").status_code == 404


def test_denied_consent_shows_the_error_page(client, user):
    page = user.login(client, start="/login/dev_oauth2", decision="deny")
    assert page.status_code == 400 and "access_denied" in page.get_data(as_text=True)
