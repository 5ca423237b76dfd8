"""The atlassian preset: the api.atlassian.com audience and consent prompt, and /me as claims."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.atlassian import ACCESSIBLE_RESOURCES, profile_to_claims
from tests.providers.recordings.atlassian import ME


def test_atlassian_profile_is_mapped_to_standard_claims() -> None:
    claims = profile_to_claims(ME)
    assert claims["sub"] == "112233:aa-sample-account" and claims["nickname"] == "mia"
    assert claims["given_name"] == "Mia" and claims["family_name"] == "Sample"
    assert claims["email_verified"] is True and claims["zoneinfo"] == "Australia/Sydney"


def test_atlassian_profile_with_only_the_account_id_leaves_the_rest_out() -> None:
    claims = profile_to_claims({"account_id": "x"})
    assert claims["sub"] == "x" and claims["email"] is None and claims["name"] is None


def test_atlassian_authorization_carries_audience_and_consent_prompt(app: Flask) -> None:
    client = OAuth(app).register("atlassian", client_id="id", client_secret="secret")
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/callback")["url"]
    query = parse_qs(urlsplit(url).query)
    assert query["audience"] == ["api.atlassian.com"] and query["prompt"] == ["consent"]
    assert "offline_access" in query["scope"][0].split()


def test_atlassian_accessible_resources_are_read_from_the_api_base(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("atlassian", client_id="id", client_secret="secret")
    sites = [{"id": "1324a887-45db-1bf4-1e99-ef0ff456d421", "url": "https://sample.atlassian.net", "name": "sample"}]
    requests_mock.get("https://api.atlassian.com/oauth/token/accessible-resources", json=sites)
    with app.test_request_context("/"):
        answer = client.get(ACCESSIBLE_RESOURCES, token={"access_token": "t", "token_type": "Bearer"})
    assert answer.json()[0]["id"] == sites[0]["id"]
