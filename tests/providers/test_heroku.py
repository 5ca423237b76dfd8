"""The heroku preset: the Platform API's versioned Accept header, and /account as claims."""

from __future__ import annotations

from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.heroku import ACCEPT, profile_to_claims
from tests.providers.recordings.heroku import ACCOUNT, RECORDING


def test_heroku_account_maps_id_name_and_email() -> None:
    claims = profile_to_claims(ACCOUNT)
    assert claims["sub"] == ACCOUNT["id"] and claims["email"] == "tina@example.com"
    assert claims["given_name"] == "Tina" and claims["family_name"] == "Sample"
    assert "email_verified" not in claims  # Heroku's "verified" is about billing


def test_heroku_account_without_a_name_leaves_it_out() -> None:
    claims = profile_to_claims({"id": "u", "email": "e@example.com", "name": None})
    assert claims["name"] is None and claims["given_name"] is None


def test_heroku_api_calls_carry_the_versioned_accept_header_and_token_requests_do_not(
    app: Flask, requests_mock: Any
) -> None:
    client = OAuth(app).register("heroku", client_id="id", client_secret="secret")
    requests_mock.post("https://id.heroku.com/oauth/token", json=RECORDING.token_answer)
    requests_mock.get("https://api.heroku.com/account", json=ACCOUNT)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
        info = client.userinfo(token=token)
    exchange, account = requests_mock.request_history
    assert account.headers["Accept"] == ACCEPT
    assert exchange.headers["Accept"] == "application/json"
    assert "client_secret=secret" in exchange.text
    assert info["sub"] == ACCOUNT["id"]
