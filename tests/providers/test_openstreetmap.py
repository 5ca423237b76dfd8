"""The openstreetmap preset: OAuth 2.0 with PKCE, and ``user/details.json`` mapped to claims."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.openstreetmap import profile_to_claims
from tests.providers.recordings.openstreetmap import DETAILS


def test_user_details_map_to_claims() -> None:
    claims = profile_to_claims(DETAILS["user"])
    assert claims["sub"] == 1234567 and claims["preferred_username"] == "Sample Mapper"
    assert claims["profile"] == "https://www.openstreetmap.org/user/Sample%20Mapper"
    assert claims["picture"] == DETAILS["user"]["img"]["href"] and claims["locale"] == "en-GB"


def test_a_mapper_without_avatar_or_languages_has_no_picture_or_locale() -> None:
    claims = profile_to_claims({"id": 7, "display_name": "x", "languages": []})
    assert claims["picture"] is None and claims["locale"] is None and "email" not in claims


def test_authorization_uses_pkce_and_the_read_prefs_scope(app: Flask) -> None:
    client = OAuth(app).register("openstreetmap", client_id="c", client_secret="s")
    with app.test_request_context("/"):
        result = client.create_authorization_url("https://client.test/cb")
    params = dict(parse_qsl(urlsplit(result["url"]).query))
    assert result["url"].startswith("https://www.openstreetmap.org/oauth2/authorize?")
    assert params["scope"] == "read_prefs" and params["code_challenge_method"] == "S256"
    assert result["code_verifier"]


def test_userinfo_reads_user_details_with_a_bearer_token(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://api.openstreetmap.org/api/0.6/user/details.json", json=DETAILS)
    client = OAuth(app).register("openstreetmap", client_id="c", client_secret="s")
    with app.app_context():
        info = client.userinfo(token={"access_token": "osm", "token_type": "Bearer"})
    assert info["sub"] == "1234567"
    assert requests_mock.last_request.headers["Authorization"] == "Bearer osm"
