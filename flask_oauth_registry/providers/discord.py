"""Discord: OAuth 2.0 (no OpenID Connect); ``/users/@me`` maps to standard claims.

Discord gives an avatar *hash*, not a URL: :func:`avatar_url` builds the CDN
address from it (animated ones, ``a_...``, as GIF), and a user without an avatar
gets Discord's default one, chosen the way Discord chooses it.  ``email`` and
``verified`` come with the ``email`` scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile

CDN = "https://cdn.discordapp.com"


def avatar_url(user: Mapping[str, Any]) -> str | None:
    """The user's avatar on Discord's CDN, or the default avatar Discord shows for users without one."""
    user_id, avatar = user.get("id"), user.get("avatar")
    if user_id is None:
        return None
    if avatar:
        extension = "gif" if str(avatar).startswith("a_") else "png"
        return f"{CDN}/avatars/{user_id}/{avatar}.{extension}"
    discriminator = str(user.get("discriminator") or "0")
    try:
        # Users on unique usernames (discriminator "0") by their id, legacy users by their discriminator.
        index = (int(user_id) >> 22) % 6 if discriminator == "0" else int(discriminator) % 5
    except ValueError:
        index = 0
    return f"{CDN}/embed/avatars/{index}.png"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/users/@me`` as OIDC claims; ``global_name`` is the display name, ``username`` the handle."""
    email = profile.get("email")
    return {
        "sub": profile.get("id"),
        "name": profile.get("global_name") or profile.get("username"),
        "preferred_username": profile.get("username"),
        "email": email,
        "email_verified": bool(profile.get("verified")) if email else None,
        "picture": avatar_url(profile),
        "locale": profile.get("locale"),
    }


PRESET = ProviderPreset(
    name="discord",
    title="Discord",
    family="social",
    settings={
        "authorize_url": "https://discord.com/oauth2/authorize",
        "access_token_url": "https://discord.com/api/oauth2/token",
        "revocation_endpoint": "https://discord.com/api/oauth2/token/revoke",
        "api_base_url": "https://discord.com/api/v10/",
        "client_kwargs": {"scope": "identify email", "token_endpoint_auth_method": "client_secret_basic"},
    },
    profile=Profile(url="users/@me", to_claims=profile_to_claims),
    docs="Discord OAuth2. userinfo() reads /users/@me and turns the avatar hash into a CDN URL.",
    references=(
        "https://discord.com/developers/docs/topics/oauth2",
        "https://discord.com/developers/docs/resources/user#get-current-user",
        "https://discord.com/developers/docs/reference#image-formatting",
    ),
    checked="2026-12-02",
)
