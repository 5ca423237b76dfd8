"""Login with Amazon: OAuth 2.0 (authorization code); ``api.amazon.com/user/profile`` maps to standard claims.

The ``profile`` scope gives the user id, name and e-mail address
(``profile:user_id`` only the id; ``postal_code`` adds the postcode).  The
client authenticates in the form body; refresh tokens do not expire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A ``user/profile`` answer as OIDC claims; Amazon gives one full name, split as a best guess."""
    name = profile.get("name") or None
    given, family = split_name(name)
    postal_code = profile.get("postal_code")
    return {
        "sub": profile.get("user_id"),
        "name": name,
        "given_name": given,
        "family_name": family,
        "email": profile.get("email"),
        "address": {"postal_code": postal_code} if postal_code else None,
    }


PRESET = ProviderPreset(
    name="amazon",
    title="Login with Amazon",
    family="regional",
    settings={
        "authorize_url": "https://www.amazon.com/ap/oa",
        "access_token_url": "https://api.amazon.com/auth/o2/token",
        "api_base_url": "https://api.amazon.com/",
        "client_kwargs": {"scope": "profile", "token_endpoint_auth_method": "client_secret_post"},
    },
    profile=Profile(url="user/profile", to_claims=profile_to_claims),
    docs="Login with Amazon (OAuth 2.0). userinfo() reads api.amazon.com/user/profile.",
    references=(
        "https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html",
        "https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html",
        "https://developer.amazon.com/docs/login-with-amazon/customer-profile.html",
        "https://developer.amazon.com/docs/login-with-amazon/refresh-token.html",
    ),
    checked="2026-12-02",
)
