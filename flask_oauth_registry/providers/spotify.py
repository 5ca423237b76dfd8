"""Spotify: OAuth 2.0 (authorization code, PKCE); ``/v1/me`` maps to standard claims.

Spotify does not verify the e-mail address it returns, so ``email_verified`` is
``False``; the largest of the profile ``images`` becomes ``picture``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile


def _largest_image(images: Any) -> str | None:
    listed = [image for image in images if isinstance(image, Mapping)] if isinstance(images, list) else []
    if not listed:
        return None
    best = max(listed, key=lambda image: (image.get("width") or 0) * (image.get("height") or 0))
    return best.get("url")


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/v1/me`` as OIDC claims; ``email`` needs ``user-read-email`` and is never verified by Spotify."""
    urls = profile.get("external_urls")
    email = profile.get("email")
    return {
        "sub": profile.get("id"),
        "name": profile.get("display_name"),
        "preferred_username": profile.get("id"),
        "email": email,
        "email_verified": False if email else None,
        "picture": _largest_image(profile.get("images")),
        "profile": urls.get("spotify") if isinstance(urls, Mapping) else None,
    }


PRESET = ProviderPreset(
    name="spotify",
    title="Spotify",
    family="social",
    settings={
        "authorize_url": "https://accounts.spotify.com/authorize",
        "access_token_url": "https://accounts.spotify.com/api/token",
        "api_base_url": "https://api.spotify.com/v1/",
        "client_kwargs": {
            "scope": "user-read-email user-read-private",
            "token_endpoint_auth_method": "client_secret_basic",
        },
    },
    profile=Profile(url="me", to_claims=profile_to_claims),
    docs="Spotify Web API (OAuth 2.0 authorization code). userinfo() reads /v1/me.",
    references=(
        "https://developer.spotify.com/documentation/web-api/tutorials/code-flow",
        "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens",
        "https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile",
        "https://developer.spotify.com/documentation/web-api/concepts/scopes",
    ),
    checked="2026-12-02",
)
