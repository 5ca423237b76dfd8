"""GitHub-style OAuth 2.0 (no OpenID Connect): log in, then call the API with the user's token.

With ``GITHUB_CLIENT_ID`` and ``GITHUB_CLIENT_SECRET`` set it talks to GitHub
through the ``github`` preset; without them the development provider's plain
OAuth 2 endpoints stand in for GitHub (see README.md).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, session, url_for
from werkzeug.wrappers import Response

from examples.pages import api_page, install_error_page, page
from flask_oauth_registry import OAuth

DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    "GITHUB_CLIENT_ID": None,
    "GITHUB_CLIENT_SECRET": None,
}


def fetch_token(name: str) -> dict[str, Any] | None:
    return session.get("token")


def update_token(name: str, token: dict[str, Any], refresh_token: str | None = None,
                 access_token: str | None = None) -> None:
    session["token"] = token


# The token lives in the signed session cookie: short and simple, and it is the
# user's own token.  For server-side storage see examples/quickstart and sqlite_tokens.
oauth = OAuth(fetch_token=fetch_token, update_token=update_token)
oauth.register("github")  # the preset: endpoints, scopes, client_secret_post; app.config may override it
bp = Blueprint("github_api", __name__)
TITLE = "GitHub API example"
install_error_page(bp, TITLE)


def create_app(**overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="github_api_session")
    if app.config["GITHUB_CLIENT_ID"]:
        if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
            raise RuntimeError("set SECRET_KEY when GITHUB_CLIENT_ID is set")
        app.config["PROFILE_PATH"] = "user"  # https://api.github.com/user
    else:
        dev = app.config["DEVPROVIDER_URL"].rstrip("/")
        # The dev provider stands in for GitHub: its endpoints override the preset's.
        app.config.update(
            GITHUB_CLIENT_ID="demo-client",
            GITHUB_CLIENT_SECRET="demo-secret",
            GITHUB_AUTHORIZE_URL=f"{dev}/authorize",
            GITHUB_ACCESS_TOKEN_URL=f"{dev}/token",
            GITHUB_API_BASE_URL=f"{dev}/",
            GITHUB_CLIENT_KWARGS={"scope": "profile email"},  # no "openid": plain OAuth 2
            PROFILE_PATH="api/me",
        )
    oauth.init_app(app)
    app.register_blueprint(bp)
    return app


@bp.get("/")
def home() -> str:
    return page(TITLE, HOME, token=session.get("token"))


@bp.get("/login")
def login() -> Response:
    return oauth.github.authorize_redirect(url_for(".auth", _external=True))


@bp.get("/auth")
def auth() -> Response:
    session["token"] = oauth.github.authorize_access_token()
    return redirect(url_for(".home"))


@bp.get("/api")
def api() -> Response | str:
    if not session.get("token"):
        return redirect(url_for(".login"))
    path = current_app.config["PROFILE_PATH"]
    response = oauth.github.get(path)  # relative to the API base URL, with the user's token
    return api_page(TITLE, response)


@bp.get("/logout")
def logout() -> Response:
    session.pop("token", None)
    return redirect(url_for(".home"))


HOME = """{% if token %}<h1>Signed in</h1><p>Granted scope: <code>{{ token.scope }}</code></p>
<p><a href="/api">Call the API</a> &middot; <a href="/logout">Log out</a></p>
{% else %}<h1>GitHub API example</h1><p><a href="/login">Log in</a></p>{% endif %}"""
