"""``FakeOpenIDProvider``: an OpenID provider (discovery, JWKS, token, userinfo) made of requests-mock handlers.

The provider checks what a real one checks (client authentication, PKCE, the
redirect URI, single-use codes) so a login test that passes shows the client sent
the right request, not merely that a mock answered.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .base import Endpoint, FakeProvider, json_answer
from .keys import SigningKey, b64url, jwks, left_half_hash

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


def id_token_claims(**overrides: Any) -> dict[str, Any]:
    """Valid ID-token claims for CLIENT_ID from ISSUER; an override of ``None`` removes the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "sub": SUBJECT, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def discovery_document(**overrides: Any) -> dict[str, Any]:
    """The provider's metadata; an override of ``None`` removes the field."""
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


class FakeOpenIDProvider(FakeProvider):
    """Discovery, JWKS, token and userinfo endpoints, installed on ``requests_mock`` when built.

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
        super().__init__()
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
        self.install(requests_mock)

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("discovery", "GET", DISCOVERY_URL, lambda req, ctx: json_answer(ctx, self.metadata)),
            Endpoint("jwks", "GET", JWKS_URI, lambda req, ctx: json_answer(ctx, jwks(*self.published_keys))),
            Endpoint("token", "POST", TOKEN_ENDPOINT, self._token_endpoint),
            Endpoint("userinfo", "GET", USERINFO_ENDPOINT, self._userinfo_endpoint),
        ]

    # -- what the tests look at ---------------------------------------------------
    @property
    def discovery_requests(self) -> int:
        return len(self.sent("discovery"))

    @property
    def jwks_requests(self) -> int:
        return len(self.sent("jwks"))

    @property
    def token_requests(self) -> list[Any]:
        return self.sent("token")

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
