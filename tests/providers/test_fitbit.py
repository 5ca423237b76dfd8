"""The fitbit preset: PKCE with HTTP Basic client authentication, and the profile nested under "user"."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.fitbit import profile_to_claims
from tests.providers.recordings.fitbit import PROFILE, RECORDING


def test_fitbit_profile_maps_names_avatar_and_bcp47_locale() -> None:
    claims = profile_to_claims(PROFILE["user"])
    assert claims["sub"] == "GGNJL9" and claims["name"] == "Sam Sample" and claims["nickname"] == "Sam S."
    assert claims["picture"] == PROFILE["user"]["avatar640"] and claims["locale"] == "en-US"
    assert claims["profile"] == "https://www.fitbit.com/user/GGNJL9"


def test_fitbit_profile_with_only_a_display_name_uses_it() -> None:
    claims = profile_to_claims({"encodedId": "X1", "displayName": "Shy", "avatar": "https://static0.fitbit.com/a.png"})
    assert claims["name"] == "Shy" and claims["picture"] == "https://static0.fitbit.com/a.png"
    assert claims["locale"] is None


def test_fitbit_login_uses_pkce_and_basic_auth(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("fitbit", client_id="23ABCD", client_secret="secret")
    requests_mock.post("https://api.fitbit.com/oauth2/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        started = client.create_authorization_url("https://client.test/callback")
        client.fetch_access_token("https://client.test/callback", code="c", code_verifier=started["code_verifier"])
    assert parse_qs(urlsplit(started["url"]).query)["code_challenge_method"] == ["S256"]
    sent = requests_mock.last_request
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"23ABCD:secret").decode()
    assert parse_qs(sent.text)["code_verifier"] == [started["code_verifier"]]


def test_fitbit_userinfo_unwraps_the_user_object(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("fitbit", client_id="23ABCD", client_secret="secret")
    requests_mock.get("https://api.fitbit.com/1/user/-/profile.json", json=PROFILE)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "Bearer"})
    assert info["sub"] == "GGNJL9"
