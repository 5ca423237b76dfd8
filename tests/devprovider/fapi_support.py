"""Hand-made client keys, DPoP proofs, assertions and request objects for the dev provider's FAPI 2.0 tests.

Everything is signed here with pyjwt and cryptography, so each test controls
every header and claim the provider checks.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from flask_oauth_registry.devprovider import OAuth2ClientConfig, RunningProvider

FAPI_CLIENT_ID = "fapi-client"
CALLBACK = "http://127.0.0.1:8765/callback"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638, written out independently of the provider's code."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


@dataclass
class EcKey:
    """A P-256 key pair: a client's private_key_jwt key or a DPoP key."""

    private: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    kid: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def public_jwk(self) -> dict[str, Any]:
        return ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)

    @property
    def private_jwk(self) -> dict[str, Any]:
        return ECAlgorithm.to_jwk(self.private, as_dict=True)

    @property
    def jkt(self) -> str:
        return thumbprint(self.public_jwk)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.public_jwk, "kid": self.kid, "use": "sig", "alg": "ES256"}]}

    def proof(self, method: str, url: str, *, access_token: str | None = None, nonce: str | None = None,
              iat: float | None = None, jti: str | None = None, typ: str = "dpop+jwt",
              jwk: dict[str, Any] | None = None, **claims: Any) -> str:
        """A DPoP proof (RFC 9449 4.2) for ``method`` ``url``; keywords override what a test wants broken."""
        body: dict[str, Any] = {"jti": jti or secrets.token_urlsafe(12), "htm": method, "htu": url,
                                "iat": int(time.time() if iat is None else iat)}
        if access_token is not None:
            body["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        if nonce is not None:
            body["nonce"] = nonce
        body.update(claims)
        headers = {"typ": typ, "jwk": jwk or self.public_jwk}
        return jwt.encode(body, self.private, algorithm="ES256", headers=headers)

    def signed(self, claims: dict[str, Any]) -> str:
        """A JWT signed with this key under its ``kid`` (assertions, request objects)."""
        return jwt.encode(claims, self.private, algorithm="ES256", headers={"kid": self.kid})

    def assertion(self, client_id: str, audience: str, **claims: Any) -> dict[str, str]:
        """The form fields of ``private_key_jwt`` client authentication (RFC 7523 2.2)."""
        now = int(time.time())
        body = {"iss": client_id, "sub": client_id, "aud": audience, "jti": secrets.token_urlsafe(12),
                "iat": now, "exp": now + 60, **claims}
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": self.signed(body)}

    def request_object(self, iss: str, audience: str, lifetime: int = 300, **params: Any) -> str:
        """A signed request object (RFC 9101) from ``iss`` carrying ``params`` (``client_id`` among them)."""
        now = int(time.time())
        claims = {"iss": iss, "aud": audience, "nbf": now, "exp": now + lifetime,
                  "jti": secrets.token_urlsafe(12), **params}
        return self.signed(claims)


def fapi_client(key: EcKey, **overrides: Any) -> OAuth2ClientConfig:
    """A FAPI 2.0 style client: private_key_jwt with ``key``, ES256 ID tokens, PKCE required."""
    settings: dict[str, Any] = {"jwks": key.jwks(), "id_token_signed_response_alg": "ES256", "require_pkce": True,
                                "name": "FAPI test client", **overrides}
    return OAuth2ClientConfig(FAPI_CLIENT_ID, None, **settings)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def authorization_params(challenge: str, **extra: str) -> dict[str, str]:
    """What a FAPI client asks for: code flow, PKCE S256, OpenID scopes, state and nonce."""
    return {"response_type": "code", "client_id": FAPI_CLIENT_ID, "redirect_uri": CALLBACK,
            "scope": "openid profile email offline_access", "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8), "code_challenge": challenge, "code_challenge_method": "S256", **extra}


def consent(browser: requests.Session, authorize_url: str, username: str = "alice",
            decision: str = "allow") -> requests.Response:
    """Open the consent page at ``authorize_url`` and answer it; returns the unfollowed redirect."""
    page = browser.get(authorize_url, allow_redirects=False)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action, "no consent form"
    return browser.post(urljoin(authorize_url, html.unescape(action.group(1))),
                        data={"username": username, "decision": decision}, allow_redirects=False)


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token_request(provider: RunningProvider, key: EcKey, data: dict[str, str],
                  proof: str | None = None) -> requests.Response:
    """POST /token authenticated with private_key_jwt (aud = the issuer, as FAPI 2.0 asks)."""
    headers = {"DPoP": proof} if proof else {}
    body = {**data, **key.assertion(FAPI_CLIENT_ID, provider.url)}
    return requests.post(provider.url_for("/token"), data=body, headers=headers)
