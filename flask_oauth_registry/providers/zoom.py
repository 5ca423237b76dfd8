"""Zoom: OAuth 2.0 (user-managed apps) on zoom.us; ``/v2/users/me`` maps to standard claims.

The client authenticates with HTTP Basic, as Zoom requires; refresh tokens
rotate (each refresh returns a new one, which ``update_token`` must store).
Scopes are chosen on the app's Marketplace page, so the preset asks for none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """A ``users/me`` answer as OIDC claims."""
    given, family = user.get("first_name") or None, user.get("last_name") or None
    language = user.get("language")
    return {
        "sub": user.get("id"),
        "name": user.get("display_name") or " ".join(part for part in (given, family) if part) or None,
        "given_name": given,
        "family_name": family,
        "email": user.get("email"),
        "picture": user.get("pic_url"),
        "locale": language.replace("_", "-") if isinstance(language, str) and language else None,
        "zoneinfo": user.get("timezone") or None,
    }


PRESET = ProviderPreset(
    name="zoom",
    title="Zoom",
    family="regional",
    settings={
        "authorize_url": "https://zoom.us/oauth/authorize",
        "access_token_url": "https://zoom.us/oauth/token",
        "revocation_endpoint": "https://zoom.us/oauth/revoke",
        "api_base_url": "https://api.zoom.us/v2/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_basic"},
    },
    profile=Profile(url="users/me", to_claims=profile_to_claims),
    docs="Zoom OAuth 2.0 (user-managed apps, HTTP Basic client auth). userinfo() reads /v2/users/me.",
    references=(
        "https://developers.zoom.us/docs/integrations/oauth/",
        "https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}",
    ),
    checked="2026-12-02",
)
