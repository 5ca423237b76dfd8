"""A small client app, a browser that carries one session cookie between workers, and the user at the provider.

The client app is what a real deployment runs on every worker: the same
``SECRET_KEY``, the same ``register()`` call, optionally the same cache.  An
``OAuthError`` is rendered as a 400 with a JSON body, the way an application
should answer a failed login (a 500 would be a bug in the library or the app).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, jsonify
from werkzeug.test import TestResponse

from flask_oauth_registry import OAuth, OAuthError
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

SECRET_KEY = "scaleout-shared-secret-key"
REDIRECT_URI = "http://127.0.0.1:9/callback"  # a loopback URI the provider accepts; never contacted


def make_client_app(
    cache: Any = None,
    *,
    secret_key: str = SECRET_KEY,
    update_token: Callable[..., Any] | None = None,
    name: str = "worker",
    **register_kwargs: Any,
) -> tuple[Flask, OAuth]:
    """One "worker": a Flask app with a registry and a ``dev`` remote app.

    Routes: ``/login`` (302 to the provider), ``/callback`` (GET or form POST;
    JSON with the user's ``sub`` and the token), ``/api/me`` (an API call with
    the token given as JSON body ``{"token": ...}``).
    """
    app = Flask(name)
    app.config.update(SECRET_KEY=secret_key)
    oauth = OAuth(app, cache=cache, update_token=update_token)
    settings: dict[str, Any] = {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "client_kwargs": {"scope": "openid profile email", "timeout": (2, 2)},
    }
    settings.update(register_kwargs)
    oauth.register("dev", **settings)

    @app.get("/login")
    def login() -> Any:
        return oauth.dev.authorize_redirect(REDIRECT_URI)

    @app.route("/callback", methods=["GET", "POST"])
    def callback() -> Any:
        token = oauth.dev.authorize_access_token()
        userinfo = token.get("userinfo") or {}
        return jsonify(sub=userinfo.get("sub"), token={k: v for k, v in token.items() if k != "userinfo"})

    @app.errorhandler(OAuthError)
    def oauth_failed(err: OAuthError) -> Any:
        return jsonify(error=err.error, description=err.description, type=type(err).__name__), 400

    return app, oauth


class Browser:
    """A user agent with one ``session`` cookie, visiting any of several Flask apps (the workers)."""

    def __init__(self) -> None:
        self.cookie: str | None = None
        self.set_cookie_sizes: list[int] = []

    def _headers(self) -> dict[str, str]:
        return {"Cookie": f"session={self.cookie}"} if self.cookie else {}

    def _remember(self, response: TestResponse) -> TestResponse:
        for header in response.headers.getlist("Set-Cookie"):
            if header.startswith("session="):
                self.set_cookie_sizes.append(len(header.encode()))
                value = header.split(";", 1)[0][len("session="):]
                self.cookie = value or None
        return response

    def get(self, app: Flask, path: str) -> TestResponse:
        """GET ``path`` on ``app`` with this browser's cookie."""
        return self._remember(app.test_client(use_cookies=False).get(path, headers=self._headers()))

    def post(self, app: Flask, path: str, data: Mapping[str, str]) -> TestResponse:
        """POST a form to ``path`` on ``app`` with this browser's cookie."""
        client = app.test_client(use_cookies=False)
        return self._remember(client.post(path, data=dict(data), headers=self._headers()))


def approve_at_provider(authorize_url: str, username: str = "alice", timeout: float = 10) -> str:
    """Play the user at the dev provider: sign in, allow; return the callback's path and query."""
    response = requests.post(
        authorize_url, data={"username": username, "decision": "allow"}, allow_redirects=False, timeout=timeout
    )
    assert response.status_code == 302, response.text[:500]
    location = urlsplit(response.headers["Location"])
    assert "code=" in location.query, location.query
    return f"{location.path}?{location.query}"


def login_across(start: Flask, finish: Flask, browser: Browser | None = None) -> tuple[TestResponse, str]:
    """Start a login on ``start``, approve it, finish it on ``finish``; return the callback response and path."""
    browser = browser or Browser()
    redirect = browser.get(start, "/login")
    assert redirect.status_code == 302, redirect.get_data(as_text=True)
    callback = approve_at_provider(redirect.headers["Location"])
    return browser.get(finish, callback), callback
