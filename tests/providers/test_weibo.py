"""The weibo preset: the token's ``uid`` names the profile, the token goes in the query, text/plain JSON is read."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, OAuth
from flask_oauth_registry.providers.weibo import profile_to_claims, profile_url
from tests.providers.recordings.weibo import USER

SHOW_URL = "https://api.weibo.com/2/users/show.json"


def test_a_users_show_answer_maps_to_claims() -> None:
    claims = profile_to_claims(USER)
    assert claims["sub"] == "1404376560" and claims["profile"] == "https://weibo.com/sampleuser"
    assert claims["picture"] == USER["avatar_hd"] and claims["locale"] == "zh_cn"


def test_a_user_without_avatars_or_page_falls_back_to_the_id() -> None:
    claims = profile_to_claims({"id": 42, "screen_name": "s", "profile_image_url": "https://tva.example/1.jpg"})
    assert claims["sub"] == 42 and claims["profile"] == "https://weibo.com/42"
    assert claims["picture"] == "https://tva.example/1.jpg" and claims["locale"] is None


def test_the_profile_url_names_the_tokens_uid() -> None:
    assert profile_url({"uid": "1404376560"}) == "users/show.json?uid=1404376560"
    with pytest.raises(BadResponseError, match="uid"):
        profile_url({"access_token": "t"})


def test_userinfo_sends_uid_and_the_token_in_the_query(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(SHOW_URL, json=USER)
    client = OAuth(app).register("weibo", client_id="c", client_secret="s")
    with app.app_context():
        info = client.userinfo(token={"access_token": "2.00t", "uid": "1404376560"})
    sent = requests_mock.last_request
    assert sent.qs == {"uid": ["1404376560"], "access_token": ["2.00t"]}
    assert "Authorization" not in sent.headers
    assert info["sub"] == "1404376560"


def test_a_text_plain_json_token_answer_is_read_as_json(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.weibo.com/oauth2/access_token", text='{"access_token": "2.00t", '
                       '"expires_in": 157679999, "uid": "1404376560"}', headers={"Content-Type": "text/plain"})
    client = OAuth(app).register("weibo", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
    assert token["access_token"] == "2.00t" and token["uid"] == "1404376560"
    assert token["token_type"] == "Bearer" and token["expires_at"]
    assert "client_secret=s" in requests_mock.last_request.text
