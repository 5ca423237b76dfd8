"""The slack preset: Sign in with Slack by discovery, and its ``ok: false`` answers as provider errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import OAuth, ProviderError
from flask_oauth_registry.providers.slack import userinfo_to_claims
from tests.providers.recordings.slack import DISCOVERY, USER


def test_userinfo_answer_loses_slacks_ok_envelope_and_keeps_its_claims() -> None:
    claims = userinfo_to_claims(USER)
    assert "ok" not in claims
    assert claims["sub"] == "U0SAMPLE1" and claims["https://slack.com/team_id"] == "T0SAMPLE"


def test_a_refused_userinfo_call_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="invalid_auth"):
        userinfo_to_claims({"ok": False, "error": "invalid_auth"})


def test_userinfo_refused_in_an_http_200_is_a_provider_error(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("slack", client_id="id", client_secret="secret")
    requests_mock.get("https://slack.com/.well-known/openid-configuration", json=DISCOVERY)
    requests_mock.get(DISCOVERY["userinfo_endpoint"], json={"ok": False, "error": "token_revoked"})
    with app.test_request_context("/"), pytest.raises(ProviderError, match="token_revoked"):
        client.userinfo(token={"access_token": "xoxp-1", "token_type": "Bearer"})


def test_a_refused_code_exchange_in_an_http_200_is_a_provider_error(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("slack", client_id="id", client_secret="secret")
    requests_mock.get("https://slack.com/.well-known/openid-configuration", json=DISCOVERY)
    requests_mock.post(DISCOVERY["token_endpoint"], json={"ok": False, "error": "invalid_code"})
    with app.test_request_context("/"), pytest.raises(ProviderError, match="invalid_code"):
        client.fetch_access_token(code="stale")
    assert "client_secret=secret" in requests_mock.last_request.text
