"""Client authentication at the token and PAR endpoints: client_secret_basic/post, private_key_jwt, none."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

import jwt

from .client_jwt import ClientJwtRefused, decode_client_jwt
from .settings import ProviderSettings

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Longest an assertion may live, and how long its ``jti`` is remembered.
MAX_ASSERTION_LIFETIME = 600


def basic_credentials(request: Any) -> tuple[str, str] | None:
    """``client_secret_basic`` credentials (RFC 6749 2.3.1 form-encoding), "" when malformed."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return "", ""
    client_id, sep, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else ("", "")


class ClientAuthenticator:
    """Decides whether a token request must authenticate its client, and checks the credentials it sent."""

    def __init__(
        self,
        settings: ProviderSettings,
        issuer: Callable[[], str],
        remember_jti: Callable[[tuple[str, ...], float], bool],
    ) -> None:
        self.settings = settings
        self.issuer = issuer
        self.remember_jti = remember_jti

    def required(self, request: Any) -> bool:
        """Required when credentials are presented or the client is not public."""
        if basic_credentials(request) is not None or request.client_secret is not None:
            return True
        if getattr(request, "client_assertion", None) is not None:
            return True
        client = self.settings.client(request.client_id)
        return client is None or not client.is_public

    def authenticate(self, request: Any) -> bool:
        """``client_secret_basic`` (preferred), ``client_secret_post`` or ``private_key_jwt``.

        Sets ``request.client`` when the credentials pass.
        """
        if getattr(request, "client_assertion", None) is not None:
            return self.authenticate_assertion(request)
        creds = basic_credentials(request)
        if creds is None:
            creds = (request.client_id or "", request.client_secret or "")
        elif request.client_id and request.client_id != creds[0]:
            return False
        client_id, secret = creds
        client = self.settings.client(client_id)
        if client is None or client.client_secret is None:
            return False
        if not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
            return False
        request.client, request.client_id = client, client.client_id
        return True

    def authenticate_assertion(self, request: Any) -> bool:
        """``private_key_jwt`` (RFC 7523 2.2, 3): an assertion signed with a key the client registered.

        ``iss`` and ``sub`` are the client id; ``aud`` is the issuer (as FAPI 2.0
        asks) or the endpoint's URL; ``exp`` and ``jti`` are required and a ``jti``
        is accepted once.
        """
        if getattr(request, "client_assertion_type", None) != ASSERTION_TYPE:
            return False
        try:
            unverified = jwt.decode(request.client_assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        client = self.settings.client(unverified.get("sub") if isinstance(unverified, dict) else None)
        if client is None or not client.jwks or (request.client_id and request.client_id != client.client_id):
            return False
        issuer = self.issuer()
        audience = [issuer, f"{issuer}/token", f"{issuer}/par", f"{issuer}/revoke", f"{issuer}/device_authorization"]
        try:
            claims = decode_client_jwt(
                request.client_assertion, client, audience=audience, require=["exp", "jti", "sub"]
            )
        except ClientJwtRefused:
            return False
        lifetime = claims["exp"] - claims.get("iat", claims["exp"])
        if claims["sub"] != client.client_id or lifetime > MAX_ASSERTION_LIFETIME:
            return False
        if not self.remember_jti(("client-assertion", client.client_id, str(claims["jti"])), MAX_ASSERTION_LIFETIME):
            return False
        request.client, request.client_id = client, client.client_id
        return True

    def authenticate_public(self, client_id: str, request: Any) -> bool:
        """Auth method ``none``: only public clients may identify without a secret."""
        client = self.settings.client(client_id)
        if client is None or not client.is_public:
            return False
        request.client = client
        return True
