"""The yandex preset: ``login.yandex.ru/info`` mapped to claims, and API calls under the ``OAuth`` scheme."""

from __future__ import annotations

import base64
from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.yandex import profile_to_claims
from tests.providers.recordings.yandex import INFO


def test_info_maps_to_claims_with_the_default_avatar_url() -> None:
    claims = profile_to_claims(INFO)
    assert claims["sub"] == "1000034426" and claims["preferred_username"] == "sample.user"
    assert claims["picture"] == "https://avatars.yandex.net/get-yapic/131652443/islands-200"
    assert claims["email"] == "sample.user@yandex.ru" and claims["birthdate"] == "1990-01-31"


def test_an_empty_avatar_gives_no_picture() -> None:
    assert profile_to_claims({**INFO, "is_avatar_empty": True})["picture"] is None


def test_without_scopes_for_email_and_name_only_the_login_remains() -> None:
    claims = profile_to_claims({"id": "1", "login": "ivan", "display_name": "Ivan"})
    assert claims["name"] == "Ivan" and claims["email"] is None and claims["picture"] is None


def test_an_address_list_without_a_default_gives_its_first() -> None:
    assert profile_to_claims({"id": "1", "emails": ["a@yandex.ru", "b@yandex.ru"]})["email"] == "a@yandex.ru"


def test_api_calls_use_the_oauth_scheme_but_the_token_request_uses_basic(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://oauth.yandex.ru/token", json={"access_token": "y0_t", "token_type": "bearer"})
    requests_mock.get("https://login.yandex.ru/info", json=INFO)
    client = OAuth(app).register("yandex", client_id="c", client_secret="s")
    with app.test_request_context("/"):
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
        sent = requests_mock.last_request
        assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"c:s").decode()
        client.userinfo(token=token)
    info_call = requests_mock.last_request
    assert info_call.headers["Authorization"] == "OAuth y0_t"
    assert info_call.qs["format"] == ["json"]
