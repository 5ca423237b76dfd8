"""examples/sqlite_tokens: the token row is written at login and rewritten by a refresh."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from examples.sqlite_tokens import create_app
from flask_oauth_registry.devprovider import RunningProvider


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "tokens.sqlite3"


@pytest.fixture
def sqlite_app(provider: RunningProvider, database: Path) -> Flask:
    return create_app(DEVPROVIDER_URL=provider.url, TOKEN_DB=str(database), TESTING=True)


def read_row(database: Path, user_sub: str = "alice") -> dict | None:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM oauth_tokens WHERE user_sub = ? AND name = 'oidc'", (user_sub,)).fetchone()
    return dict(row) if row else None


def test_login_stores_the_token_row(sqlite_app, database, user):
    client = sqlite_app.test_client()
    assert user.login(client).status_code == 302
    row = read_row(database)
    token = json.loads(row["token"])
    assert row["refreshes"] == 0 and row["refresh_token"] == token["refresh_token"]
    assert "userinfo" not in token and token["id_token"]
    assert "Signed in as Alice Liddell" in client.get("/").get_data(as_text=True)
    api = client.get("/api")
    assert api.status_code == 200 and "&#34;sub&#34;: &#34;alice&#34;" in api.get_data(as_text=True)


def test_refresh_is_persisted(sqlite_app, database, user, provider):
    client = sqlite_app.test_client()
    user.login(client)
    before = read_row(database)
    refreshes = provider.stats()["refresh_requests"]

    assert client.get("/refresh").status_code == 302

    assert provider.stats()["refresh_requests"] == refreshes + 1
    after = read_row(database)
    assert after["refreshes"] == 1
    assert after["refresh_token"] != before["refresh_token"]
    new_token = json.loads(after["token"])
    assert new_token["access_token"] != json.loads(before["token"])["access_token"]
    assert new_token["refresh_token"] == after["refresh_token"]
    assert '<td id="refreshes">1</td>' in client.get("/").get_data(as_text=True)
    # A new app on the same database (a restart) uses the saved token without refreshing again.
    restarted = create_app(DEVPROVIDER_URL=provider.url, TOKEN_DB=str(database)).test_client()
    with restarted.session_transaction() as session:
        session["user_sub"] = "alice"
    assert restarted.get("/api").status_code == 200
    assert provider.stats()["refresh_requests"] == refreshes + 1


def test_logout_deletes_the_row(sqlite_app, database, user):
    client = sqlite_app.test_client()
    user.login(client)
    client.get("/logout")
    assert read_row(database) is None
    assert 'href="/login"' in client.get("/").get_data(as_text=True)


def test_denied_consent_shows_the_error_page(sqlite_app, database, user):
    page = user.login(sqlite_app.test_client(), decision="deny")
    assert page.status_code == 400 and "access_denied" in page.get_data(as_text=True)
    assert read_row(database) is None
