"""examples/oauth1: OAuth 1.0a against the dev provider's /oauth1/ endpoints, or Twitter through the preset."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock
from flask.testing import FlaskClient

from examples.oauth1 import create_app
from flask_oauth_registry.devprovider import RunningProvider


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture
def client(provider: RunningProvider) -> FlaskClient:
    return create_app(DEVPROVIDER_URL=provider.url, TESTING=True).test_client()


def test_login_then_signed_api_call(client, user, provider):
    before = provider.stats()
    redirect = client.get("/login")
    assert redirect.location.startswith(provider.url_for("/oauth1/authorize?oauth_token="))

    callback = client.get(user.consent(redirect.location))
    assert callback.status_code == 302 and callback.location == "/"
    after = provider.stats()
    assert after["oauth1_request_tokens"] == before["oauth1_request_tokens"] + 1
    assert after["oauth1_access_tokens"] == before["oauth1_access_tokens"] + 1
    assert "Signed in" in client.get("/").get_data(as_text=True)

    api = client.get("/api")
    text = api.get_data(as_text=True)
    assert api.status_code == 200
    assert f"GET {provider.url}/oauth1/api/me answered HTTP 200" in text
    assert "&#34;sub&#34;: &#34;alice&#34;" in text
    assert "&#34;client_key&#34;: &#34;demo-oauth1-key&#34;" in text
    assert "&#34;signature_method&#34;: &#34;HMAC-SHA1&#34;" in text


def test_denied_consent_shows_the_error_page(client, user):
    page = user.login(client, decision="deny")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "access_denied" in text and "Traceback" not in text


def test_replayed_callback_is_refused(client, user):
    callback = user.consent(client.get("/login").location)
    assert client.get(callback).status_code == 302
    replay = client.get(callback)
    assert replay.status_code == 400 and "mismatching_state" in replay.get_data(as_text=True)


def test_with_twitter_credentials_it_uses_the_twitter_preset():
    app = create_app(TWITTER_CLIENT_ID="tw-key", TWITTER_CLIENT_SECRET="tw-secret", SECRET_KEY="s3cret")
    with requests_mock.Mocker() as mock:
        mock.post("https://api.twitter.com/oauth/request_token",
                  text="oauth_token=temp-token&oauth_token_secret=temp-secret&oauth_callback_confirmed=true")
        redirect = app.test_client().get("/login")
    assert redirect.location == "https://api.twitter.com/oauth/authenticate?oauth_token=temp-token"
    signed = mock.last_request.headers["Authorization"].decode()
    assert 'oauth_consumer_key="tw-key"' in signed
    assert 'oauth_callback="http%3A%2F%2Flocalhost%2Fauth"' in signed
    assert query_of(redirect.location) == {"oauth_token": "temp-token"}
