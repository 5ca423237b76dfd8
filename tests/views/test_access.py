"""A remote app's per-user helpers: ``credentials``, ``has_credentials``, ``granted_scopes``, ``email``, ``user_id``."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth, OAuth2App
from flask_oauth_registry.registry.config import ClientConfig
from flask_oauth_registry.registry.context import ClientContext
from tests.fakes.oidc import USERINFO_ENDPOINT
from tests.views.support import APP_SCOPE, Browser, CountingStorage, GrantingProvider, make_app, register_prov


def test_without_a_token_the_helpers_say_so(app: Flask, oauth: OAuth) -> None:
    with app.test_request_context():
        client = oauth.prov
        assert client.credentials is None
        assert client.has_credentials() is False
        assert client.granted_scopes == frozenset()
        assert (client.email, client.user_id) == (None, None)


def test_after_login_the_helpers_read_the_token_and_its_claims(
    app: Flask, oauth: OAuth, browser: Browser, provider: GrantingProvider
) -> None:
    browser.log_in()
    with browser.web:
        browser.web.get("/")
        client = oauth.prov
        assert client.credentials["access_token"] == provider.access_tokens[-1]
        assert client.has_credentials() and client.has_credentials(["openid", "email"])
        assert not client.has_credentials(["https://www.googleapis.com/auth/drive"])
        assert client.granted_scopes == frozenset(APP_SCOPE.split())
        assert client.user_id == "user-248289761001"
    assert provider.requests_to(USERINFO_ENDPOINT) == []  # sub came from the ID token's claims


def test_email_missing_from_the_id_token_is_read_from_userinfo_once_per_request(
    oauth: OAuth, browser: Browser, provider: GrantingProvider
) -> None:
    browser.log_in()
    with browser.web:
        browser.web.get("/")
        assert oauth.prov.email == "ada@example.test"
        assert oauth.prov.email == "ada@example.test"
    assert len(provider.requests_to(USERINFO_ENDPOINT)) == 1


def test_an_expired_token_counts_only_when_it_can_be_refreshed(storage: CountingStorage) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: "u")
    register_prov(oauth)
    expired = {"access_token": "a", "token_type": "Bearer", "expires_at": int(time.time()) - 5}
    with app.test_request_context():
        storage.set("prov", "u", expired)
        assert oauth.prov.has_credentials() is False
    with app.test_request_context():
        storage.set("prov", "u", {**expired, "refresh_token": "r"})
        assert oauth.prov.has_credentials() is True


def test_an_app_built_outside_a_registry_says_what_it_needs(app: Flask) -> None:
    client = OAuth2App(ClientConfig(name="lone"), ClientContext(), app)
    with app.test_request_context(), pytest.raises(ConfigurationError, match="oauth.register"):
        client.has_credentials()


@pytest.mark.parametrize("helper", ["credentials", "granted_scopes", "email", "user_id"])
def test_helpers_outside_a_request_have_no_user(oauth: OAuth, helper: str) -> None:
    value: Any = getattr(oauth.prov, helper)
    assert not value
