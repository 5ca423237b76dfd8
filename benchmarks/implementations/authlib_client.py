"""Authlib's Flask client, configured like ours; imported only when Authlib is installed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from authlib.integrations.base_client import sync_openid
from authlib.integrations.flask_client import OAuth
from flask import Flask

from ..protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPE, Endpoints
from . import ApiCall, Tally, counting


class AuthlibClient:
    """``authlib.integrations.flask_client.OAuth`` with the same registrations and views as ours."""

    name = "authlib"

    def __init__(self, endpoints: Endpoints) -> None:
        self.cert_path = endpoints.cert_path
        self.app = app = Flask("bench_authlib")
        app.secret_key = "bench-authlib"
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
        # Per call: requests lets REQUESTS_CA_BUNDLE override a session's ``verify``, and
        # Authlib only sets it on the session.
        cert = self.cert_path
        with self.app.app_context():
            if tls:
                yield lambda: oauth.prov_tls.get("user", token=token, verify=cert)
            else:
                yield lambda: oauth.prov.get("user", token=token)

    def jwks_parses(self) -> AbstractContextManager[Tally]:
        return counting(sync_openid.KeySet, "import_key_set")


def build(endpoints: Endpoints) -> AuthlibClient:
    return AuthlibClient(endpoints)
