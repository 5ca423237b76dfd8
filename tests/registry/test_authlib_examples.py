"""Scenario suite: Authlib's documented Flask client examples, with only the import line changed.

Kept whole rather than split by module: each test is one published example run
unchanged, which is the promise it checks.

Each test keeps the example's code as the docs show it (routes, register call,
signal receiver) and drives it with Flask's test client against a mocked provider.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import requests_mock as rm
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, redirect, session, url_for

# The one changed line: was `from authlib.integrations.flask_client import OAuth, token_update`
from flask_oauth_registry import OAuth, token_update

GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"


def _google_provider(m: rm.Mocker, client_id: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": "k1", "use": "sig"}
    m.get(GOOGLE_DISCOVERY, json={
        "issuer": "https://accounts.google.com",
        "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_endpoint": "https://oauth2.googleapis.com/token",
        "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
        "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
        "id_token_signing_alg_values_supported": ["RS256"],
    })
    m.get("https://www.googleapis.com/oauth2/v3/certs", json={"keys": [jwk]})
    state: dict[str, str] = {}

    def token(request, context):
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": "https://accounts.google.com", "aud": client_id, "sub": "1234", "email": "ada@example.com",
             "name": "Ada", "iat": now, "exp": now + 300, "nonce": state["nonce"]},
            key, algorithm="RS256", headers={"kid": "k1"},
        )
        return {"access_token": "ya29.a", "token_type": "Bearer", "expires_in": 3599, "id_token": id_token}

    m.post("https://oauth2.googleapis.com/token", json=token)
    m._example_state = state  # type: ignore[attr-defined]


def test_google_openid_connect_login_example() -> None:
    app = Flask(__name__)
    app.secret_key = "!secret"
    app.config.update(GOOGLE_CLIENT_ID="google-client-id", GOOGLE_CLIENT_SECRET="google-secret")

    # --- example code, as in Authlib's docs ---
    CONF_URL = "https://accounts.google.com/.well-known/openid-configuration"  # noqa: N806
    oauth = OAuth(app)
    oauth.register(
        name="google",
        server_metadata_url=CONF_URL,
        client_kwargs={"scope": "openid email profile"},
    )

    @app.route("/")
    def homepage():
        user = session.get("user")
        return f"hello {user['email']}" if user else "anonymous"

    @app.route("/login")
    def login():
        redirect_uri = url_for("auth", _external=True)
        return oauth.google.authorize_redirect(redirect_uri)

    @app.route("/auth")
    def auth():
        token = oauth.google.authorize_access_token()
        session["user"] = token["userinfo"]
        return redirect("/")
    # --- end of example code ---

    with rm.Mocker() as m:
        _google_provider(m, "google-client-id")
        client = app.test_client()
        resp = client.get("/login")
        assert resp.status_code == 302
        query = parse_qs(urlsplit(resp.location).query)
        assert resp.location.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
        m._example_state["nonce"] = query["nonce"][0]  # type: ignore[attr-defined]
        resp = client.get(f"/auth?code=4/abc&state={query['state'][0]}")
        assert resp.status_code == 302
        assert client.get("/").text == "hello ada@example.com"


def test_github_login_with_api_call_example() -> None:
    app = Flask(__name__)
    app.secret_key = "!secret"

    # --- example code, as in Authlib's docs ---
    oauth = OAuth(app)
    oauth.register(
        name="github",
        client_id="gh-id",
        client_secret="gh-secret",
        access_token_url="https://github.com/login/oauth/access_token",
        access_token_params=None,
        authorize_url="https://github.com/login/oauth/authorize",
        authorize_params=None,
        api_base_url="https://api.github.com/",
        client_kwargs={"scope": "user:email"},
    )

    @app.route("/login")
    def login():
        redirect_uri = url_for("authorize", _external=True)
        return oauth.github.authorize_redirect(redirect_uri)

    @app.route("/authorize")
    def authorize():
        oauth.github.authorize_access_token()
        resp = oauth.github.get("user")
        resp.raise_for_status()
        profile = resp.json()
        return profile["login"]
    # --- end of example code ---

    with rm.Mocker() as m:
        m.post("https://github.com/login/oauth/access_token",
               json={"access_token": "gho_x", "token_type": "bearer", "scope": "user:email"})
        m.get("https://api.github.com/user", json={"login": "octocat", "id": 1})
        client = app.test_client()
        resp = client.get("/login")
        state = parse_qs(urlsplit(resp.location).query)["state"][0]
        assert client.get(f"/authorize?code=abc&state={state}").text == "octocat"
        assert m.request_history[-1].headers["Authorization"] == "Bearer gho_x"


def test_token_update_signal_receiver_example() -> None:
    app = Flask(__name__)
    app.secret_key = "!secret"
    stored = {"name": "prov", "access_token": "old", "refresh_token": "r1", "expires_at": int(time.time()) - 5}
    oauth = OAuth(app, fetch_token=lambda name: dict(stored, token_type="Bearer"))
    oauth.register("prov", client_id="c", client_secret="s", access_token_url="https://p.test/token",
                   authorize_url="https://p.test/auth", api_base_url="https://api.p.test/")

    # --- example code, as in Authlib's docs ---
    @token_update.connect_via(app)
    def on_token_update(sender, name, token, refresh_token=None, access_token=None):
        if refresh_token:
            item = stored if stored["refresh_token"] == refresh_token else None
        elif access_token:
            item = stored if stored["access_token"] == access_token else None
        else:
            return
        # update old token
        item["access_token"] = token["access_token"]
        item["refresh_token"] = token.get("refresh_token")
        item["expires_at"] = token["expires_at"]
    # --- end of example code ---

    with rm.Mocker() as m, app.test_request_context("/"):
        m.post("https://p.test/token", json={"access_token": "new", "refresh_token": "r2", "token_type": "Bearer",
                                             "expires_in": 3600})
        m.get("https://api.p.test/me", text="ok")
        oauth.prov.get("me")
    assert stored["access_token"] == "new" and stored["refresh_token"] == "r2"
