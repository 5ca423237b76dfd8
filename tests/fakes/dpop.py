"""A DPoP-checking token endpoint, resource and PAR endpoint (RFC 9449, RFC 9126) made of requests-mock handlers.

Every proof the client sends is decoded and checked here the way a server does:
``typ``, the public ``jwk`` header (no private member), the signature with that
key, ``htm``, ``htu`` (no query or fragment), ``iat``, a ``jti`` never seen before,
the server's current ``nonce`` when it requires one, ``ath`` on resource calls, and
that a token (and its refresh token) is used with the key it was bound to.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
from typing import Any
from urllib.parse import parse_qs

import jwt

ORIGIN = "https://as.test"
AUTHORIZE_URL = ORIGIN + "/authorize"
TOKEN_URL = ORIGIN + "/token"
PAR_URL = ORIGIN + "/par"
API = "https://rs.test/api/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638, written out member by member (independently of the client's code)."""
    if jwk["kty"] == "EC":
        canonical = f'{{"crv":"{jwk["crv"]}","kty":"EC","x":"{jwk["x"]}","y":"{jwk["y"]}"}}'
    elif jwk["kty"] == "RSA":
        canonical = f'{{"e":"{jwk["e"]}","kty":"RSA","n":"{jwk["n"]}"}}'
    else:
        canonical = f'{{"crv":"{jwk["crv"]}","kty":"OKP","x":"{jwk["x"]}"}}'
    return b64url(hashlib.sha256(canonical.encode()).digest())


class ProofError(AssertionError):
    """A proof a server would refuse."""


def check_proof(
    proof: str | None, method: str, url: str, *, access_token: str | None = None, nonce: str | None = None
) -> tuple[dict[str, Any], str]:
    """Decode and check one proof completely; return its claims and its key's thumbprint."""
    if not proof:
        raise ProofError("no DPoP header")
    header = jwt.get_unverified_header(proof)
    if header.get("typ") != "dpop+jwt":
        raise ProofError(f"typ is {header.get('typ')!r}")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or set(jwk) & {"d", "p", "q", "dp", "dq", "qi"}:
        raise ProofError("the jwk header is missing or carries a private member")
    key = jwt.PyJWK(jwk)
    claims = jwt.decode(proof, key.key, algorithms=[header["alg"]])  # the signature, with the embedded key
    target = url.split("?", 1)[0].split("#", 1)[0]
    if claims.get("htm") != method or claims.get("htu") != target:
        raise ProofError(f"htm/htu are {claims.get('htm')} {claims.get('htu')}, not {method} {target}")
    if abs(claims.get("iat", 0) - time.time()) > 60 or len(str(claims.get("jti", ""))) < 16:
        raise ProofError("iat or jti is wrong")
    expected_ath = None if access_token is None else b64url(hashlib.sha256(access_token.encode()).digest())
    if claims.get("ath") != expected_ath:
        raise ProofError(f"ath is {claims.get('ath')!r}, expected {expected_ath!r}")
    if nonce is not None and claims.get("nonce") != nonce:
        raise ProofError("use_dpop_nonce")
    return claims, thumbprint(jwk)


class DPoPServer:
    """An authorization server and a resource server that require DPoP; every proof is checked and kept.

    ``nonce`` (when set) is required in every proof and sent on every answer;
    ``rotate_nonce()`` makes the next request meet a challenge.  Tokens are bound to
    the key of the proof that obtained them; refresh tokens too.
    """

    def __init__(
        self, requests_mock: Any, *, nonce: str | None = None, token_type: str = "DPoP", first_serial: int = 1
    ) -> None:
        self.nonce = nonce
        self.token_type = token_type
        self.proofs: list[dict[str, Any]] = []
        self.jtis: set[str] = set()
        self.bound: dict[str, str] = {}
        self.challenges = 0
        self.pushed: list[dict[str, list[str]]] = []
        self.always_challenge = False
        self._serial = itertools.count(first_serial)
        requests_mock.post(TOKEN_URL, json=self._token)
        requests_mock.post(PAR_URL, json=self._par)
        requests_mock.register_uri("GET", API + "me", json=self._resource)
        requests_mock.register_uri("POST", API + "me", json=self._resource)

    def rotate_nonce(self) -> str:
        self.nonce = f"nonce-{next(self._serial)}"
        return self.nonce

    def _proof(self, req: Any, access_token: str | None = None) -> tuple[dict[str, Any], str]:
        claims, jkt = check_proof(req.headers.get("DPoP"), req.method, req.url, access_token=access_token)
        if claims["jti"] in self.jtis:
            raise ProofError("replayed jti")
        self.jtis.add(claims["jti"])
        self.proofs.append(claims)
        return claims, jkt

    def _needs_nonce(self, claims: dict[str, Any]) -> bool:
        return self.always_challenge or (self.nonce is not None and claims.get("nonce") != self.nonce)

    def _token(self, req: Any, context: Any) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs(req.text or "").items()}
        try:
            claims, jkt = self._proof(req)
        except ProofError as exc:
            context.status_code = 400
            return {"error": "invalid_dpop_proof", "error_description": str(exc)}
        if self.nonce is not None:
            context.headers["DPoP-Nonce"] = self.nonce
        if self._needs_nonce(claims):
            self.challenges += 1
            context.status_code = 400
            return {"error": "use_dpop_nonce", "error_description": "a nonce is required"}
        if form.get("grant_type") == "refresh_token" and self.bound.get(form.get("refresh_token", "")) != jkt:
            context.status_code = 400
            return {"error": "invalid_grant", "error_description": "the refresh token is bound to another key"}
        if form.get("grant_type") == "authorization_code" and form.get("code") != "the-code":
            context.status_code = 400
            return {"error": "invalid_grant"}
        n = next(self._serial)
        access_token, refresh_token = f"at-{n}", f"rt-{n}"
        self.bound[access_token] = self.bound[refresh_token] = jkt
        return {"access_token": access_token, "refresh_token": refresh_token, "token_type": self.token_type,
                "expires_in": 3600}

    def _resource(self, req: Any, context: Any) -> dict[str, Any]:
        scheme, _, access_token = (req.headers.get("Authorization") or "").partition(" ")
        if scheme != "DPoP":
            context.status_code = 401
            return {"error": "not a DPoP token"}
        try:
            claims, jkt = self._proof(req, access_token)
        except ProofError as exc:
            context.status_code = 401
            return {"error": str(exc)}
        if self.nonce is not None:
            context.headers["DPoP-Nonce"] = self.nonce
        if self._needs_nonce(claims):
            self.challenges += 1
            context.status_code = 401
            context.headers["WWW-Authenticate"] = 'DPoP error="use_dpop_nonce", error_description="nonce"'
            return {}
        if self.bound.get(access_token) != jkt:
            context.status_code = 401
            context.headers["WWW-Authenticate"] = 'DPoP error="invalid_token"'
            return {}
        return {"sub": "alice", "jkt": jkt}

    def _par(self, req: Any, context: Any) -> dict[str, Any]:
        form = parse_qs(req.text or "")
        self.pushed.append(form)
        context.status_code = 201
        return {"request_uri": f"urn:ietf:params:oauth:request_uri:{next(self._serial)}", "expires_in": 60}
