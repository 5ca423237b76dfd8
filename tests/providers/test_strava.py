"""The strava preset: comma-separated scopes, the athlete beside the tokens, and /athlete as claims."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.strava import comma_scope, profile_to_claims
from tests.providers.recordings.strava import ATHLETE, RECORDING


def test_strava_athlete_maps_names_username_picture_and_profile() -> None:
    claims = profile_to_claims(ATHLETE)
    assert claims["sub"] == 134815 and claims["name"] == "Marianne Sample"
    assert claims["preferred_username"] == "sample_rider" and claims["picture"] == ATHLETE["profile"]
    assert claims["profile"] == "https://www.strava.com/athletes/134815"


def test_strava_default_avatar_path_is_not_a_picture() -> None:
    # Athletes without a photo get a relative placeholder path, not a URL.
    claims = profile_to_claims({"id": 1, "firstname": "Solo", "lastname": None, "profile": "avatar/athlete/large.png"})
    assert claims["picture"] is None and claims["name"] == "Solo" and claims["preferred_username"] is None


@pytest.mark.parametrize(
    ("given", "sent"),
    [("read", "read"), ("read activity:read", "read,activity:read"), (["read", "activity:read_all"],
     "read,activity:read_all"), ("read,profile:read_all", "read,profile:read_all")],
)
def test_strava_scopes_are_joined_with_commas(given: Any, sent: str) -> None:
    assert comma_scope(given) == sent


def test_strava_authorization_sends_a_scope_list_comma_separated(app: Flask) -> None:
    client = OAuth(app).register("strava", client_id="id", client_secret="secret",
                                 client_kwargs={"scope": ["read", "activity:read"]})
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/callback")["url"]
    assert parse_qs(urlsplit(url).query)["scope"] == ["read,activity:read"]


def test_strava_token_keeps_the_athlete_and_posts_the_client_secret(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("strava", client_id="id", client_secret="secret")
    requests_mock.post("https://www.strava.com/oauth/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
    assert token["athlete"]["id"] == 134815
    assert profile_to_claims(token["athlete"])["name"] == "Marianne Sample"
    form = parse_qs(requests_mock.last_request.text)
    assert form["client_id"] == ["id"] and form["client_secret"] == ["secret"]
