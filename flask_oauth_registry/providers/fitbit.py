"""Fitbit (Google): OAuth 2.0 with PKCE and HTTP Basic client authentication; the profile maps to standard claims.

``/1/user/-/profile.json`` nests the user under ``user``; Fitbit's locale
(``en_US``) is turned into the BCP 47 form OIDC uses (``en-US``).  Fitbit gives
no e-mail address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``user`` object of ``profile.json`` as OIDC claims; ``encodedId`` is the user id."""
    user_id = profile.get("encodedId")
    locale = profile.get("locale")
    return {
        "sub": user_id,
        "name": profile.get("fullName") or profile.get("displayName"),
        "given_name": profile.get("firstName"),
        "family_name": profile.get("lastName"),
        "nickname": profile.get("displayName"),
        "picture": profile.get("avatar640") or profile.get("avatar150") or profile.get("avatar"),
        "profile": f"https://www.fitbit.com/user/{user_id}" if user_id else None,
        "locale": locale.replace("_", "-") if isinstance(locale, str) else None,
        "zoneinfo": profile.get("timezone"),
    }


PRESET = ProviderPreset(
    name="fitbit",
    title="Fitbit",
    family="social",
    settings={
        "authorize_url": "https://www.fitbit.com/oauth2/authorize",
        "access_token_url": "https://api.fitbit.com/oauth2/token",
        "revocation_endpoint": "https://api.fitbit.com/oauth2/revoke",
        "api_base_url": "https://api.fitbit.com/",
        "client_kwargs": {
            "scope": "profile",
            "token_endpoint_auth_method": "client_secret_basic",
            "code_challenge_method": "S256",
        },
    },
    profile=Profile(url="1/user/-/profile.json", to_claims=profile_to_claims, unwrap=("user",)),
    docs="Fitbit Web API (OAuth 2.0 with PKCE). userinfo() reads /1/user/-/profile.json.",
    references=(
        "https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/",
        "https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/",
        "https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/",
        "https://dev.fitbit.com/build/reference/web-api/user/get-profile/",
    ),
    checked="2026-12-02",
)
