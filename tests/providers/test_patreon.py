"""The patreon preset: /identity asked for its user fields, and the JSON:API resource mapped to claims."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.patreon import USER_FIELDS, profile_to_claims
from tests.providers.recordings.patreon import IDENTITY


def test_patreon_identity_maps_id_and_attributes() -> None:
    claims = profile_to_claims(IDENTITY["data"])
    assert claims["sub"] == "1234567" and claims["name"] == "Corey Sample"
    assert claims["preferred_username"] == "coreysample" and claims["profile"] == "https://www.patreon.com/coreysample"
    assert claims["email"] == "creator@example.com" and claims["email_verified"] is True


def test_patreon_identity_without_attributes_has_only_the_id() -> None:
    claims = profile_to_claims({"type": "user", "id": "9"})
    assert claims["sub"] == "9" and claims["email"] is None and claims["email_verified"] is None


def test_patreon_userinfo_asks_for_the_user_fields(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("patreon", client_id="id", client_secret="secret")
    requests_mock.get("https://www.patreon.com/api/oauth2/v2/identity", json=IDENTITY)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "Bearer"})
    assert parse_qs(urlsplit(requests_mock.last_request.url).query)["fields[user]"] == [USER_FIELDS]
    assert info["sub"] == "1234567"
