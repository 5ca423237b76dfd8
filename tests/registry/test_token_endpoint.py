"""``TokenEndpoint``: token and refresh requests go where the settings say, built from copies: nothing the caller
or the settings hold is changed."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests_mock as rm
from flask import Flask

from flask_oauth_registry import OAuth, OAuth2App
from tests.fakes.manual import API, TOKEN_URL, expired_token, fresh_response


@pytest.fixture
def client(oauth: OAuth, requests_mock: Any) -> OAuth2App:
    requests_mock.post(TOKEN_URL, json={"access_token": "at", "refresh_token": "rt", "token_type": "Bearer"})
    return oauth.register(
        "prov", client_id="cid", client_secret="csecret", access_token_url=TOKEN_URL,
        access_token_params={"audience": "api"}, refresh_token_params={"scope": "read"},
        client_kwargs={"token_endpoint_auth_method": "client_secret_post"},
    )


def test_fetch_access_token_changes_nothing_the_caller_passed(
    app: Flask, client: OAuth2App, requests_mock: Any
) -> None:
    headers = {"X-Trace": "t-1"}
    extra = {"code": "c-1", "headers": headers, "timeout": 5, "resource": "https://api.test"}
    before = copy.deepcopy(extra)
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://rp.test/cb", **extra)
    assert extra == before and headers == {"X-Trace": "t-1"}
    assert (token["access_token"], token["refresh_token"], token["token_type"]) == ("at", "rt", "Bearer")
    assert client.access_token_params == {"audience": "api"}
    sent = parse_qs(requests_mock.last_request.text)
    assert sent["client_secret"] == ["csecret"] and sent["audience"] == ["api"] and sent["code"] == ["c-1"]
    assert "headers" not in sent and "timeout" not in sent
    assert requests_mock.last_request.headers["X-Trace"] == "t-1"


def test_token_endpoint_leaves_the_given_form_and_the_settings_unchanged(
    app: Flask, client: OAuth2App, requests_mock: Any
) -> None:
    form = {"grant_type": "password", "username": "ada", "headers": {"X-Trace": "t-2"}}
    before = copy.deepcopy(form)
    with app.app_context():
        client._tokens.fetch_token(form)
        client._tokens.refresh("rt-1")
    assert form == before
    assert (client.access_token_params, client.config.refresh_token_params) == ({"audience": "api"}, {"scope": "read"})
    refresh = parse_qs(requests_mock.last_request.text)
    assert refresh["grant_type"] == ["refresh_token"] and refresh["scope"] == ["read"]
    assert "client_secret" in refresh and "audience" not in refresh


def test_refresh_token_url_and_params_are_honoured(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
        refresh_token_url="https://prov.test/refresh", refresh_token_params={"audience": "api"},
        authorize_url="https://prov.test/a",
    )
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post("https://prov.test/refresh", json=fresh_response())
        m.get(API + "u", text="ok")
        client.get("u", token=expired_token())
        refresh = m.request_history[0]
        assert refresh.url == "https://prov.test/refresh"
        assert parse_qs(refresh.text)["audience"] == ["api"]
