"""Compliance fixes (compliance.py, compliance_hooks.py): requests-oauthlib's fixes and hook types, run on the
token, refresh, client-credentials and API paths."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests_mock
from flask import Flask, jsonify, url_for
from requests_oauthlib.compliance_fixes import (
    ebay_compliance_fix,
    facebook_compliance_fix,
    fitbit_compliance_fix,
    mailchimp_compliance_fix,
    slack_compliance_fix,
    weibo_compliance_fix,
)

from flask_oauth_registry import BadResponseError, ConfigurationError, OAuth, OAuthError, UnsupportedTokenTypeError
from flask_oauth_registry.registry.http import ProviderSession
from tests.fakes.base import form_of, query_of
from tests.fakes.manual import API, TOKEN_URL, expired_token, register_app


def add_login_routes(app: Flask, oauth: OAuth, name: str = "prov") -> None:
    @app.route("/login")
    def login() -> Any:
        return oauth.create_client(name).authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        try:
            return jsonify(oauth.create_client(name).authorize_access_token())
        except OAuthError as exc:
            return jsonify(error=exc.error, type=type(exc).__name__), 400


def log_in(app: Flask) -> Any:
    web = app.test_client()
    location = web.get("/login").headers["Location"]
    return web.get("/callback", query_string={"code": "the-code", "state": query_of(location)["state"]})


def test_facebook_compliance_fix_reads_its_form_encoded_token_with_expires(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, text="access_token=fb-token&expires=5183999",
                       headers={"Content-Type": "text/plain; charset=UTF-8"})
    register_app(oauth, compliance_fix=facebook_compliance_fix)
    add_login_routes(app, oauth)
    token = log_in(app).get_json()
    assert (token["access_token"], token["token_type"], token["expires_in"]) == ("fb-token", "Bearer", "5183999")
    assert abs(token["expires_at"] - (time.time() + 5183999)) < 60


def test_slack_compliance_fix_puts_the_calls_token_in_the_request_body(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(API + "chat.postMessage", json={"ok": True})
    client = register_app(oauth, compliance_fix=slack_compliance_fix)
    with app.test_request_context():
        client.post("chat.postMessage", data={"channel": "C1"}, token={"access_token": "xoxp-1"})
        assert form_of(requests_mock.last_request) == {"channel": "C1", "token": "xoxp-1"}
        client.post("chat.postMessage", token={"access_token": "xoxp-2"})
        assert form_of(requests_mock.last_request) == {"token": "xoxp-2"}
    assert isinstance(client.session, ProviderSession)
    assert client.session.access_token is None  # only while the call's hooks run


def test_ebay_compliance_fix_runs_on_the_refresh_answer(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": "new-at", "token_type": "User Access Token",
                                        "expires_in": 7200})
    requests_mock.get(API + "me", json={"ok": True})
    plain, fixed = register_app(oauth, "plain"), register_app(oauth, "fixed", compliance_fix=ebay_compliance_fix)
    with app.test_request_context():
        with pytest.raises(UnsupportedTokenTypeError):
            plain.get("me", token=expired_token())
        fixed.get("me", token=expired_token())
    assert requests_mock.last_request.headers["Authorization"] == "Bearer new-at"


def test_mailchimp_compliance_fix_runs_on_the_client_credentials_answer(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": "mc", "token_type": "Bearer", "expires_in": 0, "scope": None})
    client = oauth.register("mc", client_id="cid", client_secret="cs", access_token_url=TOKEN_URL,
                            compliance_fix=mailchimp_compliance_fix)
    with app.app_context():
        token = client.fetch_access_token()
    assert token["expires_in"] == 3600 and "scope" not in token
    assert form_of(requests_mock.last_request)["grant_type"] == "client_credentials"


def test_request_hooks_change_token_and_refresh_requests_with_requests_oauthlibs_arguments(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    seen: dict[str, Any] = {}

    def access_token_request(url: str, headers: dict[str, str], request_kwargs: dict[str, Any]) -> Any:
        seen["access"] = dict(request_kwargs["data"])
        request_kwargs["data"]["extra"] = "a"
        return url, {**headers, "X-Fix": "access"}, request_kwargs

    def refresh_token_request(url: str, headers: dict[str, str], body: str) -> Any:
        seen["refresh"] = body
        return url + "?refresh=1", {**headers, "X-Fix": "refresh"}, body + "&extra=r"

    def fix(session: Any) -> Any:
        session.register_compliance_hook("access_token_request", access_token_request)
        session.register_compliance_hook("refresh_token_request", refresh_token_request)
        return session

    requests_mock.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer", "expires_in": 60})
    requests_mock.get(API + "me", json={})
    register_app(oauth, compliance_fix=fix)
    add_login_routes(app, oauth)
    assert log_in(app).get_json()["access_token"] == "at"
    exchange = requests_mock.request_history[-1]
    assert seen["access"]["code"] == "the-code" and form_of(exchange)["extra"] == "a"
    assert exchange.headers["X-Fix"] == "access"
    with app.test_request_context():
        oauth.prov.get("me", token=expired_token())
    refresh = requests_mock.request_history[-2]
    assert isinstance(seen["refresh"], str) and "grant_type=refresh_token" in seen["refresh"]
    assert (refresh.qs, refresh.headers["X-Fix"], form_of(refresh)["extra"]) == ({"refresh": ["1"]}, "refresh", "r")


def test_registering_an_unknown_hook_type_fails_naming_it(oauth: OAuth) -> None:
    def fix(session: Any) -> Any:
        session.register_compliance_hook("access_token_reply", lambda r: r)

    with pytest.raises(ConfigurationError, match="'access_token_reply'") as caught:
        register_app(oauth, compliance_fix=fix)
    assert isinstance(caught.value, ValueError)  # what requests-oauthlib raises


def test_fix_that_needs_requests_oauthlibs_internals_fails_naming_them(oauth: OAuth) -> None:
    with pytest.raises(ConfigurationError, match="weibo_compliance_fix uses the attribute '_client'"):
        register_app(oauth, compliance_fix=weibo_compliance_fix)


def test_response_hook_failing_on_the_answer_is_a_bad_response(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, status_code=502, text="<html>Bad gateway</html>",
                       headers={"Content-Type": "text/html"})
    register_app(oauth, compliance_fix=fitbit_compliance_fix)
    add_login_routes(app, oauth)
    assert log_in(app).get_json()["type"] == BadResponseError.__name__
