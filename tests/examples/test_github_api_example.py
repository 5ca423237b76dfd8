"""examples/github_api: plain OAuth 2.0 against the dev provider, or GitHub through the preset."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from examples.github_api import create_app
from flask_oauth_registry.devprovider import RunningProvider


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture
def client(provider: RunningProvider) -> FlaskClient:
    return create_app(DEVPROVIDER_URL=provider.url, TESTING=True).test_client()


def test_login_asks_for_plain_oauth2_scopes(client, provider):
    redirect = client.get("/login")
    assert redirect.status_code == 302
    assert redirect.location.startswith(provider.url_for("/authorize?"))
    query = query_of(redirect.location)
    assert query["scope"] == "profile email"
    assert "nonce" not in query  # no OpenID Connect
    assert query["code_challenge_method"] == "S256"


def test_login_then_api_call_with_the_users_token(client, user, provider):
    callback = user.login(client, username="bob")
    assert callback.status_code == 302 and callback.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Signed in" in home and "profile email" in home

    api = client.get("/api")
    text = api.get_data(as_text=True)
    assert api.status_code == 200
    assert f"GET {provider.url}/api/me answered HTTP 200" in text
    assert "&#34;sub&#34;: &#34;bob&#34;" in text and "&#34;client_id&#34;: &#34;demo-client&#34;" in text

    client.get("/logout")
    assert 'href="/login"' in client.get("/").get_data(as_text=True)


def test_denied_consent_shows_the_error_page(client, user):
    page = user.login(client, decision="deny")
    assert page.status_code == 400
    assert "access_denied" in page.get_data(as_text=True)


def test_with_github_credentials_it_uses_the_github_preset():
    app = create_app(GITHUB_CLIENT_ID="gh-id", GITHUB_CLIENT_SECRET="gh-secret", SECRET_KEY="s3cret")
    redirect = app.test_client().get("/login")
    assert redirect.location.startswith("https://github.com/login/oauth/authorize?")
    query = query_of(redirect.location)
    assert query["client_id"] == "gh-id" and query["scope"] == "read:user user:email"
    assert query["redirect_uri"] == "http://localhost/auth"
