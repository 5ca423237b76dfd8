"""The floors: a bare keep-alive ``requests.Session`` for API calls, and a minimal hand-written login.

The login is what a careful developer writes without a library: state, nonce and
PKCE verifier in the session, the token POST on a pooled ``requests.Session``, and
the ID token checked with pyjwt against a key parsed once at start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from flask import Flask, abort, redirect, request, session

from ..protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPE, TIMEOUT, Endpoints
from . import ApiCall, Tally


class Floor:
    """The fastest reasonable code for the same work, with no library in between."""

    name = "floor"

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self.http = requests.Session()
        self.tls = requests.Session()
        metadata = self.http.get(endpoints.metadata_url, timeout=TIMEOUT).json()
        jwks = self.http.get(metadata["jwks_uri"], timeout=TIMEOUT).json()
        key = jwt.PyJWK(jwks["keys"][0]).key
        issuer, authorize = metadata["issuer"], metadata["authorization_endpoint"]
        token_url = metadata["token_endpoint"]
        basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        http = self.http
        self.app = app = Flask("bench_floor")
        app.secret_key = "bench-floor"

        @app.get("/login")
        def login() -> Any:
            state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            session["oauth_flow"] = {"state": state, "nonce": nonce, "verifier": verifier}
            query = urlencode({
                "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "scope": SCOPE,
                "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
            })
            return redirect(f"{authorize}?{query}")

        @app.get("/callback")
        def callback() -> Any:
            flow = session.pop("oauth_flow", None)
            if not flow or not hmac.compare_digest(request.args.get("state", ""), flow["state"]):
                abort(400)
            response = http.post(token_url, data={
                "grant_type": "authorization_code", "code": request.args["code"], "redirect_uri": REDIRECT_URI,
                "code_verifier": flow["verifier"],
            }, headers={"Authorization": basic, "Accept": "application/json"}, timeout=TIMEOUT)
            if response.status_code != 200:
                abort(502)
            token = response.json()
            claims = jwt.decode(token["id_token"], key, algorithms=["RS256"], audience=CLIENT_ID, issuer=issuer)
            if not hmac.compare_digest(claims.get("nonce", ""), flow["nonce"]):
                abort(400)
            return claims["sub"]

    @contextmanager
    def api_client(self, tls: bool) -> Iterator[ApiCall]:
        headers = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
        if tls:
            # Per call, not session.verify: requests lets REQUESTS_CA_BUNDLE override a session's setting.
            secure, url, cert = self.tls, f"{self.endpoints.https}/user", self.endpoints.cert_path
            yield lambda: secure.get(url, headers=headers, timeout=TIMEOUT, verify=cert)
        else:
            plain, url = self.http, f"{self.endpoints.http}/user"
            yield lambda: plain.get(url, headers=headers, timeout=TIMEOUT)

    def jwks_parses(self) -> AbstractContextManager[Tally]:
        return nullcontext(Tally())  # parsed once in __init__, never per login


def build(endpoints: Endpoints) -> Floor:
    return Floor(endpoints)
