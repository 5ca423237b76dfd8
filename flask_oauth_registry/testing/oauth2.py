"""``FakeOAuth2Provider``: one registered OAuth 2 / OpenID Connect app's provider, played in-process.

It answers discovery, JWKS, the authorization request (consent given or refused
without a browser), token (code, refresh and client-credentials grants), userinfo,
revocation, end-session and the app's API, and checks what a strict provider checks:
the client id and redirect URI, state and nonce sent, client authentication as the
app is configured, single-use codes bound to their redirect URI and PKCE challenge.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..registry.config import ClientConfig
from .client_checks import client_auth_problem, pkce_problem
from .endpoints import FIXED, EndpointLayout
from .keys import SigningKeys
from .records import Answer, Sent, json_answer, oauth_error

#: The subject of logins that name none.
DEFAULT_SUBJECT = "user-1"
TOKEN_LIFETIME = 3600


class AuthorizationRequestRejected(AssertionError):
    """The app's authorization request is one a strict provider refuses (shown to the user, not redirected)."""


@dataclass
class Grant:
    """What a code or token was issued for: the user's claims, the granted scope, the authorization request."""

    claims: dict[str, Any]
    scope: str
    request: dict[str, str] = field(default_factory=dict)
    expired: bool = False
    revoked: bool = False


def _at_hash(access_token: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()[:16]).rstrip(b"=").decode()


class FakeOAuth2Provider:
    """The provider of one registered app (its :class:`ClientConfig`), with the state a real one keeps."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.layout = EndpointLayout.for_app(config)
        self.keys = SigningKeys()
        self.sent: list[Sent] = []
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.failures: dict[str, list[Answer]] = {}
        self.deny_next = False
        #: The user of the next consent: claims and scopes (``None``: what was asked).
        self.user_claims: dict[str, Any] = {"sub": DEFAULT_SUBJECT}
        self.granted_scopes: list[str] | None = None
        #: API answers by path (below ``api_base_url``); others answer the user's claims.
        self.api_answers: dict[str, Any] = {}

    # -- the browser's visit -------------------------------------------------------------
    def is_authorization_url(self, url: str) -> bool:
        return url.split("?", 1)[0] == self.layout.authorization

    def consent(self, location: str, record: bool) -> tuple[str, dict[str, str], bool]:
        """The redirect URI, the callback parameters and whether they are posted (``response_mode=form_post``)."""
        params = dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))
        callback = self.authorize(location, record)
        return params.get("redirect_uri", ""), callback, params.get("response_mode") == "form_post"

    def authorize(self, location: str, record: bool = True) -> dict[str, str]:
        """Play the user's visit to ``location``: check the request, then the callback parameters."""
        params = dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))
        if record:
            self.sent.append(Sent("authorization", "GET", location, params))
        self._check_authorization_request(params)
        state = {"state": params["state"]}
        failure = self.failures.get("authorization")
        if record and failure:
            return {"error": _error_code(failure.pop(0)), **state}
        if record and self.deny_next:
            self.deny_next = False
            return {"error": "access_denied", "error_description": "the user refused consent", **state}
        code = secrets.token_urlsafe(24)
        scope = " ".join(self.granted_scopes) if self.granted_scopes is not None else params.get("scope", "")
        self.codes[code] = Grant(dict(self.user_claims), scope, params)
        return {"code": code, **state}

    def _check_authorization_request(self, params: dict[str, str]) -> None:
        problems = []
        if params.get("response_type") != "code":
            problems.append("response_type is not code")
        if params.get("client_id") != self.config.client_id:
            problems.append("client_id is not the app's")
        if not params.get("redirect_uri"):
            problems.append("no redirect_uri")
        if not params.get("state"):
            problems.append("no state (CSRF protection, RFC 6749 10.12)")
        if "openid" in params.get("scope", "").split() and not params.get("nonce"):
            problems.append("an openid request without nonce")
        if "code_challenge" in params and params.get("code_challenge_method", "plain") not in ("S256", "plain"):
            problems.append("an unknown code_challenge_method")
        if problems:
            found = "; ".join(problems)
            raise AuthorizationRequestRejected(f"{self.config.name}: the authorization request has {found}")

    # -- the app's HTTP calls ------------------------------------------------------------
    def handle(self, sent: Sent) -> Answer:
        """Answer a request the app sent (its ``endpoint`` already named)."""
        self.sent.append(sent)
        queued = self.failures.get(sent.endpoint)
        if queued:
            return queued.pop(0)
        handler = getattr(self, "_" + sent.endpoint)
        return handler(sent)  # type: ignore[no-any-return]

    def _discovery(self, sent: Sent) -> Answer:
        return json_answer(self.layout.discovery_document())

    def _jwks(self, sent: Sent) -> Answer:
        return json_answer(self.keys.jwks())

    def _end_session(self, sent: Sent) -> Answer:
        return Answer(200, "signed out", {"Content-Type": "text/plain"})

    def _token(self, sent: Sent) -> Answer:
        if sent.method != "POST":
            return oauth_error("invalid_request", "the token endpoint takes POST")
        if client_auth_problem(self.config, sent, self.layout.token):
            return oauth_error("invalid_client", status=401)
        grant_type = sent.params.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(sent.params)
        if grant_type == "refresh_token":
            return self._refresh_grant(sent.params)
        if grant_type == "client_credentials":
            return self._issue(Grant({"sub": self.config.client_id or ""}, sent.params.get("scope", "")), False)
        return oauth_error("unsupported_grant_type")

    def _code_grant(self, form: dict[str, str]) -> Answer:
        grant = self.codes.pop(form.get("code", ""), None)  # single use, even when refused below
        if grant is None or form.get("redirect_uri") != grant.request.get("redirect_uri"):
            return oauth_error("invalid_grant")
        if pkce_problem(grant.request, form):
            return oauth_error("invalid_grant", "the code_verifier does not match the code_challenge")
        return self._issue(grant, True)

    def _refresh_grant(self, form: dict[str, str]) -> Answer:
        grant = self.refresh_tokens.get(form.get("refresh_token", ""))
        if grant is None or grant.revoked:
            return oauth_error("invalid_grant")
        return self._issue(Grant(grant.claims, grant.scope, grant.request), False, form.get("refresh_token"))

    def _issue(self, grant: Grant, with_id_token: bool, refresh_token: str | None = None) -> Answer:
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant
        if refresh_token is None:  # refresh tokens are not rotated
            refresh_token = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh_token] = Grant(grant.claims, grant.scope, grant.request)
        answer: dict[str, Any] = {
            "access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
            "refresh_token": refresh_token, "scope": grant.scope,
        }
        if with_id_token and "openid" in grant.scope.split():
            answer["id_token"] = self.id_token(grant, access_token)
        return json_answer(answer)

    def id_token(self, grant: Grant, access_token: str) -> str:
        """An RS256 ID token for ``grant``: the user's claims, the request's nonce, ``at_hash``."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.layout.issuer, "aud": self.config.client_id, "iat": now, "exp": now + TOKEN_LIFETIME,
            "auth_time": now, "at_hash": _at_hash(access_token), **grant.claims,
        }
        if grant.request.get("nonce"):
            claims["nonce"] = grant.request["nonce"]
        return self.keys.sign(claims)

    def _bearer_grant(self, sent: Sent) -> Grant | Answer:
        """The grant of the request's bearer token, or the 401 a resource server sends."""
        header = sent.headers.get("Authorization", "")
        token = header[7:] if header[:7].lower() == "bearer " else sent.params.get("access_token", "")
        grant = self.access_tokens.get(token)
        if grant is None or grant.revoked or grant.expired:
            return oauth_error("invalid_token", status=401)
        return grant

    def _userinfo(self, sent: Sent) -> Answer:
        grant = self._bearer_grant(sent)
        return grant if isinstance(grant, Answer) else json_answer(grant.claims)

    def _api(self, sent: Sent) -> Answer:
        grant = self._bearer_grant(sent)
        if isinstance(grant, Answer):
            return grant
        relative = sent.url.split("?", 1)[0][len(self.layout.api or ""):]
        return json_answer(self.api_answers.get(relative, grant.claims))

    def _revocation(self, sent: Sent) -> Answer:
        if client_auth_problem(self.config, sent, self.layout.revocation):
            return oauth_error("invalid_client", status=401)
        token = sent.params.get("token", "")
        for table in (self.access_tokens, self.refresh_tokens):
            if token in table:
                table[token].revoked = True
        return Answer(200)

    # -- what the kit's helpers change -------------------------------------------------------
    def set_user(self, claims: dict[str, Any] | None, scopes: list[str] | None) -> None:
        """The user who consents next: ``claims`` (``sub`` defaults to ``"user-1"``), the ``scopes`` granted."""
        self.user_claims = {"sub": DEFAULT_SUBJECT, **(claims or {})}
        self.granted_scopes = list(scopes) if scopes is not None else None

    @staticmethod
    def endpoint_names() -> tuple[str, ...]:
        return (*FIXED, "api")

    def expire_tokens(self) -> None:
        for grant in self.access_tokens.values():
            grant.expired = True

    def revoke_all(self) -> None:
        for table in (self.access_tokens, self.refresh_tokens):
            for grant in table.values():
                grant.revoked = True

    def code_was_redeemed(self, code: str) -> bool:
        return any(s.endpoint == "token" and s.params.get("code") == code for s in self.sent)


def _error_code(answer: Answer) -> str:
    return str(json.loads(answer.body).get("error", "server_error"))
