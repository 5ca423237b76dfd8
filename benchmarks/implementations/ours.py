"""Our library, used as its README shows: discovery, PKCE, ``oauth.prov.get("user", token=...)``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.registry import oidc

from ..protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPE, Endpoints
from . import ApiCall, Tally, counting


class Ours:
    """``flask_oauth_registry.OAuth`` with one app per scheme (``prov``: HTTP API, ``prov_tls``: HTTPS API)."""

    name = "ours"

    def __init__(self, endpoints: Endpoints) -> None:
        self.app = app = Flask("bench_ours")
        app.secret_key = "bench-ours"
        self.oauth = oauth = OAuth(app)
        common: dict[str, Any] = {
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "server_metadata_url": endpoints.metadata_url,
        }
        client_kwargs = {"scope": SCOPE, "code_challenge_method": "S256"}
        oauth.register("prov", api_base_url=f"{endpoints.http}/", client_kwargs=client_kwargs, **common)
        oauth.register("prov_tls", api_base_url=f"{endpoints.https}/",
                       client_kwargs={**client_kwargs, "verify": endpoints.cert_path}, **common)

        @app.get("/login")
        def login() -> Any:
            return oauth.prov.authorize_redirect(REDIRECT_URI)

        @app.get("/callback")
        def callback() -> Any:
            token = oauth.prov.authorize_access_token()
            return token["userinfo"]["sub"]

    @contextmanager
    def api_client(self, tls: bool) -> Iterator[ApiCall]:
        oauth = self.oauth
        token = {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_at": int(time.time()) + 3600}
        with self.app.app_context():
            if tls:
                yield lambda: oauth.prov_tls.get("user", token=token)
            else:
                yield lambda: oauth.prov.get("user", token=token)

    def jwks_parses(self) -> AbstractContextManager[Tally]:
        return counting(oidc, "parse_jwks")


def build(endpoints: Endpoints) -> Ours:
    return Ours(endpoints)
