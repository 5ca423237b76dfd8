"""The amazon preset (Login with Amazon): form-body client authentication and ``user/profile`` mapped to claims."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.amazon import profile_to_claims
from tests.providers.recordings.amazon import PROFILE


def test_a_profile_maps_to_claims() -> None:
    claims = profile_to_claims(PROFILE)
    assert claims["sub"] == "amzn1.account.AESAMPLE7EXAMPLE" and claims["email"] == "morgan@example.com"
    assert (claims["given_name"], claims["family_name"]) == ("Morgan", "Sample")
    assert claims["address"] == {"postal_code": "98109"}


def test_the_user_id_scope_alone_gives_only_the_id() -> None:
    claims = profile_to_claims({"user_id": "amzn1.account.X"})
    assert claims["sub"] == "amzn1.account.X"
    assert claims["name"] is None and claims["email"] is None and claims["address"] is None


def test_the_code_exchange_sends_the_client_secret_in_the_form(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.amazon.com/auth/o2/token", json={"access_token": "Atza|t", "token_type": "bearer",
                                                                     "expires_in": 3600, "refresh_token": "Atzr|r"})
    requests_mock.get("https://api.amazon.com/user/profile", json=PROFILE)
    client = OAuth(app).register("amazon", client_id="amzn1.application-oa2-client.c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
        sent = dict(parse_qsl(requests_mock.last_request.text))
        assert sent["client_secret"] == "s" and "Authorization" not in requests_mock.last_request.headers
        assert client.userinfo(token=token)["name"] == "Morgan Sample"
