"""Tokens in SQLite: ``fetch_token`` reads the signed-in user's row, ``update_token`` saves a refresh.

The /refresh page marks the stored token expired; the next API call makes the
library refresh it and call ``update_token``, which writes the new token back
and counts the refresh.  Runs against the development provider by default (see README.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, session, url_for
from werkzeug.wrappers import Response

from examples.pages import api_page, install_error_page, page
from flask_oauth_registry import OAuth

DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    "OIDC_ISSUER": None,  # set it to use a real provider instead of the dev provider
    "OIDC_CLIENT_ID": "demo-client",
    "OIDC_CLIENT_SECRET": "demo-secret",
    "OIDC_SCOPE": "openid profile email",
    "OIDC_API_URL": None,  # default: /api/me on the dev provider, else the userinfo endpoint
    "TOKEN_DB": os.path.join(tempfile.gettempdir(), "flask-oauth-registry-tokens.sqlite3"),
}
SCHEMA = """CREATE TABLE IF NOT EXISTS oauth_tokens (
    user_sub TEXT NOT NULL,
    name TEXT NOT NULL,              -- the remote app: "oidc"
    token TEXT NOT NULL,             -- the whole token as JSON
    refresh_token TEXT,              -- to find the row again when the library refreshes it
    refreshes INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_sub, name)
)"""


@contextmanager
def database() -> Iterator[sqlite3.Connection]:
    """A connection that commits on success; one per use keeps threads and processes apart."""
    with closing(sqlite3.connect(current_app.config["TOKEN_DB"])) as connection, connection:
        connection.row_factory = sqlite3.Row
        yield connection


def fetch_token(name: str) -> dict[str, Any] | None:
    """The signed-in user's token for ``name``, or None."""
    with database() as db:
        row = db.execute("SELECT token FROM oauth_tokens WHERE user_sub = ? AND name = ?",
                         (session.get("user_sub"), name)).fetchone()
    return json.loads(row["token"]) if row else None


def update_token(name: str, token: dict[str, Any], refresh_token: str | None = None,
                 access_token: str | None = None) -> None:
    """Save a refreshed token over the row that held the old refresh token (works outside requests too)."""
    with database() as db:
        db.execute(
            "UPDATE oauth_tokens SET token = ?, refresh_token = ?, refreshes = refreshes + 1, updated_at = ? "
            "WHERE name = ? AND refresh_token = ?",
            (json.dumps(token), token.get("refresh_token"), int(time.time()), name, refresh_token),
        )


def save_login(user_sub: str, name: str, token: dict[str, Any]) -> None:
    with database() as db:
        db.execute(
            "INSERT OR REPLACE INTO oauth_tokens (user_sub, name, token, refresh_token, refreshes, updated_at) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            (user_sub, name, json.dumps(token), token.get("refresh_token"), int(time.time())),
        )


def stored_row(user_sub: str | None, name: str = "oidc") -> sqlite3.Row | None:
    with database() as db:
        return db.execute("SELECT * FROM oauth_tokens WHERE user_sub = ? AND name = ?", (user_sub, name)).fetchone()


oauth = OAuth(fetch_token=fetch_token, update_token=update_token)
oauth.register("oidc")  # OIDC_SERVER_METADATA_URL, OIDC_CLIENT_ID, ... come from each app's config
bp = Blueprint("sqlite_tokens", __name__)
TITLE = "SQLite tokens example"
install_error_page(bp, TITLE)


def create_app(**overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``; create the table."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="sqlite_tokens_session")
    if app.config["OIDC_ISSUER"] and app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise RuntimeError("set SECRET_KEY when OIDC_ISSUER names a real provider")
    issuer = (app.config["OIDC_ISSUER"] or app.config["DEVPROVIDER_URL"]).rstrip("/")
    app.config.setdefault("OIDC_SERVER_METADATA_URL", f"{issuer}/.well-known/openid-configuration")
    app.config["OIDC_CLIENT_KWARGS"] = {"scope": app.config["OIDC_SCOPE"]}
    if not app.config["OIDC_API_URL"] and not app.config["OIDC_ISSUER"]:
        app.config["OIDC_API_URL"] = f"{issuer}/api/me"
    with app.app_context(), database() as db:
        db.execute(SCHEMA)
    oauth.init_app(app)
    app.register_blueprint(bp)
    return app


def api_url() -> str:
    return current_app.config["OIDC_API_URL"] or oauth.oidc.load_server_metadata()["userinfo_endpoint"]


@bp.get("/")
def home() -> str:
    row = stored_row(session.get("user_sub"))
    token = json.loads(row["token"]) if row else None
    return page(TITLE, HOME, row=row, name=session.get("name"), expires_at=(token or {}).get("expires_at"),
                updated=time.strftime("%H:%M:%S UTC", time.gmtime(row["updated_at"])) if row else None)


@bp.get("/login")
def login() -> Response:
    return oauth.oidc.authorize_redirect(url_for(".auth", _external=True))


@bp.get("/auth")
def auth() -> Response:
    token = oauth.oidc.authorize_access_token()
    claims = token.pop("userinfo")
    save_login(claims["sub"], "oidc", token)
    session["user_sub"], session["name"] = claims["sub"], claims.get("name") or claims["sub"]
    return redirect(url_for(".home"))


@bp.get("/api")
def api() -> Response | str:
    if not stored_row(session.get("user_sub")):
        return redirect(url_for(".login"))
    response = oauth.oidc.get(api_url())  # fetch_token reads the row; an expired token is refreshed first
    return api_page(TITLE, response)


@bp.get("/refresh")
def refresh() -> Response:
    """Mark the stored token expired, then call the API: the library refreshes, update_token saves."""
    row = stored_row(session.get("user_sub"))
    if not row:
        return redirect(url_for(".login"))
    token = {**json.loads(row["token"]), "expires_at": int(time.time()) - 1}
    with database() as db:
        db.execute("UPDATE oauth_tokens SET token = ? WHERE user_sub = ? AND name = 'oidc'",
                   (json.dumps(token), row["user_sub"]))
    oauth.oidc.get(api_url())
    return redirect(url_for(".home"))


@bp.get("/logout")
def logout() -> Response:
    with database() as db:
        db.execute("DELETE FROM oauth_tokens WHERE user_sub = ?", (session.get("user_sub"),))
    session.clear()
    return redirect(url_for(".home"))


HOME = """{% if row %}<h1>Signed in as {{ name }}</h1>
<p>The token row in SQLite:</p><table>
<tr><td><b>expires_at</b></td><td>{{ expires_at }}</td></tr>
<tr><td><b>refreshes</b></td><td id="refreshes">{{ row.refreshes }}</td></tr>
<tr><td><b>updated_at</b></td><td>{{ updated }}</td></tr></table>
<p><a href="/api">Call the API</a> &middot; <a href="/refresh">Expire and refresh</a> &middot;
<a href="/logout">Log out</a></p>
{% else %}<h1>SQLite tokens example</h1><p><a href="/login">Log in</a></p>{% endif %}"""
