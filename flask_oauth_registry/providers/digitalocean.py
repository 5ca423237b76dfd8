"""DigitalOcean: OAuth 2.0 on cloud.digitalocean.com; ``/v2/account`` maps to standard claims.

The account is nested under ``account`` in the API's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``account`` object of ``/v2/account`` as OIDC claims; ``uuid`` is the user's id."""
    given, family = split_name(profile.get("name"))
    return {
        "sub": profile.get("uuid"),
        "name": profile.get("name"),
        "given_name": given,
        "family_name": family,
        "email": profile.get("email"),
        "email_verified": profile.get("email_verified"),
    }


PRESET = ProviderPreset(
    name="digitalocean",
    title="DigitalOcean",
    family="social",
    settings={
        "authorize_url": "https://cloud.digitalocean.com/v1/oauth/authorize",
        "access_token_url": "https://cloud.digitalocean.com/v1/oauth/token",
        "revocation_endpoint": "https://cloud.digitalocean.com/v1/oauth/revoke",
        "api_base_url": "https://api.digitalocean.com/",
        "client_kwargs": {"scope": "read", "token_endpoint_auth_method": "client_secret_post"},
    },
    profile=Profile(url="v2/account", to_claims=profile_to_claims, unwrap=("account",)),
    docs="DigitalOcean API (OAuth 2.0). userinfo() reads /v2/account.",
    references=(
        "https://docs.digitalocean.com/reference/api/oauth/",
        "https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account",
    ),
    checked="2026-12-02",
)
