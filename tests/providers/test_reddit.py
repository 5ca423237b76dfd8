"""The reddit preset: a User-Agent of the app's own on every request, Basic auth, permanent duration, raw JSON."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.reddit import profile_to_claims
from tests.providers.recordings.reddit import ME, RECORDING, USER_AGENT


def test_reddit_profile_maps_name_icon_and_profile_link() -> None:
    claims = profile_to_claims(ME)
    assert claims["sub"] == "1w72" and claims["preferred_username"] == "sample_redditor"
    assert claims["picture"] == ME["icon_img"] and claims["profile"] == "https://www.reddit.com/user/sample_redditor"
    assert "email" not in claims


def test_reddit_profile_unescapes_html_escaped_image_urls_and_prefers_the_snoovatar() -> None:
    escaped = profile_to_claims({"id": "1", "name": "n", "icon_img": "https://i.example/a.png?w=1&amp;h=2"})
    assert escaped["picture"] == "https://i.example/a.png?w=1&h=2"
    snoo = profile_to_claims({"id": "1", "name": "n", "icon_img": "https://i.example/a.png",
                              "snoovatar_img": "https://i.example/snoo.png"})
    assert snoo["picture"] == "https://i.example/snoo.png"
    assert profile_to_claims({"id": "1"})["picture"] is None


def test_reddit_without_a_user_agent_is_a_configuration_error_naming_it(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="user_agent="):
        OAuth(app).register("reddit", client_id="id", client_secret="secret")


def test_reddit_user_agent_is_on_token_requests_and_api_calls(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("reddit", client_id="id", client_secret="secret", user_agent=USER_AGENT)
    requests_mock.post("https://www.reddit.com/api/v1/access_token", json=RECORDING.token_answer)
    requests_mock.get("https://oauth.reddit.com/api/v1/me", json=ME)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
        client.userinfo(token=token)
    exchange, profile = requests_mock.request_history
    assert exchange.headers["User-Agent"] == USER_AGENT and profile.headers["User-Agent"] == USER_AGENT
    assert exchange.headers["Authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
    assert parse_qs(urlsplit(profile.url).query)["raw_json"] == ["1"]


def test_reddit_authorization_asks_for_a_permanent_grant(app: Flask) -> None:
    client = OAuth(app).register("reddit", client_id="id", client_secret="secret", user_agent=USER_AGENT)
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/callback")["url"]
    assert parse_qs(urlsplit(url).query)["duration"] == ["permanent"]
