"""The line preset: HS256 ID tokens signed with the channel secret, and the e-mail added from the ID token."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask, jsonify, url_for

from flask_oauth_registry import InvalidIdTokenError, InvalidTokenError, OAuth
from flask_oauth_registry.providers.line import profile_to_claims
from tests.fakes.keys import hmac_signed_token
from tests.providers.recordings.line import DISCOVERY, SUB, USER

CHANNEL_ID, CHANNEL_SECRET = "1234567890", "5b2f0c8e9d1a4f3b7c6e0a9d8f1b2c3e"  # 32 hex digits, as LINE issues


def web_login(app: Flask, requests_mock: Any, sign_with: bytes) -> Any:
    """A login whose ID token is HS256-signed with ``sign_with``; the callback answer's JSON (or the error)."""
    client = OAuth(app).register("line", client_id=CHANNEL_ID, client_secret=CHANNEL_SECRET)
    requests_mock.get("https://access.line.me/.well-known/openid-configuration", json=DISCOVERY)
    requests_mock.get(DISCOVERY["userinfo_endpoint"], json=USER)

    @app.route("/login")
    def login() -> Any:
        return client.authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        token = client.authorize_access_token()
        return jsonify(dict(client.userinfo(token=token)))

    web = app.test_client()
    params = dict(parse_qsl(urlsplit(web.get("/login").headers["Location"]).query))
    now = int(time.time())
    id_token = hmac_signed_token({"iss": "https://access.line.me", "sub": SUB, "aud": CHANNEL_ID, "iat": now,
                                  "exp": now + 3600, "nonce": params["nonce"], "email": "taro@example.com"},
                                 sign_with)
    requests_mock.post(DISCOVERY["token_endpoint"], json={"access_token": "at", "token_type": "Bearer",
                                                          "expires_in": 2592000, "id_token": id_token})
    return web.get("/callback", query_string={"code": "c", "state": params["state"]})


def test_an_id_token_signed_with_the_channel_secret_is_accepted(app: Flask, requests_mock: Any) -> None:
    answer = web_login(app, requests_mock, CHANNEL_SECRET.encode())
    assert answer.status_code == 200
    assert answer.get_json() == {"sub": SUB, "name": "Taro Line", "picture": USER["picture"],
                                 "email": "taro@example.com"}


def test_an_id_token_signed_with_another_secret_is_refused(app: Flask, requests_mock: Any) -> None:
    with pytest.raises(InvalidIdTokenError):
        web_login(app, requests_mock, b"not-the-channel-secret")


def test_userinfo_never_takes_another_users_id_token_email(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("line", client_id=CHANNEL_ID, client_secret=CHANNEL_SECRET)
    requests_mock.get(DISCOVERY["userinfo_endpoint"], json=USER)
    other = {"access_token": "at", "token_type": "Bearer", "userinfo": {"sub": "Uother", "email": "x@example.com"}}
    with app.test_request_context("/"), pytest.raises(InvalidTokenError, match="sub"):
        client.userinfo(token=other)
    without_id_token = {"access_token": "at", "token_type": "Bearer"}
    with app.test_request_context("/"):
        assert "email" not in client.userinfo(token=without_id_token)


def test_profile_maps_the_userinfo_answer() -> None:
    assert profile_to_claims(USER) == {"sub": SUB, "name": "Taro Line", "picture": USER["picture"], "email": None}
    assert profile_to_claims({"sub": SUB})["name"] is None
