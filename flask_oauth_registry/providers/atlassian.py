"""Atlassian (Jira, Confluence) OAuth 2.0 3LO: authorization code; ``api.atlassian.com/me`` maps to standard claims.

Atlassian wants ``audience=api.atlassian.com`` and ``prompt=consent`` on every
authorization, and ``offline_access`` in the scope for a (rotating) refresh
token.  The profile of the User Identity API is already close to OIDC claims.
A product's REST API is reached through the site's cloud id, which
``GET https://api.atlassian.com/oauth/token/accessible-resources`` lists (see
the docs); the preset does not pick a site for the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name

ACCESSIBLE_RESOURCES = "oauth/token/accessible-resources"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/me`` as OIDC claims; ``account_id`` is the Atlassian account id shared by every product."""
    given, family = split_name(profile.get("name"))
    return {
        "sub": profile.get("account_id"),
        "name": profile.get("name"),
        "given_name": given,
        "family_name": family,
        "nickname": profile.get("nickname"),
        "email": profile.get("email"),
        "email_verified": profile.get("email_verified"),
        "picture": profile.get("picture"),
        "locale": profile.get("locale"),
        "zoneinfo": profile.get("zoneinfo"),
    }


PRESET = ProviderPreset(
    name="atlassian",
    title="Atlassian",
    family="social",
    settings={
        "authorize_url": "https://auth.atlassian.com/authorize",
        "authorize_params": {"audience": "api.atlassian.com", "prompt": "consent"},
        "access_token_url": "https://auth.atlassian.com/oauth/token",
        "api_base_url": "https://api.atlassian.com/",
        "client_kwargs": {
            "scope": "read:me read:account offline_access",
            "token_endpoint_auth_method": "client_secret_post",
        },
    },
    profile=Profile(url="me", to_claims=profile_to_claims),
    docs="Atlassian Cloud OAuth 2.0 (3LO). userinfo() reads api.atlassian.com/me; sites via accessible-resources.",
    references=(
        "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/",
        "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/",
        "https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/",
    ),
    checked="2026-12-02",
)
