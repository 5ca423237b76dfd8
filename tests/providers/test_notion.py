"""The notion preset: ``owner=user``, the Notion-Version header, and the bot's owner as the user."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, OAuth
from flask_oauth_registry.providers.notion import NOTION_VERSION, profile_to_claims
from tests.providers.recordings.notion import BOT, OWNER

ME_URL = "https://api.notion.com/v1/users/me"


def test_the_bots_owner_is_the_user() -> None:
    assert profile_to_claims(BOT) == {"sub": OWNER["id"], "name": "Avery Sample", "email": "avery@example.com",
                                      "picture": OWNER["avatar_url"]}


def test_a_person_without_email_capability_has_no_email() -> None:
    claims = profile_to_claims({**OWNER, "person": {}})
    assert claims["sub"] == OWNER["id"] and claims["email"] is None


def test_a_workspace_owned_bot_names_no_user() -> None:
    bot = {**BOT, "bot": {"owner": {"type": "workspace", "workspace": True}}}
    assert profile_to_claims(bot)["sub"] is None


def test_userinfo_for_a_workspace_owned_bot_is_a_bad_response(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(ME_URL, json={**BOT, "bot": {"owner": {"type": "workspace", "workspace": True}}})
    client = OAuth(app).register("notion", client_id="c", client_secret="s")
    with app.app_context(), pytest.raises(BadResponseError, match="no id"):
        client.userinfo(token={"access_token": "secret_t", "token_type": "bearer"})


def test_the_authorization_asks_for_a_user_owned_integration(app: Flask) -> None:
    client = OAuth(app).register("notion", client_id="c", client_secret="s")
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/cb")["url"]
    assert dict(parse_qsl(urlsplit(url).query))["owner"] == "user"


def test_api_calls_name_the_version_unless_they_give_their_own(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(ME_URL, json=BOT)
    client = OAuth(app).register("notion", client_id="c", client_secret="s")
    token = {"access_token": "secret_t", "token_type": "bearer"}
    with app.app_context():
        client.userinfo(token=token)
        assert requests_mock.last_request.headers["Notion-Version"] == NOTION_VERSION
        client.get("users/me", token=token, headers={"notion-version": "2025-09-03"})
        assert requests_mock.last_request.headers["Notion-Version"] == "2025-09-03"


def test_the_token_request_uses_basic_auth_and_keeps_the_workspace(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.notion.com/v1/oauth/token", json={
        "access_token": "secret_t", "token_type": "bearer", "bot_id": "b", "workspace_id": "w",
        "workspace_name": "Sample", "owner": {"type": "user", "user": OWNER}})
    client = OAuth(app).register("notion", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
    assert requests_mock.last_request.headers["Authorization"] == "Basic " + base64.b64encode(b"c:s").decode()
    assert token["workspace_id"] == "w" and token["owner"]["user"]["id"] == OWNER["id"]
    assert "Notion-Version" not in requests_mock.last_request.headers
