"""The x preset: OAuth 2.0 with PKCE, HTTP Basic client authentication, and users/me nested under data."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.x import USER_FIELDS, profile_to_claims
from tests.providers.recordings.x import ME, RECORDING


def test_x_profile_maps_handle_picture_and_profile_link() -> None:
    claims = profile_to_claims(ME["data"])
    assert claims["sub"] == "2244994945" and claims["preferred_username"] == "sampledev"
    assert claims["given_name"] == "Sample" and claims["family_name"] == "Developer"
    assert claims["profile"] == "https://x.com/sampledev"
    assert claims["email"] is None and claims["email_verified"] is None


def test_x_profile_with_confirmed_email_is_a_verified_email() -> None:
    claims = profile_to_claims({"id": "1", "username": "u", "confirmed_email": "u@example.com"})
    assert claims["email"] == "u@example.com" and claims["email_verified"] is True


def test_x_profile_without_username_has_no_profile_link() -> None:
    assert profile_to_claims({"id": "1"})["profile"] is None


def test_x_login_sends_a_pkce_challenge_and_its_verifier_with_basic_auth(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("x", client_id="id", client_secret="secret")
    requests_mock.post("https://api.x.com/2/oauth2/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        started = client.create_authorization_url("https://client.test/callback")
        query = parse_qs(urlsplit(started["url"]).query)
        client.fetch_access_token("https://client.test/callback", code="c", code_verifier=started["code_verifier"])
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    sent = requests_mock.last_request
    assert parse_qs(sent.text)["code_verifier"] == [started["code_verifier"]]
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
    assert "client_secret" not in parse_qs(sent.text)


def test_x_userinfo_reads_users_me_with_user_fields_and_unwraps_data(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("x", client_id="id", client_secret="secret")
    requests_mock.get("https://api.x.com/2/users/me", json=ME)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "bearer"})
    assert parse_qs(urlsplit(requests_mock.last_request.url).query)["user.fields"] == [USER_FIELDS]
    assert info["sub"] == "2244994945" and info["picture"] == ME["data"]["profile_image_url"]
