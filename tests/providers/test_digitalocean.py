"""The digitalocean preset: /v2/account nested under "account", mapped to claims."""

from __future__ import annotations

from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.digitalocean import profile_to_claims
from tests.providers.recordings.digitalocean import ACCOUNT


def test_digitalocean_account_maps_uuid_name_and_verified_email() -> None:
    claims = profile_to_claims(ACCOUNT["account"])
    assert claims["sub"] == ACCOUNT["account"]["uuid"] and claims["name"] == "Sammy Sample"
    assert claims["email"] == "sammy@example.com" and claims["email_verified"] is True


def test_digitalocean_account_without_name_or_verification_leaves_them_out() -> None:
    claims = profile_to_claims({"uuid": "u", "email": "e@example.com"})
    assert claims["name"] is None and claims["email_verified"] is None


def test_digitalocean_userinfo_unwraps_the_account(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("digitalocean", client_id="id", client_secret="secret")
    requests_mock.get("https://api.digitalocean.com/v2/account", json=ACCOUNT)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "doo_v1_t", "token_type": "bearer"})
    assert info["sub"] == ACCOUNT["account"]["uuid"] and info.email == "sammy@example.com"
