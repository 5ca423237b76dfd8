"""What a strict token endpoint checks of a request: client authentication (RFC 6749 2.3, RFC 7523) and PKCE.

Pure functions over the app's :class:`ClientConfig` and a :class:`.Sent`: each answers
the OAuth error code a real provider would send, or ``None`` when the request passes.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from ..registry.client_auth import ASSERTION_TYPE, load_private_key
from ..registry.config import ClientConfig
from .records import Sent


def client_auth_problem(config: ClientConfig, sent: Sent, token_endpoint: str) -> str | None:
    """``invalid_client`` unless ``sent`` authenticates the way the app is configured to, with its credentials."""
    method = config.token_endpoint_auth_method
    header = sent.headers.get("Authorization")
    form = sent.params
    client_id, secret = config.client_id or "", config.client_secret or ""
    if method == "client_secret_basic":
        pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
        ok = header == "Basic " + base64.b64encode(pair).decode() and "client_secret" not in form
    elif method == "client_secret_post":
        ok = header is None and form.get("client_id") == client_id and form.get("client_secret") == secret
    elif method == "none":
        ok = header is None and form.get("client_id") == client_id and "client_secret" not in form
    elif method in ("client_secret_jwt", "private_key_jwt"):
        ok = header is None and _assertion_ok(config, method, form, token_endpoint)
    else:
        return None  # a custom method: the app's own business
    return None if ok else "invalid_client"


def _assertion_ok(config: ClientConfig, method: str, form: dict[str, str], token_endpoint: str) -> bool:
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        return False
    try:
        key = _verification_key(config, method)
        claims = jwt.decode(
            form["client_assertion"], key, algorithms=["HS256", "HS384", "HS512", "RS256", "ES256", "PS256"],
            audience=token_endpoint, options={"require": ["exp", "iat", "jti"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return False
    return bool(claims.get("iss") == config.client_id and claims.get("sub") == config.client_id)


def _verification_key(config: ClientConfig, method: str) -> Any:
    if method == "client_secret_jwt":
        return (config.client_secret or "").encode()
    key, _, _ = load_private_key(config.private_key or config.client_secret)
    if isinstance(key, str):
        key = load_pem_private_key(key.encode(), password=None)
    return key.public_key()


def pkce_problem(authorization: dict[str, str], form: dict[str, str]) -> str | None:
    """``invalid_grant`` when the verifier does not match the challenge the authorization request sent."""
    challenge = authorization.get("code_challenge")
    verifier = form.get("code_verifier")
    if challenge is None:
        return "invalid_grant" if verifier else None
    if verifier is None:
        return "invalid_grant"
    method = authorization.get("code_challenge_method", "plain")
    if method == "S256":
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    else:
        computed = verifier
    return None if computed == challenge else "invalid_grant"
