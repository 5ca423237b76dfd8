"""A FAPI 2.0 client: ``client_kwargs={"profile": "fapi2"}`` against the dev provider with PAR and DPoP required.

The profile turns on pushed authorization requests, PKCE S256, DPoP,
``private_key_jwt`` (the key below) and the RFC 9207 ``iss`` check, and accepts
ES256, PS256 or EdDSA ID tokens only.  ``insecure_loopback`` lets it talk to the
dev provider over plain http on 127.0.0.1, which FAPI 2.0 otherwise forbids.
``/profile`` signs in (the ready routes do login, callback and logout) and shows
the userinfo claims; ``/api`` calls the provider's ``/api/me`` with the
DPoP-bound token: every request carries a fresh proof for its key.  Tokens, with
their DPoP key, stay on the server.  Runs against the dev provider (see README.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cachelib import SimpleCache
from flask import Flask, url_for

from examples.pages import api_page, page
from flask_oauth_registry import OAuth
from flask_oauth_registry.storage import CacheStorage, TokenStorage

from .registration import CLIENT_ID

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev-only-secret-key-change-me",
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    # The registry reads {NAME}_CLIENT_ID for the remote app "fapi".
    "FAPI_CLIENT_ID": CLIENT_ID,
    # The client's private JWK: JSON text or a file (python -m examples.fapi2.registration writes one).
    "FAPI_CLIENT_KEY": None,
}
TITLE = "FAPI 2.0 example"
#: ID-token claims about the token itself, left off the profile page.
PROTOCOL_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid"})


def create_app(client_key: dict[str, Any] | None = None, storage: TokenStorage | None = None,
               **overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, the environment and ``overrides``; ``client_key`` is the private JWK."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="fapi2_session")
    provider = app.config["DEVPROVIDER_URL"].rstrip("/")

    oauth = OAuth(app, routes=True, storage=storage or CacheStorage(SimpleCache(threshold=10_000)))
    oauth.register(
        "fapi",
        server_metadata_url=f"{provider}/.well-known/openid-configuration",
        api_base_url=f"{provider}/",
        client_kwargs={
            "scope": "openid profile email offline_access",
            "profile": "fapi2",             # PAR, PKCE S256, DPoP, private_key_jwt, iss check, strong ID-token algs
            "insecure_loopback": True,      # the dev provider is plain http on 127.0.0.1: development only
            "private_key": client_key or load_client_key(app.config["FAPI_CLIENT_KEY"]),
        },
    )
    add_pages(app, oauth)
    return app


def load_client_key(setting: str | None) -> dict[str, Any]:
    """The private JWK from ``FAPI_CLIENT_KEY`` (JSON text or a file path)."""
    if not setting:
        raise RuntimeError(
            "FAPI_CLIENT_KEY is not set: run `make demo DEMO_APP=fapi2`, or see examples/fapi2/README.md"
        )
    text = setting if setting.lstrip().startswith("{") else Path(setting).read_text()
    return json.loads(text)


def add_pages(app: Flask, oauth: OAuth) -> None:
    """The app's own pages; login, callback and logout are the ready routes under ``/oauth``."""

    @app.get("/")
    def home() -> str:
        token = oauth.fapi.credentials
        return page(TITLE, HOME, signed_in=token is not None, email=oauth.fapi.email if token else None,
                    token_type=token.get("token_type") if token else None, logout=logout_url())

    @app.get("/profile")
    @oauth.fapi.required
    def profile() -> str:
        claims = oauth.fapi.userinfo()  # GET /userinfo with the DPoP token and a proof
        shown = sorted((k, v) for k, v in claims.items() if k not in PROTOCOL_CLAIMS)
        return page(TITLE, PROFILE, email=oauth.fapi.email, claims=shown, logout=logout_url())

    @app.get("/api")
    @oauth.fapi.required
    def api() -> str | tuple[str, int]:
        response = oauth.fapi.get("api/me")  # Authorization: DPoP <token>, plus a proof with ath
        return api_page(TITLE, response), 200 if response.status_code == 200 else 502


def logout_url() -> str:
    """The ready logout route: forgets the token, ends the provider session, comes back home."""
    return url_for("oauth.logout", name="fapi", next=url_for("home"))


HOME = """<h1>FAPI 2.0 client</h1>
{% if signed_in %}<p>Signed in as <b id="email">{{ email }}</b> with a <code id="token-type">{{ token_type }}</code>
token.</p>{% else %}<p>You are not signed in.</p>{% endif %}
<p><a href="/profile">Profile</a> (signs you in: PAR, PKCE, DPoP) &middot; <a href="/api">API call</a>
(DPoP-bound){% if signed_in %} &middot; <a href="{{ logout }}">Log out</a>{% endif %}</p>"""

PROFILE = """<h1>Signed in as {{ email }}</h1>
<p>Claims from the userinfo endpoint (a DPoP-bound call):</p>
<table>{% for key, value in claims %}<tr><td><b>{{ key }}</b></td><td>{{ value }}</td></tr>{% endfor %}</table>
<p><a href="/">Home</a> &middot; <a href="/api">API call</a> &middot; <a href="{{ logout }}">Log out</a></p>"""
