"""Twitter-style OAuth 1.0a: temporary credentials, consent, token credentials, then signed API calls.

With ``TWITTER_CLIENT_ID`` and ``TWITTER_CLIENT_SECRET`` (the API key and
secret) set it talks to Twitter (X) through the ``twitter`` preset; without them
the development provider's ``/oauth1/`` endpoints stand in for it (see README.md).
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
    "TWITTER_CLIENT_ID": None,
    "TWITTER_CLIENT_SECRET": None,
}


def fetch_token(name: str) -> dict[str, Any] | None:
    return session.get("token")


# OAuth 1.0a token credentials do not expire, so there is no update_token.  They sit in
# the signed session cookie here; for server-side storage see examples/quickstart.
oauth = OAuth(fetch_token=fetch_token)
oauth.register("twitter")  # the preset: OAuth 1.0a endpoints and API base; app.config may override them
bp = Blueprint("oauth1_example", __name__)
TITLE = "OAuth 1.0a example"
install_error_page(bp, TITLE)


def create_app(**overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="oauth1_example_session")
    if app.config["TWITTER_CLIENT_ID"]:
        if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
            raise RuntimeError("set SECRET_KEY when TWITTER_CLIENT_ID is set")
        app.config["PROFILE_PATH"] = "account/verify_credentials.json"
    else:
        dev = app.config["DEVPROVIDER_URL"].rstrip("/")
        # The dev provider stands in for Twitter: its /oauth1/ endpoints override the preset's.
        app.config.update(
            TWITTER_CLIENT_ID="demo-oauth1-key",
            TWITTER_CLIENT_SECRET="demo-oauth1-secret",
            TWITTER_REQUEST_TOKEN_URL=f"{dev}/oauth1/request_token",
            TWITTER_AUTHORIZE_URL=f"{dev}/oauth1/authorize",
            TWITTER_ACCESS_TOKEN_URL=f"{dev}/oauth1/access_token",
            TWITTER_API_BASE_URL=f"{dev}/oauth1/",
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
    # Fetches temporary credentials (signed), keeps them as flow state, redirects to consent.
    return oauth.twitter.authorize_redirect(url_for(".auth", _external=True))


@bp.get("/auth")
def auth() -> Response:
    token = oauth.twitter.authorize_access_token()  # oauth_token, oauth_token_secret (+ user_id, screen_name)
    session["token"] = token
    return redirect(url_for(".home"))


@bp.get("/api")
def api() -> Response | str:
    if not session.get("token"):
        return redirect(url_for(".login"))
    response = oauth.twitter.get(current_app.config["PROFILE_PATH"])  # signed with the token credentials
    return api_page(TITLE, response)


@bp.get("/logout")
def logout() -> Response:
    session.pop("token", None)
    return redirect(url_for(".home"))


HOME = """{% if token %}<h1>Signed in{% if token.screen_name %} as @{{ token.screen_name }}{% endif %}</h1>
<p><a href="/api">Call the API</a> &middot; <a href="/logout">Log out</a></p>
{% else %}<h1>OAuth 1.0a example</h1><p><a href="/login">Log in</a></p>{% endif %}"""
