"""Thread-safe in-memory storage of codes, tokens, granted scopes and nonces (lost on restart, dev only).

Every read-modify-write happens under one lock, so single-use artefacts
(authorization codes, rotated refresh tokens, OAuth 1 request tokens, nonces)
are claimed by exactly one of several concurrent requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .device_codes import DeviceCodes
from .par import PushedRequests
from .scope_grants import merge_scopes


def now() -> float:
    """Current time; a function so tests could patch it."""
    return time.time()


@dataclass
class CodeGrant:
    """An authorization code and everything the token request needs to know about it."""

    code: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    user: str
    auth_time: int
    expires_at: float
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    claims: dict | None = None
    #: The DPoP key thumbprint the authorization request bound the code to (RFC 9449 10).
    dpop_jkt: str | None = None


@dataclass
class AccessToken:
    """An issued OAuth 2 bearer token; ``user`` is None for client_credentials."""

    token: str
    client_id: str
    scopes: list[str]
    expires_at: float
    user: str | None = None
    auth_time: int | None = None
    refresh_token: str | None = None
    #: Thumbprint of the DPoP key the token is bound to (``cnf.jkt``); None for a Bearer token.
    jkt: str | None = None


@dataclass
class RefreshToken:
    """A refresh token; it is removed the moment it is used (rotation)."""

    token: str
    client_id: str
    scopes: list[str]
    expires_at: float
    user: str | None = None
    auth_time: int | None = None
    access_token: str | None = None
    #: Thumbprint of the DPoP key of the grant; a public client must refresh with the same key (RFC 9449 5).
    jkt: str | None = None


@dataclass
class OAuth1Token:
    """An OAuth 1 request token (with callback/verifier/user) or access token."""

    token: str
    secret: str
    client_key: str
    expires_at: float | None
    realms: list[str] = field(default_factory=list)
    callback: str | None = None
    user: str | None = None
    verifier: str | None = None


class Store:
    """All mutable provider state.  Expired entries are ignored and pruned lazily."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._codes: dict[str, CodeGrant] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._oauth1_request: dict[str, OAuth1Token] = {}
        self._oauth1_access: dict[str, OAuth1Token] = {}
        self._nonces: dict[tuple[str, ...], float] = {}
        self._granted: dict[tuple[str, str], tuple[str, ...]] = {}
        #: Device codes of the device authorization grant (their own lock: nothing else reads them).
        self.devices = DeviceCodes(clock=lambda: now())
        #: Pushed authorization requests by ``request_uri`` (RFC 9126; their own lock too).
        self.pushed = PushedRequests(clock=lambda: now())

    # -- OAuth 2 authorization codes -------------------------------------------------
    def save_code(self, grant: CodeGrant) -> None:
        """Remember a freshly issued authorization code."""
        with self._lock:
            self._codes[grant.code] = grant

    def peek_code(self, code: str) -> CodeGrant | None:
        """The unexpired grant for ``code`` without consuming it."""
        with self._lock:
            grant = self._codes.get(code)
            return grant if grant and grant.expires_at > now() else None

    def claim_code(self, code: str, client_id: str) -> CodeGrant | None:
        """Remove and return the grant if it belongs to ``client_id``; single use."""
        with self._lock:
            grant = self._codes.get(code)
            if grant is None or grant.client_id != client_id:
                return None
            del self._codes[code]
            return grant if grant.expires_at > now() else None

    # -- OAuth 2 granted scopes (incremental authorization) --------------------------
    def grant_scopes(self, user: str, client_id: str, scopes: Iterable[str]) -> tuple[str, ...]:
        """Add ``scopes`` to what ``user`` granted ``client_id``; returns the whole grant."""
        with self._lock:
            key = (user, client_id)
            self._granted[key] = merge_scopes(self._granted.get(key, ()), scopes)
            return self._granted[key]

    def granted_scopes(self, user: str | None, client_id: str | None) -> tuple[str, ...]:
        """Every scope ``user`` has granted ``client_id`` so far (empty if none)."""
        with self._lock:
            return self._granted.get((user or "", client_id or ""), ())

    # -- OAuth 2 tokens --------------------------------------------------------------
    def save_tokens(self, access: AccessToken, refresh: RefreshToken | None) -> None:
        """Store an access token and, when issued, its refresh token."""
        with self._lock:
            self._prune()
            self._access[access.token] = access
            if refresh is not None:
                self._refresh[refresh.token] = refresh

    def access_token(self, token: str | None) -> AccessToken | None:
        """The unexpired access token record, if any."""
        with self._lock:
            record = self._access.get(token or "")
            return record if record and record.expires_at > now() else None

    def consume_refresh(self, token: str, client_id: str) -> RefreshToken | None:
        """Atomically take a refresh token issued to ``client_id`` (rotation: use once)."""
        with self._lock:
            record = self._refresh.get(token)
            if record is None or record.client_id != client_id:
                return None
            del self._refresh[token]
            return record if record.expires_at > now() else None

    def revoke(self, token: str, client_id: str | None, hint: str | None = None) -> bool:
        """RFC 7009: drop an access or refresh token owned by ``client_id``.

        Revoking a refresh token also revokes the access token issued with it.
        """
        with self._lock:
            order = ("refresh", "access") if hint == "refresh_token" else ("access", "refresh")
            for kind in order:
                table = self._refresh if kind == "refresh" else self._access
                record = table.get(token)
                if record is None or record.client_id != client_id:
                    continue
                del table[token]
                if isinstance(record, RefreshToken) and record.access_token:
                    self._access.pop(record.access_token, None)
                return True
            return False

    # -- OAuth 1 ---------------------------------------------------------------------
    def save_oauth1_request_token(self, token: OAuth1Token) -> None:
        """Remember a temporary credential."""
        with self._lock:
            self._prune()
            self._oauth1_request[token.token] = token

    def oauth1_request_token(self, token: str | None) -> OAuth1Token | None:
        """The unexpired request token record, if any."""
        with self._lock:
            record = self._oauth1_request.get(token or "")
            if record and record.expires_at is not None and record.expires_at <= now():
                return None
            return record

    def update_oauth1_request_token(self, token: str, **changes: object) -> bool:
        """Set fields (``user``, ``verifier``) on a live request token; False if unknown."""
        with self._lock:
            record = self.oauth1_request_token(token)
            if record is None:
                return False
            for name, value in changes.items():
                setattr(record, name, value)
            return True

    def pop_oauth1_request_token(self, token: str) -> OAuth1Token | None:
        """Remove a request token (after exchange, or after the user denied it)."""
        with self._lock:
            return self._oauth1_request.pop(token, None)

    def save_oauth1_access_token(self, token: OAuth1Token) -> None:
        """Remember a token credential."""
        with self._lock:
            self._oauth1_access[token.token] = token

    def oauth1_access_token(self, token: str | None) -> OAuth1Token | None:
        """The access token record, if any (OAuth 1 access tokens do not expire here)."""
        with self._lock:
            return self._oauth1_access.get(token or "")

    def use_nonce(self, key: tuple[str, ...], lifetime: float) -> bool:
        """Record a (client, timestamp, nonce, token) tuple; False if it was seen before."""
        with self._lock:
            cutoff = now() - lifetime
            if len(self._nonces) > 10_000:
                self._nonces = {k: t for k, t in self._nonces.items() if t > cutoff}
            if key in self._nonces:
                return False
            self._nonces[key] = now()
            return True

    def nonce_seen(self, key: tuple[str, ...], lifetime: float) -> bool:
        """Whether :meth:`use_nonce` recorded ``key`` within ``lifetime`` seconds (nothing is recorded)."""
        with self._lock:
            seen = self._nonces.get(key)
            return seen is not None and seen > now() - lifetime

    def _prune(self) -> None:
        """Forget expired codes and tokens so a long-running dev server stays small."""
        t = now()
        for table in (self._codes, self._access, self._refresh, self._oauth1_request):
            for key in [k for k, v in table.items() if v.expires_at and v.expires_at <= t]:
                del table[key]
