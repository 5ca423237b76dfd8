"""Client authentication at the token endpoint (RFC 6749 2.3, OIDC Core 9, RFC 7523).

Each method turns ``(client_id, secret, token endpoint)`` into request headers and
body fields.  JWT assertions are made with pyjwt.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import jwt

from .config import ClientConfig
from .errors import ConfigurationError
from .request_object import natural_algorithm

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _basic(client_id: str, secret: str) -> str:
    # RFC 6749 2.3.1: both parts are form-urlencoded before base64.
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(raw.encode()).decode()


def _assertion(config: ClientConfig, audience: str, key: Any, alg: str, kid: str | None) -> str:
    now = int(time.time())
    claims = {
        "iss": config.client_id,
        "sub": config.client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(24),
        "iat": now,
        "exp": now + 120,
    }
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def load_private_key(value: Any) -> tuple[Any, str | None, str | None]:
    """A private key from a PEM string, a PEM file path or a JWK dict: (key, kid, alg)."""
    if isinstance(value, dict):
        jwk = jwt.PyJWK(value)
        return jwk.key, value.get("kid"), value.get("alg")
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return load_private_key(json.loads(value))
    if isinstance(value, str) and "-----BEGIN" not in value and os.path.isfile(value):
        with open(value, encoding="utf-8") as handle:
            return handle.read(), None, None
    return value, None, None


def authenticate(
    config: ClientConfig, method: str, token_endpoint: str, body: dict[str, Any], audience: str | None = None
) -> dict[str, str]:
    """Add client credentials to ``body`` in place; return headers to send.

    A JWT assertion's ``aud`` is ``audience`` when given (the issuer, as FAPI 2.0
    requires), else the token endpoint.
    """
    audience = audience or token_endpoint
    client_id = config.client_id or ""
    secret = config.client_secret
    if method == "client_secret_basic":
        if secret is None:
            raise ConfigurationError(
                description=f"{config.name!r} uses client_secret_basic but has no secret: "
                f"set {config.config_key('client_secret')}"
            )
        return {"Authorization": _basic(client_id, secret)}
    if method == "client_secret_post":
        body["client_id"] = client_id
        body["client_secret"] = secret or ""
        return {}
    if method == "none":
        if client_id:  # a JWT-bearer app (a service account) may have none: its assertion names it
            body["client_id"] = client_id
        return {}
    if method == "client_secret_jwt":
        if not secret:
            raise ConfigurationError(
                description=f"{config.name!r} uses client_secret_jwt but has no secret: "
                f"set {config.config_key('client_secret')}"
            )
        alg = config.client_assertion_alg or "HS256"
        body["client_assertion_type"] = ASSERTION_TYPE
        body["client_assertion"] = _assertion(config, audience, secret.encode(), alg, None)
        return {}
    if method == "private_key_jwt":
        source = config.private_key or secret
        if not source:
            raise ConfigurationError(
                description=f"{config.name!r} uses private_key_jwt but has no key: set "
                f"{config.config_key('client_kwargs')}['private_key'] to a PEM, a file path or a JWK"
            )
        key, kid, jwk_alg = load_private_key(source)
        alg = config.client_assertion_alg or jwk_alg or natural_algorithm(key)
        try:
            assertion = _assertion(config, audience, key, alg, kid)
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise ConfigurationError(description=f"{config.name!r}: the private_key_jwt key cannot sign {alg}") from exc
        body["client_assertion_type"] = ASSERTION_TYPE
        body["client_assertion"] = assertion
        return {}
    for custom in config.client_auth_methods:
        if getattr(custom, "name", None) == method:
            return _custom(custom, config, token_endpoint, body)
    raise ConfigurationError(description=f"{config.name!r}: unknown token_endpoint_auth_method {method!r}")


class _AuthView:
    """What Authlib passes to a custom auth method as ``auth``."""

    def __init__(self, config: ClientConfig, method: str) -> None:
        self.client_id = config.client_id
        self.client_secret = config.client_secret
        self.auth_method = method


def _custom(custom: Any, config: ClientConfig, token_endpoint: str, body: dict[str, Any]) -> dict[str, str]:
    """Run an Authlib-style custom method ``(auth, method, uri, headers, body)``."""
    _uri, headers, new_body = custom(_AuthView(config, custom.name), "POST", token_endpoint, {}, urlencode(body))
    body.clear()
    body.update(parse_qsl(new_body or "", keep_blank_values=True))
    return dict(headers or {})
