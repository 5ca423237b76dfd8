"""Interoperability with an independent OpenID Certified provider (panva's oidc-provider, Node.js).

The provider runs for real on 127.0.0.1 (installed from the npm registry into
``.venv/interop``); our client logs in through Flask's test client while a
``requests`` session plays the browser at the provider: PKCE, RFC 9207 ``iss``,
ID-token validation, userinfo, refresh with ``update_token`` and RP-initiated logout.
A second, strict instance requires pushed authorization requests and DPoP with
server nonces, and applies its FAPI 2.0 profile to one client: our ``fapi2``
profile logs in there (PAR, a signed request object, DPoP-bound tokens, refresh).
Skips only when ``CI`` is unset and Node.js is missing; under CI it must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, jsonify, session
from jwt.algorithms import ECAlgorithm

from flask_oauth_registry import OAuth, OAuthError

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
INSTALL_DIR = HERE.parent.parent / ".venv" / "interop"
PROVIDER_PACKAGE = "oidc-provider@8.8.1"
RP_ORIGIN = "http://rp.test"
CLIENTS = {
    "client_secret_basic": ("rp-basic", "basic-secret-that-is-long-enough-for-hs256"),
    "client_secret_jwt": ("rp-jwt", "jwt-secret-that-is-long-enough-for-hs256!!"),
    "client_secret_post": ("rp-hs", "hs-secret-that-is-long-enough-for-hs256!!!"),
}


def _install() -> Path:
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed for the interoperability test")
        pytest.skip("Node.js/npm not installed and CI is unset: interoperability test skipped")
    package = INSTALL_DIR / "node_modules" / "oidc-provider" / "package.json"
    if not package.exists():
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(INSTALL_DIR), PROVIDER_PACKAGE],
            check=True, timeout=300,
        )
    shutil.copy(HERE / "op.mjs", INSTALL_DIR / "op.mjs")
    return INSTALL_DIR / "op.mjs"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    yield from _provider()


def _provider(*mode: str) -> Iterator[str]:
    """Run op.mjs on a free loopback port (``mode``: its extra arguments); yield its issuer."""
    script = _install()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        ["node", str(script), str(port), RP_ORIGIN, *mode], cwd=INSTALL_DIR,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while "listening" not in process.stdout.readline():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("oidc-provider did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def relying_party(issuer: str, method: str, updates: list[Any]) -> Flask:
    client_id, secret = CLIENTS[method]
    app = Flask("interop_rp")
    app.config.update(SECRET_KEY="interop", SERVER_NAME="rp.test")
    oauth = OAuth(app, update_token=lambda name, token, refresh_token=None, access_token=None: updates.append(
        refresh_token))
    oauth.register(
        "op", client_id=client_id, client_secret=secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile offline_access", "token_endpoint_auth_method": method},
    )

    @app.get("/login")
    def login() -> Any:
        return oauth.op.authorize_redirect(f"{RP_ORIGIN}/callback", prompt="consent")

    @app.get("/callback")
    def callback() -> Any:
        token = oauth.op.authorize_access_token()
        session["token"] = token
        return jsonify(claims=token["userinfo"], userinfo=oauth.op.userinfo())

    @app.get("/refresh")
    def refresh() -> Any:
        before = session["token"]
        token = dict(before, expires_at=int(time.time()) - 5)
        info = oauth.op.userinfo(token=token)  # refreshed first: our dict is updated in place
        session["token"] = token
        return jsonify(sub=info["sub"], new_access_token=token["access_token"] != before["access_token"])

    @app.get("/logout")
    def logout() -> Any:
        oauth.op.token = session["token"]
        return oauth.op.logout_redirect(f"{RP_ORIGIN}/logged-out")

    @app.get("/logged-out")
    def logged_out() -> Any:
        return jsonify(oauth.op.validate_logout_response())

    @app.errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> Any:
        return jsonify(error=error.error, description=error.description), 400

    return app


class Browser:
    """A ``requests`` session at the provider; stops at redirects back to the relying party."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.http = requests.Session()

    def follow(self, response: requests.Response) -> requests.Response | str:
        while response.status_code in (302, 303):
            location = response.headers["Location"]
            location = location if location.startswith("http") else self.issuer + location
            if location.startswith(RP_ORIGIN):
                return location
            response = self.http.get(location, allow_redirects=False, timeout=10)
        return response

    def submit(self, page: requests.Response, **fields: str) -> requests.Response | str:
        action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        assert action, page.text[:500]
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        answer = self.http.post(action.group(1), data={**hidden, **fields}, allow_redirects=False, timeout=10)
        return self.follow(answer)

    def sign_in(self, authorization_url: str, user: str) -> str:
        page = self.follow(self.http.get(authorization_url, allow_redirects=False, timeout=10))
        assert not isinstance(page, str)
        result = self.submit(page, login=user, password="any")
        while not isinstance(result, str):  # the consent page
            result = self.submit(result)
        return result


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.parametrize("method", sorted(CLIENTS))
def test_login_userinfo_and_refresh_against_a_certified_provider(issuer: str, method: str) -> None:
    updates: list[Any] = []
    app = relying_party(issuer, method, updates)
    client, browser = app.test_client(), Browser(issuer)
    start = client.get("/login")
    assert start.status_code == 302 and "code_challenge_method=S256" in start.location
    callback = browser.sign_in(start.location, "alice")
    assert "iss=" in callback  # the provider sends RFC 9207 iss, which we check
    answer = client.get(path_of(callback))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["claims"]["sub"] == body["userinfo"]["sub"] == "alice"
    assert body["claims"]["aud"] == CLIENTS[method][0] and body["claims"]["iss"] == issuer
    assert body["userinfo"]["email"] == "alice@example.com"
    assert client.get(path_of(callback)).get_json()["error"] == "mismatching_state"  # replay refused

    refreshed = client.get("/refresh")
    assert refreshed.status_code == 200, refreshed.get_json()
    assert refreshed.get_json() == {"sub": "alice", "new_access_token": True}
    assert len(updates) == 1 and updates[0]  # update_token got the refresh token that was used


def test_rp_initiated_logout_against_a_certified_provider(issuer: str) -> None:
    app = relying_party(issuer, "client_secret_basic", [])
    client, browser = app.test_client(), Browser(issuer)
    start = client.get("/login")
    assert client.get(path_of(browser.sign_in(start.location, "bob"))).status_code == 200
    logout = client.get("/logout")
    assert "id_token_hint=" in logout.location and "post_logout_redirect_uri=" in logout.location
    confirm = browser.follow(browser.http.get(logout.location, allow_redirects=False, timeout=10))
    assert not isinstance(confirm, str)
    back = browser.submit(confirm, logout="yes")
    assert isinstance(back, str) and back.startswith(f"{RP_ORIGIN}/logged-out")
    done = client.get(path_of(back))
    assert done.status_code == 200
    assert done.get_json()["post_logout_redirect_uri"] == f"{RP_ORIGIN}/logged-out"


# -- the strict provider: PAR and DPoP required, FAPI 2.0 for "rp-fapi" ------------------------------
FAPI_KEY = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def strict_issuer() -> Iterator[str]:
    public = ECAlgorithm.to_jwk(FAPI_KEY.public_key(), as_dict=True)
    yield from _provider("strict", json.dumps({**public, "use": "sig"}))


def sender_constrained_party(issuer: str, name: str, client_id: str, client_kwargs: dict[str, Any],
                             exchanges: list[tuple[str, str, int]], stored: dict[str, Any]) -> Flask:
    """A relying party whose HTTP exchanges (method, path, status) are recorded; tokens kept in ``stored``."""
    app = Flask(f"interop_{name}")
    app.config.update(SECRET_KEY="interop", SERVER_NAME="rp.test")
    oauth = OAuth(app, fetch_token=lambda _name: stored.get("token"))
    client = oauth.register(name, client_id=client_id, server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                            client_kwargs=client_kwargs)

    with app.app_context():
        oauth.create_client(name).session.hooks["response"].append(
            lambda r, *a, **k: exchanges.append((r.request.method, urlsplit(r.url).path, r.status_code)))

    @app.get("/login")
    def login() -> Any:
        return client.authorize_redirect(f"{RP_ORIGIN}/callback", prompt="consent")

    @app.get("/callback")
    def callback() -> Any:
        stored["token"] = token = client.authorize_access_token()
        return jsonify(token_type=token["token_type"], jkt=token.get("dpop_jkt"), claims=token["userinfo"])

    @app.get("/userinfo")
    def userinfo() -> Any:
        return jsonify(client.userinfo())

    @app.get("/refresh")
    def refresh() -> Any:
        token = dict(stored["token"], expires_at=int(time.time()) - 5)
        info = client.userinfo(token=token)  # refreshed first, with the token's key
        stored["refreshed"] = token
        return jsonify(sub=info["sub"], token_type=token["token_type"], jkt=token.get("dpop_jkt"))

    @app.errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> Any:
        return jsonify(error=error.error, description=error.description), 400

    return app


def _pem() -> str:
    return FAPI_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode()


@pytest.mark.parametrize("request_object", [False, True], ids=["par", "par+request_object"])
def test_fapi2_profile_login_userinfo_and_refresh_with_par_and_dpop(strict_issuer: str, request_object: bool) -> None:
    exchanges: list[tuple[str, str, int]] = []
    stored: dict[str, Any] = {}
    kwargs = {"profile": "fapi2", "insecure_loopback": True, "private_key": _pem(),
              "scope": "openid email offline_access", "request_object": request_object}
    app = sender_constrained_party(strict_issuer, "bank", "rp-fapi", kwargs, exchanges, stored)
    client, browser = app.test_client(), Browser(strict_issuer)
    start = client.get("/login")
    assert start.status_code == 302, start.get_json()
    assert set(parse_qs(urlsplit(start.location).query)) == {"client_id", "request_uri"}
    answer = client.get(path_of(browser.sign_in(start.location, "carol")))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["token_type"] == "DPoP" and body["jkt"] and body["claims"]["sub"] == "carol"
    # The token endpoint asked for its nonce once; the retry carried it.
    token_calls = [status for method, path, status in exchanges if method == "POST" and path.endswith("/token")]
    assert token_calls == [400, 200]

    info = client.get("/userinfo")  # a DPoP-bound token at the resource, with the nonce learnt
    assert info.status_code == 200 and info.get_json()["email"] == "carol@example.com"

    refreshed = client.get("/refresh")
    assert refreshed.status_code == 200, refreshed.get_json()
    assert refreshed.get_json() == {"sub": "carol", "token_type": "DPoP", "jkt": body["jkt"]}
    assert stored["refreshed"]["access_token"] != stored["token"]["access_token"]


def test_a_dpop_client_pushes_when_discovery_requires_it_and_a_reloaded_token_meets_a_nonce_challenge(
    strict_issuer: str,
) -> None:
    exchanges: list[tuple[str, str, int]] = []
    stored: dict[str, Any] = {}
    kwargs = {"dpop": True, "scope": "openid offline_access", "token_endpoint_auth_method": "none"}
    app = sender_constrained_party(strict_issuer, "atproto", "rp-dpop-public", kwargs, exchanges, stored)
    client, browser = app.test_client(), Browser(strict_issuer)
    start = client.get("/login")
    assert set(parse_qs(urlsplit(start.location).query)) == {"client_id", "request_uri"}
    assert client.get(path_of(browser.sign_in(start.location, "dave"))).status_code == 200

    # Another process: the token comes from storage (JSON), and this process knows no nonce yet.
    saved = json.loads(json.dumps(stored["token"]))
    other_exchanges: list[tuple[str, str, int]] = []
    other = sender_constrained_party(strict_issuer, "atproto", "rp-dpop-public", kwargs, other_exchanges,
                                     {"token": saved}).test_client()
    info = other.get("/userinfo")
    assert info.status_code == 200 and info.get_json()["sub"] == "dave"
    assert [status for _, path, status in other_exchanges if path.endswith("/me")] == [401, 200]
    # The refresh token of a public client is bound to the key: the refresh works only with the stored key.
    refreshed = other.get("/refresh")
    assert refreshed.status_code == 200, refreshed.get_json()
    assert refreshed.get_json()["jkt"] == saved["dpop_jkt"]
