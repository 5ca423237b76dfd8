"""Incremental authorization: sign in with a few scopes, ask for more only when a page needs them.

``/profile`` needs a signed-in user (``@oauth.dev.required``); ``/files`` also needs
``files.read`` (``@oauth.dev.required(scopes=["files.read"])``).  A user who signed in
at /profile and then opens /files goes back to the provider once, which asks only
for the new scope and adds it to the earlier grant (``include_granted_scopes=true``).
The ready routes (``OAuth(app, routes=True)``) do the login, callback and logout;
tokens stay on the server.  Runs against the development provider (see README.md).
"""

from __future__ import annotations

import os
from typing import Any

from cachelib import SimpleCache
from flask import Flask, url_for

from examples.pages import api_page, page
from flask_oauth_registry import OAuth
from flask_oauth_registry.storage import CacheStorage, TokenStorage

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev-only-secret-key-change-me",
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    # The registry reads {NAME}_CLIENT_ID and {NAME}_CLIENT_SECRET for the remote app "dev".
    "DEV_CLIENT_ID": "demo-client",
    "DEV_CLIENT_SECRET": "demo-secret",
}
#: The scope of the dev provider's ``/api/files``, asked for only when /files is opened.
FILES_SCOPE = "files.read"
TITLE = "Incremental authorization example"
#: ID-token claims about the token itself, left off the profile page.
PROTOCOL_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid"})


def create_app(storage: TokenStorage | None = None, **overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``.

    ``storage`` keeps the users' tokens; by default a cache in this process.
    """
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="incremental_session")
    provider = app.config["DEVPROVIDER_URL"].rstrip("/")

    # Tokens on the server, not in the cookie: the session only carries a random id per browser.
    if storage is None:
        storage = CacheStorage(SimpleCache(threshold=10_000))
    oauth = OAuth(app, routes=True, storage=storage)
    oauth.register(
        "dev",
        server_metadata_url=f"{provider}/.well-known/openid-configuration",
        api_base_url=f"{provider}/",
        client_kwargs={"scope": "openid profile email"},
        # Every login asks the provider to add the new grant to the user's earlier ones
        # (as Google's preset does); `required` asks for the earlier scopes too.
        authorize_params={"include_granted_scopes": "true"},
    )
    add_pages(app, oauth)
    return app


def add_pages(app: Flask, oauth: OAuth) -> None:
    """The app's own pages; login, callback and logout are the ready routes under ``/oauth``."""

    @app.get("/")
    def home() -> str:
        signed_in = oauth.dev.credentials is not None
        return page(TITLE, HOME, signed_in=signed_in, email=oauth.dev.email if signed_in else None,
                    scopes=sorted(oauth.dev.granted_scopes), logout=logout_url())

    @app.get("/profile")
    @oauth.dev.required
    def profile() -> str:
        userinfo = oauth.dev.credentials["userinfo"]  # the validated ID token's claims, kept with the token
        claims = sorted((key, value) for key, value in userinfo.items() if key not in PROTOCOL_CLAIMS)
        return page(TITLE, PROFILE, email=oauth.dev.email, claims=claims, logout=logout_url())

    @app.get("/files")
    @oauth.dev.required(scopes=[FILES_SCOPE])
    def files() -> str | tuple[str, int]:
        # The user's token from the storage; an expired one is refreshed and written back first.
        response = oauth.dev.get("api/files")
        if response.status_code != 200:
            return api_page(TITLE, response), 502
        return page(TITLE, FILES, files=response.json()["files"], scopes=sorted(oauth.dev.granted_scopes),
                    logout=logout_url())


def logout_url() -> str:
    """The ready logout route: forgets the token, ends the provider session, comes back home."""
    return url_for("oauth.logout", name="dev", next=url_for("home"))


HOME = """<h1>Incremental authorization</h1>
{% if signed_in %}<p>Signed in as <b id="email">{{ email }}</b>.</p>
<p>Granted scopes: <code id="scopes">{{ scopes|join(" ") }}</code></p>
{% else %}<p>You are not signed in.</p>{% endif %}
<p><a href="/profile">Profile</a> (signs you in) &middot; <a href="/files">Files</a> (asks for
<code>files.read</code>){% if signed_in %} &middot; <a href="{{ logout }}">Log out</a>{% endif %}</p>"""

PROFILE = """<h1>Signed in as {{ email }}</h1>
<p>Claims from the ID token:</p>
<table>{% for key, value in claims %}<tr><td><b>{{ key }}</b></td><td>{{ value }}</td></tr>{% endfor %}</table>
<p><a href="/">Home</a> &middot; <a href="/files">Files</a> &middot; <a href="{{ logout }}">Log out</a></p>"""

FILES = """<h1>Your files</h1>
<ul id="files">{% for file in files %}<li>{{ file.name }} ({{ file.size }} bytes)</li>{% endfor %}</ul>
<p>Granted scopes: <code id="scopes">{{ scopes|join(" ") }}</code></p>
<p><a href="/">Home</a> &middot; <a href="/profile">Profile</a> &middot; <a href="{{ logout }}">Log out</a></p>"""
