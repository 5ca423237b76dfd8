"""The twitter preset: OAuth 1.0a endpoints, and ``userinfo()`` mapping ``verify_credentials`` to standard claims."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock
from flask import Flask, jsonify
from flask.testing import FlaskClient

from flask_oauth_registry import OAuth, ProviderError
from flask_oauth_registry.providers.twitter import profile_to_claims
from tests.fakes.base import query_of
from tests.fakes.oauth1 import FakeOAuth1Provider

KEY, SECRET = "clientkey", "client-secret-value"
CALLBACK = "http://client.test/callback"


def start_login(web: FlaskClient) -> str:
    """GET /login; return the authorization URL the browser is sent to."""
    response = web.get("/login")
    assert response.status_code == 302
    return response.headers["Location"]


def test_twitter_preset_is_oauth1_with_twitters_endpoints(app: Flask) -> None:
    client = OAuth(app).register("twitter", client_id=KEY, client_secret=SECRET)
    assert client.config.is_oauth1 and not client.is_oauth2
    assert (client.request_token_url, client.authorize_url, client.access_token_url, client.api_base_url) == (
        "https://api.twitter.com/oauth/request_token", "https://api.twitter.com/oauth/authenticate",
        "https://api.twitter.com/oauth/access_token", "https://api.twitter.com/1.1/",
    )


@pytest.mark.parametrize(
    ("profile", "claims"),
    [
        pytest.param(
            {"id": 12, "id_str": "12", "screen_name": "jack", "name": "Jack", "email": "jack@example.test",
             "profile_image_url_https": "https://pbs.twimg.com/j.jpg"},
            {"sub": "12", "name": "Jack", "preferred_username": "jack", "email": "jack@example.test",
             "picture": "https://pbs.twimg.com/j.jpg", "profile": "https://twitter.com/jack"},
            id="every-claim",
        ),
        pytest.param({"id": 2**60, "id_str": "1152921504606846976", "screen_name": "big"},
                     {"sub": "1152921504606846976", "preferred_username": "big", "profile": "https://twitter.com/big"},
                     id="id_str-wins-over-a-numeric-id"),
        pytest.param({"id": 7, "screen_name": "seven", "name": "", "email": ""},
                     {"sub": "7", "preferred_username": "seven", "profile": "https://twitter.com/seven"},
                     id="empty-values-are-no-claims"),
        pytest.param({"id": 8}, {"sub": "8"}, id="no-screen-name-no-profile"),
    ],
)
def test_twitter_profile_maps_to_standard_claims(profile: dict[str, Any], claims: dict[str, Any]) -> None:
    assert profile_to_claims(profile) == claims


def test_twitter_refusing_verify_credentials_is_a_provider_error(app: Flask) -> None:
    client = OAuth(app).register("twitter", client_id=KEY, client_secret=SECRET)
    token = {"oauth_token": "user-token", "oauth_token_secret": "user-secret"}
    with requests_mock.Mocker() as mocker, app.test_request_context("/"):
        mocker.get("https://api.twitter.com/1.1/account/verify_credentials.json", status_code=401,
                   json={"errors": [{"code": 89, "message": "Invalid or expired token."}]})
        with pytest.raises(ProviderError) as caught:
            client.userinfo(token=token)
    assert (caught.value.error, caught.value.status_code) == ("userinfo_failed", 401)
    assert "user-secret" not in str(caught.value)


def test_twitter_preset_logs_in_and_maps_verify_credentials(app: Flask, oauth: OAuth) -> None:
    fake = FakeOAuth1Provider(
        "https://api.twitter.com/oauth/request_token", "https://api.twitter.com/oauth/authenticate",
        "https://api.twitter.com/oauth/access_token", "https://api.twitter.com/1.1/",
    )
    fake.add_client(KEY, SECRET)
    fake.api_handler = lambda user, request: {
        "id": 2244994945, "id_str": "2244994945", "name": "Ada L", "screen_name": user,
        "profile_image_url_https": "https://pbs.twimg.com/a.jpg", "email": "ada@example.test",
    }
    app.config.update(TWITTER_CLIENT_ID=KEY, TWITTER_CLIENT_SECRET=SECRET)
    oauth.register("twitter")
    tokens: list[dict[str, Any]] = []

    @app.route("/login")
    def login() -> Any:
        return oauth.twitter.authorize_redirect(CALLBACK, force_login="true")

    @app.route("/callback")
    def callback() -> Any:
        tokens.append(oauth.twitter.authorize_access_token())
        return jsonify(oauth.twitter.userinfo())

    web = app.test_client()
    with requests_mock.Mocker() as mocker:
        fake.install(mocker)
        authorize_url = start_login(web)
        assert authorize_url.startswith("https://api.twitter.com/oauth/authenticate?")
        assert query_of(authorize_url)["force_login"] == "true"
        claims = web.get(fake.approve(authorize_url, user="ada")).get_json()
    assert claims == {
        "sub": "2244994945", "name": "Ada L", "preferred_username": "ada",
        "picture": "https://pbs.twimg.com/a.jpg", "profile": "https://twitter.com/ada", "email": "ada@example.test",
    }
    profile_call = mocker.request_history[-1]
    assert profile_call.url.startswith("https://api.twitter.com/1.1/account/verify_credentials.json?")
    assert query_of(profile_call.url)["include_email"] == "true"
    [token] = tokens
    issued = fake.validator.tokens[token["oauth_token"]]
    assert (issued.secret, issued.user) == (token["oauth_token_secret"], "ada")


def test_twitter_profile_without_email_has_no_email_claim() -> None:
    claims = profile_to_claims({"id": 12, "screen_name": "jack", "name": ""})
    assert claims == {"sub": "12", "preferred_username": "jack", "profile": "https://twitter.com/jack"}
