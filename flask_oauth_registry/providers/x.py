"""X (formerly Twitter) OAuth 2.0: authorization code with PKCE; ``/2/users/me`` maps to standard claims.

X requires PKCE (the client's S256 default) and, for a confidential client, HTTP
Basic authentication at the token endpoint.  ``offline.access`` in the scope is
what makes X issue a refresh token.  The user is nested under ``data``; X gives
no e-mail address unless the app asks for the ``confirmed_email`` field with the
``users.email`` scope.  Twitter's OAuth 1.0a API is the separate ``twitter`` preset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name

USER_FIELDS = "id,name,username,profile_image_url"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data`` object of ``/2/users/me`` as OIDC claims."""
    username = profile.get("username")
    given, family = split_name(profile.get("name"))
    email = profile.get("confirmed_email")
    return {
        "sub": profile.get("id"),
        "name": profile.get("name"),
        "given_name": given,
        "family_name": family,
        "preferred_username": username,
        "picture": profile.get("profile_image_url"),
        "profile": f"https://x.com/{username}" if username else None,
        "email": email,
        "email_verified": True if email else None,
    }


PRESET = ProviderPreset(
    name="x",
    title="X (Twitter) OAuth 2.0",
    family="social",
    settings={
        "authorize_url": "https://x.com/i/oauth2/authorize",
        "access_token_url": "https://api.x.com/2/oauth2/token",
        "revocation_endpoint": "https://api.x.com/2/oauth2/revoke",
        "api_base_url": "https://api.x.com/2/",
        "client_kwargs": {
            "scope": "tweet.read users.read offline.access",
            "token_endpoint_auth_method": "client_secret_basic",
            "code_challenge_method": "S256",
        },
    },
    profile=Profile(url="users/me", params={"user.fields": USER_FIELDS}, to_claims=profile_to_claims, unwrap=("data",)),
    docs="X API v2 with OAuth 2.0 and PKCE. userinfo() reads /2/users/me; offline.access brings a refresh token.",
    references=(
        "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code",
        "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token",
        "https://docs.x.com/x-api/users/user-lookup-me",
    ),
    checked="2026-12-02",
)
