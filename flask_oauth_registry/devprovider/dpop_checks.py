"""DPoP proof checks (RFC 9449 4.3): one proof JWT against the HTTP request it came with, and the server nonces.

:func:`check_proof` is pure: it takes the proof, the request's method and URL,
the access token (at a resource) and the clock, and returns the key's thumbprint
or raises :class:`DPoPRefused`.  :class:`DPoPVerifier` adds what needs memory:
the ``jti`` values seen within the window (a replayed proof is refused) and the
nonces (:class:`DPoPNonces`) when they are switched on.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt

from .keys import jwk_thumbprint

#: Asymmetric JWS algorithms a proof may use (never ``none`` or a MAC: the key is in the proof).
DPOP_ALGORITHMS = ("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA")
PROOF_TYPE = "dpop+jwt"
#: JWK members that only a private key has; a proof carrying one is refused.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
INVALID_PROOF = "invalid_dpop_proof"
USE_NONCE = "use_dpop_nonce"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class DPoPRefused(Exception):
    """A proof that does not pass: ``error`` is ``invalid_dpop_proof`` or ``use_dpop_nonce``."""

    def __init__(self, description: str, error: str = INVALID_PROOF) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class DPoPProof:
    """A proof that passed: the thumbprint of its key (what tokens are bound to) and its ``jti``."""

    jkt: str
    jti: str


def proof_header(headers: Mapping[str, str]) -> str | None:
    """The request's ``DPoP`` header, whatever the case of its name."""
    return next((value for name, value in headers.items() if name.lower() == "dpop"), None)


def b64url_sha256(value: str) -> str:
    """base64url (no padding) of the SHA-256 of ``value``: ``ath`` for an access token."""
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def normalize_htu(url: str) -> tuple[str, str, int | None, str]:
    """``url`` as compared for ``htu``: scheme and host lower-cased, default port filled in, no query or fragment."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme), parts.path or "/"


def check_proof(
    proof: str,
    *,
    method: str,
    url: str,
    now: float,
    window: int,
    access_token: str | None = None,
    nonce_ok: Callable[[Any], bool] | None = None,
) -> DPoPProof:
    """Check one proof against the request (RFC 9449 4.3 steps 1-12, without the ``jti`` memory).

    ``nonce_ok`` is given when nonces are on: a proof whose ``nonce`` it refuses
    (missing or stale) gets ``use_dpop_nonce``.  ``access_token`` is given at a
    resource: the proof's ``ath`` must be its hash.
    """
    try:
        header = jwt.get_unverified_header(proof)
    except jwt.PyJWTError:
        raise DPoPRefused("The DPoP proof is not a JWT.") from None
    if header.get("typ") != PROOF_TYPE:
        raise DPoPRefused("The DPoP proof's typ is not dpop+jwt.")
    alg = header.get("alg")
    if alg not in DPOP_ALGORITHMS:
        raise DPoPRefused("The DPoP proof's alg is not an accepted asymmetric algorithm.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise DPoPRefused("The DPoP proof has no jwk header.")
    if PRIVATE_MEMBERS & set(jwk):
        raise DPoPRefused("The DPoP proof's jwk header holds a private key.")
    try:
        key = jwt.PyJWK(jwk, algorithm=alg)
        jkt = jwk_thumbprint(jwk)
        claims = jwt.decode(
            proof, key.key, algorithms=[alg],
            options={"verify_aud": False, "verify_iat": False, "verify_exp": False, "verify_nbf": False},
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        raise DPoPRefused("The DPoP proof's signature does not verify with its jwk.") from None
    _check_claims(claims, method=method, url=url, now=now, window=window, access_token=access_token)
    if nonce_ok is not None and not nonce_ok(claims.get("nonce")):
        raise DPoPRefused("A fresh DPoP nonce is required.", USE_NONCE)
    return DPoPProof(jkt, str(claims["jti"]))


def _check_claims(
    claims: dict[str, Any], *, method: str, url: str, now: float, window: int, access_token: str | None
) -> None:
    for name in ("jti", "htm", "htu"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise DPoPRefused(f"The DPoP proof has no {name} claim.")
    iat = claims.get("iat")
    if not isinstance(iat, (int, float)) or isinstance(iat, bool):
        raise DPoPRefused("The DPoP proof has no iat claim.")
    if abs(now - iat) > window:
        raise DPoPRefused("The DPoP proof's iat is outside the accepted window.")
    if claims["htm"] != method.upper():
        raise DPoPRefused("The DPoP proof's htm is not this request's method.")
    if normalize_htu(claims["htu"]) != normalize_htu(url):
        raise DPoPRefused("The DPoP proof's htu is not this request's URL.")
    if access_token is not None and claims.get("ath") != b64url_sha256(access_token):
        raise DPoPRefused("The DPoP proof's ath is not the hash of the access token.")


class DPoPNonces:
    """Server nonces (RFC 9449 8, 9): one current value, rotated every ``ttl`` seconds; the previous stays good."""

    def __init__(self, ttl: int, clock: Callable[[], float] = time.time) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._current = secrets.token_urlsafe(24)
        self._previous: str | None = None
        self._since = clock()

    def current(self) -> str:
        """The nonce to send in ``DPoP-Nonce`` now (rotating it when its time is up)."""
        with self._lock:
            if self._clock() - self._since >= self._ttl:
                self._previous, self._current, self._since = self._current, secrets.token_urlsafe(24), self._clock()
            return self._current

    def accepts(self, nonce: Any) -> bool:
        """Whether a proof's ``nonce`` is the current or the previous one."""
        current = self.current()
        return isinstance(nonce, str) and nonce in (current, self._previous)


class DPoPVerifier:
    """:func:`check_proof` plus replay detection and nonces, as the provider's settings say."""

    def __init__(
        self,
        window: int,
        remember_jti: Callable[[str, str, float], bool],
        nonces: DPoPNonces | None = None,
        clock: Callable[[], float] = time.time,
        count: Callable[[str], None] = lambda name: None,
    ) -> None:
        self.window = window
        self.nonces = nonces
        self._remember_jti = remember_jti
        self._clock = clock
        self._count = count

    def verify(self, proof: str, method: str, url: str, access_token: str | None = None) -> DPoPProof:
        """The checked proof; a ``jti`` seen before from the same key within the window is refused.

        Counts ``dpop_proofs``, ``dpop_proofs_refused`` and ``dpop_nonce_challenges`` (see ``/_dev/stats``).
        """
        try:
            checked = check_proof(
                proof, method=method, url=url, now=self._clock(), window=self.window, access_token=access_token,
                nonce_ok=self.nonces.accepts if self.nonces else None,
            )
            if not self._remember_jti(checked.jkt, checked.jti, 2 * self.window):
                raise DPoPRefused("The DPoP proof was used before (jti).")
        except DPoPRefused as refused:
            self._count("dpop_nonce_challenges" if refused.error == USE_NONCE else "dpop_proofs_refused")
            raise
        self._count("dpop_proofs")
        return checked

    def nonce(self) -> str | None:
        """The nonce to send in ``DPoP-Nonce``, or None when nonces are off."""
        return self.nonces.current() if self.nonces else None
