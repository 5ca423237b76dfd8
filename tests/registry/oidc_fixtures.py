"""Test helpers for OpenID Connect: signing keys, ID tokens, and an OpenID provider made of requests-mock callbacks.

Import what a test needs explicitly (``from tests.registry.oidc_fixtures import ...``).
The provider checks what a real one checks (client authentication, PKCE, the
redirect URI, single-use codes) so a login test that passes shows the client sent
the right request, not merely that a mock answered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask, jsonify, request, url_for
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from flask_oauth_registry import OAuth, OAuthError

ISSUER = "https://op.example.test"
DISCOVERY_URL = ISSUER + "/.well-known/openid-configuration"
AUTHORIZATION_ENDPOINT = ISSUER + "/authorize"
TOKEN_ENDPOINT = ISSUER + "/token"
USERINFO_ENDPOINT = ISSUER + "/userinfo"
JWKS_URI = ISSUER + "/jwks"
END_SESSION_ENDPOINT = ISSUER + "/logout"
CLIENT_ID = "rp-client-id"
CLIENT_SECRET = "rp-client-secret-7Qm2xV-4f9c1d0e8b7a6352"
SUBJECT = "user-248289761001"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def left_half_hash(value: str) -> str:
    """``at_hash`` for the SHA-256 algorithms (RS256, ES256, HS256), computed independently of the library."""
    return b64url(hashlib.sha256(value.encode()).digest()[:16])


# -- keys ------------------------------------------------------------------------


@cache
def _rsa_private_key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def _ec_private_key(label: str, curve: str) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key({"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}[curve])


@dataclass(frozen=True)
class SigningKey:
    """A private key, the JWS algorithm it signs with and its ``kid`` (``None``: no kid header)."""

    alg: str
    kid: str | None
    private_key: Any

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()

    def public_jwk(self, **members: Any) -> dict[str, Any]:
        """The public JWK as a provider publishes it; ``members`` add or override (``use``, ``alg``...)."""
        algorithm = RSAAlgorithm if isinstance(self.private_key, rsa.RSAPrivateKey) else ECAlgorithm
        jwk: dict[str, Any] = algorithm.to_jwk(self.public_key, as_dict=True)
        jwk["use"] = "sig"
        if self.kid is not None:
            jwk["kid"] = self.kid
        jwk.update(members)
        return {k: v for k, v in jwk.items() if v is not None}

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        extra = {"kid": self.kid} if self.kid is not None else {}
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers={**extra, **(headers or {})})


def rsa_key(kid: str | None = "rsa-1", label: str | None = None, alg: str = "RS256") -> SigningKey:
    """An RSA key; the same ``label`` (default: the kid) gives the same key material within a test run."""
    return SigningKey(alg, kid, _rsa_private_key(label or str(kid)))


def ec_key(kid: str | None = "ec-1", curve: str = "P-256", label: str | None = None) -> SigningKey:
    alg = {"P-256": "ES256", "P-384": "ES384"}[curve]
    return SigningKey(alg, kid, _ec_private_key(label or str(kid), curve))


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [key.public_jwk() for key in keys]}


# -- tokens ----------------------------------------------------------------------


def id_token_claims(**overrides: Any) -> dict[str, Any]:
    """Valid ID-token claims for CLIENT_ID from ISSUER; an override of ``None`` removes the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "sub": SUBJECT, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def hmac_signed_token(claims: dict[str, Any], key: bytes, alg: str = "HS256", kid: str | None = None) -> str:
    """A MAC-signed JWT made by hand: pyjwt refuses a PEM as an HMAC key, an attacker does not."""
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signature = hmac.new(key, signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(signature)


def unsigned_token(claims: dict[str, Any], kid: str | None = None) -> str:
    """An ``alg: none`` JWT: header, payload and an empty signature."""
    header = {"alg": "none", **({"kid": kid} if kid else {})}
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode()) + "."


# -- clock -----------------------------------------------------------------------


class ShiftedClock:
    """``time.time`` and ``time.monotonic`` moved forward by :meth:`advance` (or frozen), for one test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, frozen: bool = False) -> None:
        self.offset = 0.0
        real_time, real_monotonic = time.time, time.monotonic
        start_time, start_monotonic = real_time(), real_monotonic()
        if frozen:
            monkeypatch.setattr(time, "time", lambda: start_time + self.offset)
            monkeypatch.setattr(time, "monotonic", lambda: start_monotonic + self.offset)
        else:
            monkeypatch.setattr(time, "time", lambda: real_time() + self.offset)
            monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


# -- the OpenID provider -----------------------------------------------------------


def discovery_document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": AUTHORIZATION_ENDPOINT,
        "token_endpoint": TOKEN_ENDPOINT,
        "userinfo_endpoint": USERINFO_ENDPOINT,
        "jwks_uri": JWKS_URI,
        "end_session_endpoint": END_SESSION_ENDPOINT,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
    }
    document.update(overrides)
    return {k: v for k, v in document.items() if v is not None}


class FakeOpenIDProvider:
    """Discovery, JWKS, token and userinfo endpoints as requests-mock callbacks.

    :meth:`authorize` plays the user's visit to the authorization endpoint and
    returns the callback parameters.  The token endpoint issues an ID token signed
    with ``signing_key`` (which need not be among ``published_keys``: that is how a
    test makes an unknown ``kid``).  ``client_secret=None`` makes it expect a public
    client (no Authorization header, ``client_id`` in the body).  Logins get a
    refresh token, which refreshes keep (no rotation); ``refresh_id_token_claims``
    adds an ID token to refresh answers.
    """

    def __init__(
        self,
        requests_mock: Any,
        signing_key: SigningKey,
        *,
        client_secret: str | None = CLIENT_SECRET,
        published_keys: list[SigningKey] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.requests_mock = requests_mock
        self.signing_key = signing_key
        self.client_secret = client_secret
        self.published_keys = [signing_key] if published_keys is None else published_keys
        self.metadata = discovery_document(**(metadata or {}))
        self.extra_claims: dict[str, Any] = {}
        self.userinfo_claims: dict[str, Any] = {"sub": SUBJECT, "email": "ada@example.test", "name": "Ada"}
        self.userinfo_answer: tuple[str, str] | None = None  # (content type, body) instead of JSON claims
        self.token_answer: tuple[int, str, str] | None = None  # (status, content type, body) instead of a token
        # Claims (overrides of a valid ID token) for an id_token in refresh answers; None: no id_token.
        self.refresh_id_token_claims: dict[str, Any] | None = None
        self.refresh_tokens: set[str] = set()
        self.grants: dict[str, dict[str, str]] = {}
        self.access_tokens: list[str] = []
        self.id_tokens: list[str] = []
        self.code_verifiers: list[str] = []
        requests_mock.get(DISCOVERY_URL, json=lambda req, ctx: self.metadata)
        requests_mock.get(JWKS_URI, json=lambda req, ctx: jwks(*self.published_keys))
        requests_mock.post(TOKEN_ENDPOINT, text=self._token_endpoint)
        requests_mock.get(USERINFO_ENDPOINT, text=self._userinfo_endpoint)

    # -- what the tests look at ---------------------------------------------------
    def requests_to(self, url: str, method: str = "GET") -> list[Any]:
        return [r for r in self.requests_mock.request_history if r.url.split("?")[0] == url and r.method == method]

    @property
    def discovery_requests(self) -> int:
        return len(self.requests_to(DISCOVERY_URL))

    @property
    def jwks_requests(self) -> int:
        return len(self.requests_to(JWKS_URI))

    @property
    def token_requests(self) -> list[Any]:
        return self.requests_to(TOKEN_ENDPOINT, "POST")

    # -- the browser's visit to the authorization endpoint ---------------------------
    def authorize(self, location: str, *, iss: str | None = None) -> dict[str, str]:
        """Accept the authorization request at ``location``; return the callback's parameters."""
        parts = urlsplit(location)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == AUTHORIZATION_ENDPOINT
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        code = secrets.token_urlsafe(16)
        self.grants[code] = params
        callback = {"code": code, "state": params["state"]}
        if iss is not None:
            callback["iss"] = iss
        return callback

    def sign_id_token(self, **claims: Any) -> str:
        return self.signing_key.sign(id_token_claims(**claims))

    # -- endpoints ---------------------------------------------------------------------
    def _token_endpoint(self, req: Any, context: Any) -> str:
        if self.token_answer is not None:
            context.status_code, context.headers["Content-Type"], body = self.token_answer
            return body
        context.headers["Content-Type"] = "application/json"
        form = {k: v[0] for k, v in parse_qs(req.text or "").items()}
        if form.get("grant_type") == "refresh_token":
            return self._refresh_grant(req, form, context)
        problem = self._client_auth_problem(req, form) or self._grant_problem(form)
        if problem:
            context.status_code = 401 if problem == "invalid_client" else 400
            return json.dumps({"error": problem})
        grant = self.grants.pop(form["code"])
        self.code_verifiers.append(form["code_verifier"])
        access_token = secrets.token_urlsafe(24)
        claims = {"nonce": grant.get("nonce"), "at_hash": left_half_hash(access_token), **self.extra_claims}
        id_token = self.sign_id_token(**claims)
        self.access_tokens.append(access_token)
        self.id_tokens.append(id_token)
        refresh_token = secrets.token_urlsafe(24)
        self.refresh_tokens.add(refresh_token)
        return json.dumps({
            "access_token": access_token, "token_type": "Bearer", "expires_in": 3600,
            "id_token": id_token, "scope": grant.get("scope", ""), "refresh_token": refresh_token,
        })

    def _refresh_grant(self, req: Any, form: dict[str, str], context: Any) -> str:
        """A refresh that keeps the refresh token (no rotation), with an id_token when asked."""
        problem = self._client_auth_problem(req, form)
        if problem is None and form.get("refresh_token") not in self.refresh_tokens:
            problem = "invalid_grant"
        if problem:
            context.status_code = 401 if problem == "invalid_client" else 400
            return json.dumps({"error": problem})
        access_token = secrets.token_urlsafe(24)
        self.access_tokens.append(access_token)
        answer: dict[str, Any] = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
        if self.refresh_id_token_claims is not None:
            claims = {"at_hash": left_half_hash(access_token), **self.refresh_id_token_claims}
            answer["id_token"] = self.sign_id_token(**claims)
        return json.dumps(answer)

    def _client_auth_problem(self, req: Any, form: dict[str, str]) -> str | None:
        authorization = req.headers.get("Authorization")
        if self.client_secret is None:
            ok = authorization is None and form.get("client_id") == CLIENT_ID and "client_secret" not in form
        else:
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
            ok = authorization == expected and "client_secret" not in form
        return None if ok else "invalid_client"

    def _grant_problem(self, form: dict[str, str]) -> str | None:
        grant = self.grants.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None:
            return "invalid_grant"
        if form.get("redirect_uri") != grant.get("redirect_uri"):
            return "invalid_grant"
        challenge = b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if grant.get("code_challenge_method") != "S256" or challenge != grant.get("code_challenge"):
            return "invalid_grant"
        return None

    def _userinfo_endpoint(self, req: Any, context: Any) -> str:
        bearer = req.headers.get("Authorization", "")
        if not bearer.startswith("Bearer ") or bearer[len("Bearer "):] not in self.access_tokens:
            context.status_code = 401
            return ""
        if self.userinfo_answer is not None:
            context.headers["Content-Type"], body = self.userinfo_answer
            return body
        context.headers["Content-Type"] = "application/json"
        return json.dumps(self.userinfo_claims)


# -- the relying party ----------------------------------------------------------------


@dataclass
class RelyingParty:
    """A Flask app with the usual login/callback/logout routes and the tokens its callback returned."""

    app: Flask
    oauth: OAuth
    tokens: list[dict[str, Any]]

    def log_in(self, client: Any, provider: FakeOpenIDProvider, **authorize: Any) -> Any:
        """GET /login, let the provider authorize, GET /callback; return the callback response."""
        callback = self.start_login(client, provider, **authorize)
        return client.get("/callback", query_string=callback)

    def start_login(self, client: Any, provider: FakeOpenIDProvider, **authorize: Any) -> dict[str, str]:
        start = client.get("/login")
        assert start.status_code == 302
        return provider.authorize(start.headers["Location"], **authorize)

    def session_of(self, client: Any) -> dict[str, Any]:
        """The decoded Flask session cookie of a test client."""
        cookie = client.get_cookie("session")
        if cookie is None:
            return {}
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        return dict(serializer.loads(cookie.value))


def make_relying_party(
    cache: Any = None, configure: Callable[[Flask], None] | None = None, **register: Any
) -> RelyingParty:
    """An app registering ``prov`` (confidential OIDC client using discovery unless ``register`` says otherwise)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="relying-party-secret-key", TESTING=True)
    if configure is not None:
        configure(app)
    oauth = OAuth(app, cache=cache)
    settings: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": DISCOVERY_URL,
        "client_kwargs": {"scope": "openid email profile"},
    }
    settings.update(register)
    oauth.register("prov", **{k: v for k, v in settings.items() if v is not None})
    tokens: list[dict[str, Any]] = []

    @app.route("/login")
    def login() -> Any:
        return oauth.prov.authorize_redirect(url_for("callback", _external=True))

    @app.route("/login-with-state/<state>")
    def login_with_state(state: str) -> Any:
        return oauth.prov.authorize_redirect(url_for("callback", _external=True), state=state)

    @app.route("/callback", methods=["GET", "POST"])
    def callback() -> Any:
        token = oauth.prov.authorize_access_token()
        tokens.append(token)
        return jsonify(token)

    @app.route("/callback-handled", methods=["GET", "POST"])
    def callback_handled() -> Any:
        # What real apps do: catch the error and answer, so the session (state discarded) is saved.
        try:
            token = oauth.prov.authorize_access_token()
        except OAuthError as exc:
            return jsonify({"error": exc.error, "description": exc.description}), 400
        tokens.append(token)
        return jsonify(token)

    @app.route("/logout")
    def logout() -> Any:
        return oauth.prov.logout_redirect(
            url_for("logged_out", _external=True), id_token_hint=request.args.get("id_token_hint")
        )

    @app.route("/logged-out")
    def logged_out() -> Any:
        return jsonify(oauth.prov.validate_logout_response())

    return RelyingParty(app, oauth, tokens)


# -- small readers used by the login tests ------------------------------------------------------


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def entropy_bits(value: str) -> int:
    return 8 * len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def form_of(request: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.text).items()}


def state_entries(rp: RelyingParty, client: Any) -> dict[str, Any]:
    return {k: v for k, v in rp.session_of(client).items() if k.startswith("_state_prov_")}
