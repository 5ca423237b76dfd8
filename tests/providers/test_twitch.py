"""The twitch preset: the Client-Id header on Helix calls, the OAuth scheme for token validation, data[0]."""

from __future__ import annotations

from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.twitch import VALIDATE_URL, profile_to_claims
from tests.providers.recordings.twitch import RECORDING, USERS

TOKEN = {"access_token": "tw-token", "token_type": "bearer"}


def test_twitch_profile_maps_login_display_name_and_verified_email() -> None:
    claims = profile_to_claims(USERS["data"][0])
    assert claims["sub"] == "141981764" and claims["name"] == "SampleDev"
    assert claims["preferred_username"] == "sampledev" and claims["profile"] == "https://www.twitch.tv/sampledev"
    assert claims["email"] == "sampledev@example.com" and claims["email_verified"] is True


def test_twitch_profile_without_email_scope_has_no_email_claims() -> None:
    claims = profile_to_claims({"id": "1", "login": "viewer", "display_name": ""})
    assert claims["name"] == "viewer" and claims["email"] is None and claims["email_verified"] is None


def test_twitch_helix_calls_carry_the_apps_client_id(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("twitch", client_id="my-twitch-app", client_secret="secret")
    requests_mock.get("https://api.twitch.tv/helix/users", json=USERS)
    with app.test_request_context("/"):
        info = client.userinfo(token=TOKEN)
    sent = requests_mock.last_request
    assert sent.headers["Client-Id"] == "my-twitch-app" and sent.headers["Authorization"] == "Bearer tw-token"
    assert info["sub"] == "141981764"


def test_twitch_client_id_from_the_flask_config_is_the_header_too(app: Flask, requests_mock: Any) -> None:
    app.config.update(TWITCH_CLIENT_ID="configured-app", TWITCH_CLIENT_SECRET="secret")
    client = OAuth(app).register("twitch")
    requests_mock.get("https://api.twitch.tv/helix/users", json=USERS)
    with app.test_request_context("/"):
        client.userinfo(token=TOKEN)
    assert requests_mock.last_request.headers["Client-Id"] == "configured-app"


def test_twitch_token_validation_uses_the_oauth_scheme(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("twitch", client_id="my-twitch-app", client_secret="secret")
    requests_mock.get(VALIDATE_URL, json={"client_id": "my-twitch-app", "login": "sampledev", "expires_in": 5520})
    with app.test_request_context("/"):
        client.get(VALIDATE_URL, token=TOKEN)
    assert requests_mock.last_request.headers["Authorization"] == "OAuth tw-token"


def test_twitch_token_answer_with_a_scope_array_is_read(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("twitch", client_id="my-twitch-app", client_secret="secret")
    requests_mock.post("https://id.twitch.tv/oauth2/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
    assert token["access_token"] == RECORDING.token_answer["access_token"]
    assert "client_secret=secret" in requests_mock.last_request.text
