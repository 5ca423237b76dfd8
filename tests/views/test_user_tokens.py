"""Whose token it is, and the storage as the registry's default ``fetch_token`` / ``update_token``."""

from __future__ import annotations

from typing import Any

from flask import session

from flask_oauth_registry.views.user_tokens import SESSION_USER_KEY, SESSION_USER_PREFIX
from tests.views.support import Browser, CountingStorage, GrantingProvider, make_app, register_prov

TOKEN = {"access_token": "stored-access", "token_type": "Bearer"}


def test_the_storage_is_the_default_fetch_token_keyed_by_user_id(
    provider: GrantingProvider, storage: CountingStorage, requests_mock: Any
) -> None:
    api = requests_mock.get("https://api.example.test/me", json={})
    current = {"user": "42"}
    app, oauth = make_app(storage=storage, user_id=lambda: current["user"])
    register_prov(oauth)
    storage.set("prov", "42", TOKEN)
    with app.test_request_context():
        oauth.prov.get("https://api.example.test/me")
    current["user"] = "43"
    with app.test_request_context():
        assert oauth.prov.credentials is None
    assert api.last_request.headers["Authorization"] == "Bearer stored-access"


def test_explicit_token_callbacks_win_over_the_storage(provider: GrantingProvider, storage: CountingStorage) -> None:
    fetched: list[str] = []

    def fetch_token(name: str) -> dict[str, Any]:
        fetched.append(name)
        return {"access_token": "from-callback", "token_type": "Bearer"}

    app, oauth = make_app(storage=storage, user_id=lambda: "42", fetch_token=fetch_token)
    register_prov(oauth)
    storage.set("prov", "42", TOKEN)
    with app.test_request_context():
        assert oauth.prov.credentials["access_token"] == "from-callback"
    assert fetched == ["prov"]
    assert oauth.fetch_token is fetch_token and oauth.update_token is None  # Authlib's attributes are unchanged


def test_without_user_id_each_browser_session_gets_its_own_random_id(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage, routes=True)
    register_prov(oauth)
    first, second = Browser(app.test_client(), provider), Browser(app.test_client(), provider)
    first.log_in()
    second.log_in()
    users = storage.users()
    assert len(set(users)) == 2 and all(user.startswith(SESSION_USER_PREFIX) for user in users)
    assert all(len(user) - len(SESSION_USER_PREFIX) >= 32 for user in users)
    with first.web.session_transaction() as cookie_session:
        assert SESSION_USER_PREFIX + cookie_session[SESSION_USER_KEY] in users


def test_reading_tokens_never_writes_the_session_cookie(provider: GrantingProvider, storage: CountingStorage) -> None:
    app, oauth = make_app(storage=storage)
    register_prov(oauth)

    @app.route("/maybe")
    def maybe() -> str:
        return str(oauth.prov.has_credentials())

    response = app.test_client().get("/maybe")
    assert response.get_data(as_text=True) == "False"
    assert "Set-Cookie" not in response.headers


def test_a_user_id_of_none_falls_back_to_the_browser_session(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: None, routes=True)
    register_prov(oauth)
    Browser(app.test_client(), provider).log_in()
    [user] = storage.users()
    assert user.startswith(SESSION_USER_PREFIX)


def test_without_a_storage_the_ready_routes_keep_the_token_in_the_session(provider: GrantingProvider) -> None:
    app, oauth = make_app(routes=True)
    register_prov(oauth)
    browser = Browser(app.test_client(), provider)
    browser.log_in()
    with browser.web:
        browser.web.get("/")
        assert oauth.prov.credentials["access_token"] == provider.access_tokens[-1]
        access_token = provider.access_tokens[-1]
        assert any(isinstance(v, dict) and v.get("access_token") == access_token for v in session.values())
