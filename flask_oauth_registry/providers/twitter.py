"""Twitter (X): OAuth 1.0a user context; ``account/verify_credentials`` maps to standard claims.

For X's OAuth 2.0 (PKCE, ``users/me``) use the ``x`` preset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, normalize_claims

PROFILE_URL = "https://twitter.com/"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A ``verify_credentials`` user object as OpenID Connect standard claims."""
    screen_name = profile.get("screen_name")
    return normalize_claims({
        "sub": profile.get("id_str") or profile.get("id"),
        "name": profile.get("name") or None,
        "preferred_username": screen_name,
        "picture": profile.get("profile_image_url_https"),
        "profile": PROFILE_URL + screen_name if screen_name else None,
        # Only apps Twitter has allowed to ask for e-mail get one; absent otherwise.
        "email": profile.get("email") or None,
    })


PRESET = ProviderPreset(
    name="twitter",
    title="Twitter (OAuth 1.0a)",
    family="major",
    settings={
        "request_token_url": "https://api.twitter.com/oauth/request_token",
        "authorize_url": "https://api.twitter.com/oauth/authenticate",
        "access_token_url": "https://api.twitter.com/oauth/access_token",
        "api_base_url": "https://api.twitter.com/1.1/",
    },
    profile=Profile(
        url="account/verify_credentials.json", to_claims=profile_to_claims,
        params={"include_email": "true", "skip_status": "true"},
    ),
    docs="Twitter (X) OAuth 1.0a user context. userinfo() reads account/verify_credentials.json.",
    references=(
        "https://developer.x.com/en/docs/authentication/oauth-1-0a/obtaining-user-access-tokens",
        "https://developer.x.com/en/docs/x-api/v1/accounts-and-users/manage-account-settings/api-reference/get-account-verify_credentials",
    ),
    checked="2026-12-02",
)
