"""OAuth 1.0a apps through the ready routes and ``required``: logins work, scopes do not apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests_mock
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from tests.fakes.oauth1 import FakeOAuth1Provider
from tests.views.support import CountingStorage, make_app

KEY, SECRET = "clientkey", "client-secret-value"


@pytest.fixture
def provider() -> Iterator[FakeOAuth1Provider]:
    fake = FakeOAuth1Provider()
    fake.add_client(KEY, SECRET)
    with requests_mock.Mocker() as mocker:
        fake.install(mocker)
        yield fake


@pytest.fixture
def setup(provider: FakeOAuth1Provider) -> tuple[Flask, OAuth, Any, CountingStorage]:
    storage = CountingStorage()
    app, oauth = make_app(storage=storage, routes=True)
    client = oauth.register(
        "dev", client_id=KEY, client_secret=SECRET, request_token_url=provider.request_token_url,
        authorize_url=provider.authorize_url, access_token_url=provider.access_token_url,
        api_base_url=provider.api_base_url,
    )

    @app.route("/me")
    @client.required
    def me() -> Any:
        return {"api": client.get("me").json(), "has": client.has_credentials(), "scopes": list(client.granted_scopes)}

    return app, oauth, client, storage


def test_an_oauth1_login_through_required_comes_back_and_calls_the_api(
    setup: tuple[Flask, OAuth, Any, CountingStorage], provider: FakeOAuth1Provider
) -> None:
    app, _, _, storage = setup
    web = app.test_client()
    start = web.get("/me?x=1")
    assert start.status_code == 302
    back = web.get(provider.approve(start.headers["Location"]))
    assert back.headers["Location"] == "/me?x=1"
    [(name, _, token)] = storage.writes
    assert name == "dev" and token["oauth_token"]
    assert web.get("/me").get_json() == {"api": {"user": "alice", "method": "GET", "path": "/api/me"},
                                          "has": True, "scopes": []}


def test_scopes_on_an_oauth1_app_are_a_configuration_error(setup: tuple[Flask, OAuth, Any, CountingStorage]) -> None:
    app, _, client, _ = setup
    with pytest.raises(ConfigurationError, match="OAuth 1.0a"):
        client.required(scopes=["read"])
    with app.test_request_context(), pytest.raises(ConfigurationError, match="OAuth 1.0a"):
        client.has_credentials(scopes=["read"])


def test_oauth1_helpers_without_a_preset_have_no_claims(
    setup: tuple[Flask, OAuth, Any, CountingStorage], provider: FakeOAuth1Provider
) -> None:
    app, _, client, _ = setup
    web = app.test_client()
    web.get(provider.approve(web.get("/oauth/login/dev").headers["Location"]))
    with web:
        assert web.get("/me").status_code == 200
        assert client.credentials["oauth_token"]
        assert (client.email, client.user_id, client.granted_scopes) == (None, None, frozenset())


def test_oauth1_logout_forgets_the_token_and_goes_to_next(
    setup: tuple[Flask, OAuth, Any, CountingStorage], provider: FakeOAuth1Provider
) -> None:
    app, _, _, storage = setup
    web = app.test_client()
    web.get(provider.approve(web.get("/oauth/login/dev").headers["Location"]))
    response = web.get("/oauth/logout/dev", query_string={"next": "/bye"})
    assert (response.status_code, response.headers["Location"]) == (302, "/bye")
    assert storage.tokens == {} and len(storage.deletes) == 1
    assert web.get("/me").status_code == 302  # logged out: required sends the user to log in again
