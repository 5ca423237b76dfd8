"""The facebook preset: a pinned Graph API version, the profile fields asked for, and the picture URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.facebook import GRAPH_API_VERSION, PROFILE_FIELDS, profile_to_claims
from tests.providers.recordings.facebook import USER


def test_facebook_profile_maps_names_email_and_picture_url() -> None:
    assert profile_to_claims(USER) == {
        "sub": "10160000000000001", "name": "Sam Sample", "given_name": "Sam", "family_name": "Sample",
        "email": "sam@example.com", "picture": USER["picture"]["data"]["url"],
    }


def test_facebook_profile_without_email_or_picture_leaves_them_out() -> None:
    claims = profile_to_claims({"id": "1", "name": "No Mail"})
    assert claims["email"] is None and claims["picture"] is None
    assert profile_to_claims({"id": "1", "picture": "not-an-object"})["picture"] is None


def test_facebook_endpoints_all_carry_the_pinned_graph_api_version(app: Flask) -> None:
    client = OAuth(app).register("facebook", client_id="id", client_secret="secret")
    prefix = f"https://graph.facebook.com/{GRAPH_API_VERSION}/"
    assert client.authorize_url == f"https://www.facebook.com/{GRAPH_API_VERSION}/dialog/oauth"
    assert client.access_token_url == f"{prefix}oauth/access_token"
    assert client.api_base_url == prefix


def test_facebook_api_version_option_moves_every_endpoint(app: Flask) -> None:
    client = OAuth(app).register("facebook", client_id="id", client_secret="secret", api_version="v99.0")
    assert client.authorize_url == "https://www.facebook.com/v99.0/dialog/oauth"
    assert client.access_token_url == "https://graph.facebook.com/v99.0/oauth/access_token"
    assert client.api_base_url == "https://graph.facebook.com/v99.0/"


def test_facebook_userinfo_asks_me_for_the_profile_fields(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("facebook", client_id="id", client_secret="secret")
    requests_mock.get(f"https://graph.facebook.com/{GRAPH_API_VERSION}/me", json=USER)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "EAAB-token", "token_type": "bearer"})
    sent = parse_qs(urlsplit(requests_mock.last_request.url).query)
    assert sent["fields"] == [PROFILE_FIELDS]
    assert info["sub"] == "10160000000000001" and info["picture"] == USER["picture"]["data"]["url"]
