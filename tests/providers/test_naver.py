"""The naver preset: the callback's state repeated in the code exchange, and ``/v1/nid/me``'s ``response``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask, jsonify, url_for

from flask_oauth_registry import OAuth, ProviderError
from flask_oauth_registry.providers.naver import profile_to_claims
from tests.providers.recordings.naver import ME

TOKEN_URL = "https://nid.naver.com/oauth2.0/token"
ANSWER = {"access_token": "AAAA", "refresh_token": "r", "token_type": "bearer", "expires_in": "3600"}


def test_the_response_maps_to_claims() -> None:
    claims = profile_to_claims(ME["response"])
    assert claims["sub"] == "32742776" and claims["gender"] == "female" and claims["birthdate"] == "1990-10-01"
    assert claims["phone_number"] == "+821000000000"


def test_without_consent_for_the_optional_items_only_the_id_remains() -> None:
    claims = profile_to_claims({"id": "1", "birthday": "10-01"})
    assert claims["sub"] == "1" and claims["birthdate"] is None and claims["gender"] is None
    assert claims["name"] is None and claims["email"] is None


def test_the_code_exchange_repeats_the_callbacks_state(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("naver", client_id="c", client_secret="s")

    @app.route("/login")
    def login() -> Any:
        return client.authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        return jsonify(client.authorize_access_token())

    requests_mock.post(TOKEN_URL, json=ANSWER)
    web = app.test_client()
    state = dict(parse_qsl(urlsplit(web.get("/login").headers["Location"]).query))["state"]
    assert web.get("/callback", query_string={"code": "c0de", "state": state}).status_code == 200
    form = dict(parse_qsl(requests_mock.last_request.text))
    assert form["state"] == state and form["code"] == "c0de" and form["client_secret"] == "s"


def test_a_code_exchange_outside_a_callback_sends_no_state(app: Flask, requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=ANSWER)
    client = OAuth(app).register("naver", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
    assert "state" not in dict(parse_qsl(requests_mock.last_request.text))
    assert token["expires_at"]  # "3600", a string, is a lifetime too


def test_userinfo_unwraps_the_response(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://openapi.naver.com/v1/nid/me", json=ME)
    client = OAuth(app).register("naver", client_id="c", client_secret="s")
    with app.app_context():
        assert client.userinfo(token={"access_token": "AAAA", "token_type": "bearer"})["nickname"] == "sampler"


def test_a_refused_token_is_a_provider_error(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://openapi.naver.com/v1/nid/me", status_code=401,
                      json={"resultcode": "024", "message": "Authentication failed"})
    client = OAuth(app).register("naver", client_id="c", client_secret="s")
    with app.app_context(), pytest.raises(ProviderError, match="401"):
        client.userinfo(token={"access_token": "bad", "token_type": "bearer"})
