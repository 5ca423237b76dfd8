"""The dropbox preset: offline access asked for, and the account read with a POST without a body."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.dropbox import profile_to_claims
from tests.providers.recordings.dropbox import ACCOUNT, RECORDING


def test_dropbox_profile_maps_name_parts_email_and_photo() -> None:
    claims = profile_to_claims(ACCOUNT)
    assert claims["sub"] == "dbid:AAH4f99T0taONIb-sample"
    assert (claims["name"], claims["given_name"], claims["family_name"]) == ("Franz Sample", "Franz", "Sample")
    assert claims["email_verified"] is True and claims["picture"] == ACCOUNT["profile_photo_url"]


def test_dropbox_profile_without_photo_or_name_leaves_them_out() -> None:
    claims = profile_to_claims({"account_id": "dbid:x", "email": "a@example.com", "email_verified": False})
    assert claims["picture"] is None and claims["name"] is None and claims["email_verified"] is False


def test_dropbox_authorization_asks_for_offline_access(app: Flask) -> None:
    client = OAuth(app).register("dropbox", client_id="id", client_secret="secret")
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/callback")["url"]
    query = parse_qs(urlsplit(url).query)
    assert query["token_access_type"] == ["offline"] and query["scope"] == ["account_info.read"]


def test_dropbox_userinfo_posts_get_current_account_without_a_body(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("dropbox", client_id="id", client_secret="secret")
    requests_mock.post("https://api.dropboxapi.com/2/users/get_current_account", json=ACCOUNT)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "sl.t", "token_type": "bearer"})
    sent = requests_mock.last_request
    assert sent.method == "POST" and not sent.body and "Content-Type" not in sent.headers
    assert sent.headers["Authorization"] == "Bearer sl.t"
    assert info["sub"] == ACCOUNT["account_id"]


def test_dropbox_token_answer_keeps_the_account_id(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("dropbox", client_id="id", client_secret="secret")
    requests_mock.post("https://api.dropboxapi.com/oauth2/token", json=RECORDING.token_answer)
    with app.test_request_context("/"):
        token = client.fetch_access_token("https://client.test/callback", code="c")
    assert token["refresh_token"] == "sample-refresh" and token["account_id"] == ACCOUNT["account_id"]
