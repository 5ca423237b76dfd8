"""The zoom preset: HTTP Basic client authentication, rotating refresh tokens, ``/v2/users/me`` mapped to claims."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.zoom import profile_to_claims
from tests.providers.recordings.zoom import ME

BASIC = "Basic " + base64.b64encode(b"c:s").decode()


def test_users_me_maps_to_claims() -> None:
    claims = profile_to_claims(ME)
    assert claims["sub"] == "KDcuGIm1QgePTO8WbOqwIQ" and claims["name"] == "Jamie Sample"
    assert claims["locale"] == "en-US" and claims["zoneinfo"] == "Europe/Berlin"


def test_a_user_without_display_name_gets_the_composed_name() -> None:
    claims = profile_to_claims({"id": "z", "first_name": "Jo", "last_name": "Doe", "timezone": ""})
    assert claims["name"] == "Jo Doe" and claims["picture"] is None and claims["zoneinfo"] is None


def test_refresh_uses_basic_auth_and_keeps_the_rotated_refresh_token(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://zoom.us/oauth/token", json={"access_token": "new", "token_type": "bearer",
                                                            "refresh_token": "rotated", "expires_in": 3599})
    requests_mock.get("https://api.zoom.us/v2/users/me", json=ME)
    updates: list[dict[str, Any]] = []
    client = OAuth(app).register("zoom", client_id="c", client_secret="s",
                                 update_token=lambda token, **kw: updates.append(dict(token)))
    expired = {"access_token": "old", "token_type": "bearer", "refresh_token": "r1", "expires_at": int(time.time()) - 5}
    with app.app_context():
        client.userinfo(token=expired)
    refresh = requests_mock.request_history[0]
    assert refresh.headers["Authorization"] == BASIC
    assert dict(parse_qsl(refresh.text)) == {"grant_type": "refresh_token", "refresh_token": "r1"}
    assert updates[-1]["refresh_token"] == "rotated"
    assert requests_mock.last_request.headers["Authorization"] == "Bearer new"
