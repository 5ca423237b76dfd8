"""``oauth_before_login``, ``oauth_authorized``, ``oauth_error``: sent by the ready routes, the real app as sender."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, redirect

import flask_oauth_registry
import flask_oauth_registry.signals
from flask_oauth_registry import BadResponseError, OAuth, TransportError
from flask_oauth_registry.signals import oauth_authorized, oauth_before_login, oauth_error
from tests.fakes.oidc import AUTHORIZATION_ENDPOINT, DISCOVERY_URL
from tests.views.support import Browser, CountingStorage


def test_the_signals_are_exported_from_the_package_and_its_signals_module() -> None:
    for name in ("oauth_before_login", "oauth_authorized", "oauth_error", "token_update"):
        assert getattr(flask_oauth_registry, name) is getattr(flask_oauth_registry.signals, name)
        assert name in flask_oauth_registry.__all__


def test_before_login_is_sent_with_the_real_app_the_name_and_the_url(
    app: Flask, oauth: OAuth, browser: Browser
) -> None:
    received: list[tuple[Any, dict[str, Any]]] = []

    @app.route("/needs-login")
    @oauth.prov.required
    def needs_login() -> str:
        return "ok"

    with oauth_before_login.connected_to(lambda sender, **kw: received.append((sender, kw))):
        from_route = browser.web.get("/oauth/login/prov")
        from_required = browser.web.get("/needs-login")
    assert [sender for sender, _ in received] == [app, app]
    assert [kw["name"] for _, kw in received] == ["prov", "prov"]
    assert [kw["url"] for _, kw in received] == [from_route.headers["Location"], from_required.headers["Location"]]
    assert received[0][1]["url"].startswith(AUTHORIZATION_ENDPOINT)


def test_authorized_receives_the_token_before_it_is_stored(
    app: Flask, browser: Browser, storage: CountingStorage
) -> None:
    received: list[tuple[Any, str, dict[str, Any]]] = []

    def receiver(sender: Any, name: str, token: dict[str, Any]) -> None:
        received.append((sender, name, dict(token)))
        assert storage.writes == []

    with oauth_authorized.connected_to(receiver):
        browser.log_in()
    [(sender, name, token)] = received
    assert (sender, name) == (app, "prov")
    assert storage.writes[0][2]["access_token"] == token["access_token"]


def test_a_receiver_returning_false_keeps_the_token_from_being_stored(
    browser: Browser, storage: CountingStorage
) -> None:
    with oauth_authorized.connected_to(lambda sender, **kw: False):
        response = browser.log_in(next_path="/next")
    assert storage.writes == []
    assert response.headers["Location"] == "/next"


def test_a_receiver_returning_a_response_has_it_sent(browser: Browser, storage: CountingStorage) -> None:
    with oauth_authorized.connected_to(lambda sender, **kw: redirect("/welcome")):
        response = browser.log_in(next_path="/next")
    assert response.headers["Location"] == "/welcome"
    assert len(storage.writes) == 1


def test_error_is_sent_for_a_refused_login_with_the_real_app(app: Flask, browser: Browser) -> None:
    received: list[tuple[Any, str, Any]] = []
    state = browser.provider.authorize(browser.web.get("/oauth/login/prov").headers["Location"])["state"]
    with oauth_error.connected_to(lambda sender, name, error: received.append((sender, name, error))):
        # The ready routes answer with the error page even in testing mode.
        denied = browser.web.get("/oauth/callback/prov", query_string={"error": "access_denied", "state": state})
        forged = browser.web.get("/oauth/callback/prov", query_string={"code": "c", "state": "forged"})
    assert (denied.status_code, forged.status_code) == (400, 400)
    assert b"access_denied" in denied.data and b"mismatching_state" in forged.data
    assert [(sender, name, error.error) for sender, name, error in received] == [
        (app, "prov", "access_denied"), (app, "prov", "mismatching_state"),
    ]


def test_error_is_sent_when_required_cannot_start_the_login(
    app: Flask, oauth: OAuth, browser: Browser, requests_mock: Any
) -> None:
    requests_mock.get(DISCOVERY_URL, status_code=503, text="down")
    received: list[tuple[Any, str, Any]] = []

    @app.route("/needs-login")
    @oauth.prov.required
    def needs_login() -> str:
        return "ok"

    receiver = oauth_error.connected_to(lambda sender, name, error: received.append((sender, name, error)))
    with receiver, pytest.raises(TransportError):
        browser.web.get("/needs-login")
    assert [(sender, name, type(error)) for sender, name, error in received] == [(app, "prov", BadResponseError)]
