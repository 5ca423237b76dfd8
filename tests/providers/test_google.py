"""The google preset: OpenID Connect through Google's discovery document, its scopes, and a login whose
``userinfo`` comes from the ID token and the userinfo endpoint."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, jsonify, url_for

from flask_oauth_registry import OAuth
from tests.fakes.base import query_of
from tests.fakes.keys import jwks, left_half_hash, rsa_key


def test_google_preset_uses_discovery_and_openid_scopes(app: Flask) -> None:
    client = OAuth(app).register("google", client_id="id", client_secret="secret")
    assert client.config.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
    assert client.config.is_oidc


GOOGLE = {
    "issuer": "https://accounts.google.com",
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    "id_token_signing_alg_values_supported": ["RS256"],
    "code_challenge_methods_supported": ["plain", "S256"],
}
DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration"
CLIENT_ID = "1234-abc.apps.googleusercontent.com"
KEY = rsa_key("google-1")
PROFILE = {
    "sub": "110169484474386276334", "email": "ada@example.com", "email_verified": True, "name": "Ada Lovelace",
    "given_name": "Ada", "family_name": "Lovelace", "picture": "https://lh3.googleusercontent.com/a/ada",
    "locale": "en",
}


def test_google_preset_asks_for_openid_email_and_profile_and_calls_googleapis(app: Flask) -> None:
    client = OAuth(app).register("google", client_id=CLIENT_ID, client_secret="google-secret")
    assert client.client_kwargs["scope"] == "openid email profile"
    assert client.api_base_url == "https://www.googleapis.com/"
    assert client.config.code_challenge_method == "S256"


def test_google_login_returns_the_id_token_claims_and_userinfo_the_profile(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(DISCOVERY_URL, json=GOOGLE)
    requests_mock.get(GOOGLE["jwks_uri"], json=jwks(KEY))
    requests_mock.get(GOOGLE["userinfo_endpoint"], json=PROFILE)
    oauth = OAuth(app)
    oauth.register("google", client_id=CLIENT_ID, client_secret="google-secret")
    tokens: list[dict[str, Any]] = []

    @app.route("/login")
    def login() -> Any:
        return oauth.google.authorize_redirect(url_for("auth", _external=True))

    @app.route("/auth")
    def auth() -> Any:
        tokens.append(oauth.google.authorize_access_token())
        return jsonify(oauth.google.userinfo())

    web = app.test_client()
    location = web.get("/login").headers["Location"]
    assert location.startswith(GOOGLE["authorization_endpoint"] + "?")
    query = query_of(location)
    assert (query["client_id"], query["scope"], query["code_challenge_method"]) == (
        CLIENT_ID, "openid email profile", "S256",
    )
    now = int(time.time())
    id_token = KEY.sign({
        "iss": GOOGLE["issuer"], "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": PROFILE["sub"], "email": PROFILE["email"],
        "email_verified": True, "iat": now, "exp": now + 3599, "nonce": query["nonce"],
        "at_hash": left_half_hash("ya29.a0-token"),
    })
    requests_mock.post(GOOGLE["token_endpoint"], json={
        "access_token": "ya29.a0-token", "token_type": "Bearer", "expires_in": 3599, "id_token": id_token,
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
    })

    profile = web.get("/auth", query_string={"code": "4/0A-code", "state": query["state"]}).get_json()

    [token] = tokens
    assert token["access_token"] == "ya29.a0-token" and now < token["expires_at"] <= now + 3600
    assert (token["userinfo"]["sub"], token["userinfo"]["email"]) == (PROFILE["sub"], PROFILE["email"])
    assert profile == PROFILE
    assert requests_mock.last_request.headers["Authorization"] == "Bearer ya29.a0-token"
