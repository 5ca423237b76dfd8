"""The bitbucket preset: /user plus /user/emails, and the token answer's "scopes" read as "scope"."""

from __future__ import annotations

from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.bitbucket import profile_to_claims
from tests.providers.recordings.bitbucket import EMAILS, RECORDING, USER


def test_bitbucket_profile_maps_uuid_nickname_avatar_and_primary_email() -> None:
    claims = profile_to_claims({**USER, "emails": EMAILS})
    assert claims["sub"] == USER["uuid"] and claims["preferred_username"] == "samplecoder"
    assert claims["picture"] == USER["links"]["avatar"]["href"] and claims["profile"] == USER["links"]["html"]["href"]
    assert claims["email"] == "coder@example.com" and claims["email_verified"] is True


def test_bitbucket_unconfirmed_primary_email_is_not_verified() -> None:
    emails = {"values": [{"email": "new@example.com", "is_primary": True, "is_confirmed": False}]}
    claims = profile_to_claims({**USER, "emails": emails})
    assert claims["email"] == "new@example.com" and claims["email_verified"] is False


def test_bitbucket_profile_without_emails_or_links_has_no_email_or_picture() -> None:
    claims = profile_to_claims({"uuid": "{u}", "display_name": "Solo"})
    assert "email" not in claims and claims["picture"] is None and claims["name"] == "Solo"


def test_bitbucket_token_answer_scopes_is_read_as_scope(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("bitbucket", client_id="id", client_secret="secret")
    requests_mock.post("https://bitbucket.org/site/oauth2/access_token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
    assert token["scope"] == "account email"
    assert "scopes" not in token


def test_bitbucket_userinfo_without_email_permission_still_signs_in(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("bitbucket", client_id="id", client_secret="secret")
    requests_mock.get("https://api.bitbucket.org/2.0/user", json=USER)
    requests_mock.get("https://api.bitbucket.org/2.0/user/emails", status_code=403, json={"type": "error"})
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "bearer"})
    assert info["sub"] == USER["uuid"] and info.email is None
