"""OpenStreetMap: OAuth 2.0 with PKCE on www.openstreetmap.org; ``/api/0.6/user/details.json`` maps to claims.

OpenStreetMap gives no e-mail address: the claims are the mapper's id, display
name, avatar, profile page and preferred language.  Its tokens do not expire
and come without a refresh token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .base import ProviderPreset
from .profile import Profile

WEB = "https://www.openstreetmap.org"


def profile_to_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """The ``user`` object of ``user/details.json`` as OIDC claims."""
    display_name = user.get("display_name") or None
    image = user.get("img")
    languages = user.get("languages")
    return {
        "sub": user.get("id"),
        "name": display_name,
        "preferred_username": display_name,
        "picture": image.get("href") if isinstance(image, Mapping) else None,
        "profile": f"{WEB}/user/{quote(display_name)}" if display_name else None,
        "locale": languages[0] if isinstance(languages, list) and languages else None,
    }


PRESET = ProviderPreset(
    name="openstreetmap",
    title="OpenStreetMap",
    family="regional",
    settings={
        "authorize_url": f"{WEB}/oauth2/authorize",
        "access_token_url": f"{WEB}/oauth2/token",
        "revocation_endpoint": f"{WEB}/oauth2/revoke",
        "api_base_url": "https://api.openstreetmap.org/api/0.6/",
        "client_kwargs": {"scope": "read_prefs"},
    },
    profile=Profile(url="user/details.json", to_claims=profile_to_claims, unwrap=("user",)),
    docs="OpenStreetMap OAuth 2.0 (PKCE). userinfo() reads /api/0.6/user/details.json; no e-mail is given.",
    references=(
        "https://wiki.openstreetmap.org/wiki/OAuth",
        "https://wiki.openstreetmap.org/wiki/API_v0.6#Details_of_the_logged-in_user:_GET_/api/0.6/user/details",
    ),
    checked="2026-12-02",
)
