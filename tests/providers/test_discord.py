"""The discord preset: /users/@me as claims, with the avatar hash turned into a CDN URL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.discord import avatar_url, profile_to_claims
from tests.providers.recordings.discord import USER


def test_discord_profile_maps_display_name_handle_and_verified_email() -> None:
    claims = profile_to_claims(USER)
    assert claims["sub"] == "80351110224678912" and claims["name"] == "Sample User"
    assert claims["preferred_username"] == "sampleuser" and claims["locale"] == "en-US"
    assert claims["email"] == "sample@example.com" and claims["email_verified"] is True


def test_discord_profile_without_email_scope_has_no_email_claims() -> None:
    claims = profile_to_claims({"id": "1", "username": "quiet", "global_name": None})
    assert claims["name"] == "quiet" and claims["email"] is None and claims["email_verified"] is None


def test_discord_unverified_email_is_not_claimed_verified() -> None:
    assert profile_to_claims({"id": "1", "email": "a@example.com", "verified": False})["email_verified"] is False


@pytest.mark.parametrize(
    ("user", "url"),
    [
        pytest.param({"id": "42", "avatar": "abc"}, "https://cdn.discordapp.com/avatars/42/abc.png", id="static"),
        pytest.param({"id": "42", "avatar": "a_abc"}, "https://cdn.discordapp.com/avatars/42/a_abc.gif", id="animated"),
        # Unique usernames: (id >> 22) % 6; 80351110224678912 >> 22 is 19157197529, which is 5 modulo 6.
        pytest.param({"id": "80351110224678912", "avatar": None, "discriminator": "0"},
                     "https://cdn.discordapp.com/embed/avatars/5.png", id="default-by-id"),
        pytest.param({"id": "42", "avatar": None, "discriminator": "1337"},
                     "https://cdn.discordapp.com/embed/avatars/2.png", id="default-by-legacy-discriminator"),
    ],
)
def test_discord_avatar_url_follows_discords_cdn_rules(user: dict[str, Any], url: str) -> None:
    assert avatar_url(user) == url


def test_discord_userinfo_reads_users_me_from_api_v10(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("discord", client_id="id", client_secret="secret")
    requests_mock.get("https://discord.com/api/v10/users/@me", json=USER)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "Bearer"})
    assert requests_mock.last_request.headers["Authorization"] == "Bearer t"
    assert info["picture"].startswith("https://cdn.discordapp.com/avatars/80351110224678912/")
