"""Client authentication at the dev provider's token endpoint: client_secret_basic, client_secret_post, none."""

from __future__ import annotations

import base64
import hmac
from typing import Any
from urllib.parse import unquote_plus

from .settings import ProviderSettings


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

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    def required(self, request: Any) -> bool:
        """Required when credentials are presented or the client is not public."""
        if basic_credentials(request) is not None or request.client_secret is not None:
            return True
        client = self.settings.client(request.client_id)
        return client is None or not client.is_public

    def authenticate(self, request: Any) -> bool:
        """``client_secret_basic`` (preferred) or ``client_secret_post``; sets ``request.client`` when it passes."""
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

    def authenticate_public(self, client_id: str, request: Any) -> bool:
        """Auth method ``none``: only public clients may identify without a secret."""
        client = self.settings.client(client_id)
        if client is None or not client.is_public:
            return False
        request.client = client
        return True
