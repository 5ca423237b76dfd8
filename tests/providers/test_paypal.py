"""The paypal preset: ``sandbox=`` hosts, the paypalv1.1 profile as claims, and ``sub`` bound to the ID token's."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.paypal import profile_to_claims
from tests.providers.recordings.paypal import PROFILE, USER_ID


def test_live_hosts_by_default_and_sandbox_hosts_with_sandbox_true(app: Flask) -> None:
    oauth = OAuth(app)
    live = oauth.register("paypal", client_id="id", client_secret="s")
    assert live.config.authorize_url == "https://www.paypal.com/signin/authorize"
    assert live.config.access_token_url == "https://api-m.paypal.com/v1/oauth2/token"
    assert live.config.server_metadata_url == "https://www.paypal.com/.well-known/openid-configuration"
    sandbox = oauth.register("pp_test", provider="paypal", client_id="id", client_secret="s", sandbox=True)
    assert sandbox.config.access_token_url == "https://api-m.sandbox.paypal.com/v1/oauth2/token"
    assert sandbox.config.api_base_url == "https://api-m.sandbox.paypal.com/"


def test_userinfo_reads_the_paypalv1_1_schema_and_keeps_the_id_token_subject(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("paypal", client_id="id", client_secret="s")
    requests_mock.get("https://api-m.paypal.com/v1/identity/oauth2/userinfo", json=PROFILE)
    token = {"access_token": "A23", "token_type": "Bearer", "userinfo": {"sub": "pairwise-subject"}}
    with app.test_request_context("/"):
        claims = client.userinfo(token=token)
    assert requests_mock.last_request.qs == {"schema": ["paypalv1.1"]}
    assert claims["sub"] == "pairwise-subject" and claims["user_id"] == USER_ID
    assert claims["email"] == "barbara@example.com"


def test_a_string_expires_in_gives_an_expiry(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("paypal", client_id="id", client_secret="s")
    requests_mock.post("https://api-m.paypal.com/v1/oauth2/token",
                       json={"token_type": "Bearer", "expires_in": "28800", "access_token": "A23"})
    with app.test_request_context("/"):
        token = client.fetch_access_token(code="c")
    assert 28000 < token["expires_at"] - time.time() <= 28800
    assert requests_mock.last_request.headers["Authorization"].startswith("Basic ")


def test_profile_prefers_the_primary_email_and_reads_string_flags() -> None:
    claims = profile_to_claims({
        "user_id": USER_ID, "name": "Barbara Liskov", "verified_account": "false",
        "emails": [{"value": "old@example.com", "primary": False, "confirmed": True},
                   {"value": "main@example.com", "primary": True, "confirmed": False}],
    })
    assert claims["email"] == "main@example.com" and claims["email_verified"] is False
    assert claims["verified_account"] is False
    assert (claims["given_name"], claims["family_name"]) == ("Barbara", "Liskov")


def test_profile_without_emails_or_flags_leaves_them_out() -> None:
    claims = profile_to_claims({"user_id": USER_ID})
    assert claims["sub"] == USER_ID
    assert claims["email"] is None and claims["email_verified"] is None and claims["verified_account"] is None
