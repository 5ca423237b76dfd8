"""The vk preset: ``users.get`` with the API version and the token in the query, and the e-mail from the token."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import OAuth, ProviderError
from flask_oauth_registry.providers.vk import API_VERSION, profile_to_claims
from tests.providers.recordings.vk import USERS_GET

USER = USERS_GET["response"][0]
USERS_GET_URL = "https://api.vk.com/method/users.get"
TOKEN = {"access_token": "vk1.a.t", "expires_in": 86400, "user_id": 210700286, "email": "lindsey@example.com"}


def test_a_users_get_user_maps_to_claims() -> None:
    claims = profile_to_claims({**USER, "email": "lindsey@example.com"})
    assert claims["sub"] == 210700286 and claims["name"] == "Lindsey Sample"
    assert claims["profile"] == "https://vk.com/lindsey_sample" and claims["email"] == "lindsey@example.com"


def test_a_user_without_handle_photo_or_email_keeps_the_rest() -> None:
    claims = profile_to_claims({"id": 1, "first_name": "Ann", "last_name": ""})
    assert claims["name"] == "Ann" and claims["family_name"] is None
    assert claims["profile"] is None and claims["picture"] is None and claims["email"] is None


def test_api_calls_carry_the_version_and_the_token_in_the_query(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(USERS_GET_URL, json=USERS_GET)
    client = OAuth(app).register("vk", client_id="c", client_secret="s")
    with app.app_context():
        info = client.userinfo(token=TOKEN)
    sent = requests_mock.last_request
    assert sent.qs["v"] == [API_VERSION] and sent.qs["access_token"] == ["vk1.a.t"]
    assert "Authorization" not in sent.headers
    assert info["email"] == "lindsey@example.com" and info["sub"] == "210700286"


def test_a_call_may_name_its_own_api_version_in_its_url(app: Flask, requests_mock: Any) -> None:
    # The protected_request hook sees the URL, not params=: a version of its own goes in the URL.
    requests_mock.get("https://api.vk.com/method/friends.get", json={"response": {"count": 0, "items": []}})
    client = OAuth(app).register("vk", client_id="c", client_secret="s")
    with app.app_context():
        client.get("friends.get?v=5.131", token=TOKEN)
    assert requests_mock.last_request.qs["v"] == ["5.131"]


def test_without_the_email_scope_userinfo_has_no_email(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(USERS_GET_URL, json=USERS_GET)
    client = OAuth(app).register("vk", client_id="c", client_secret="s")
    with app.app_context():
        info = client.userinfo(token={"access_token": "t", "user_id": 1})
    assert "email" not in info


def test_an_error_in_a_200_answer_is_a_provider_error(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(USERS_GET_URL, json={"error": {"error_code": 5, "error_msg": "User authorization failed"}})
    client = OAuth(app).register("vk", client_id="c", client_secret="s")
    with app.app_context(), pytest.raises(ProviderError, match="error 5"):
        client.userinfo(token=TOKEN)


def test_the_token_answer_without_token_type_is_a_bearer_token(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://oauth.vk.com/access_token", json=TOKEN)
    client = OAuth(app).register("vk", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
    assert token["token_type"] == "Bearer" and token["email"] == "lindsey@example.com"
    assert "client_secret=s" in requests_mock.last_request.text
