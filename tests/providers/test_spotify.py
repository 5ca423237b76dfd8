"""The spotify preset: /v1/me as claims, the largest image as the picture, the e-mail never verified."""

from __future__ import annotations

import base64
from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.spotify import profile_to_claims
from tests.providers.recordings.spotify import ME, RECORDING


def test_spotify_profile_maps_display_name_and_picks_the_largest_image() -> None:
    claims = profile_to_claims(ME)
    assert claims["sub"] == "samplelistener" and claims["name"] == "Sample Listener"
    assert claims["picture"] == "https://i.scdn.co/image/sample-large"
    assert claims["profile"] == "https://open.spotify.com/user/samplelistener"


def test_spotify_email_is_never_claimed_verified() -> None:
    assert profile_to_claims(ME)["email_verified"] is False
    assert profile_to_claims({"id": "x"})["email_verified"] is None


def test_spotify_profile_without_images_or_name_leaves_them_out() -> None:
    claims = profile_to_claims({"id": "x", "display_name": None, "images": []})
    assert claims["picture"] is None and claims["name"] is None and claims["profile"] is None


def test_spotify_token_request_uses_basic_auth(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("spotify", client_id="id", client_secret="secret")
    requests_mock.post("https://accounts.spotify.com/api/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        client.fetch_access_token("https://client.test/callback", code="c")
    assert requests_mock.last_request.headers["Authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
