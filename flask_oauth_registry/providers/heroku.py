"""Heroku: OAuth 2.0 on id.heroku.com; the Platform API's ``/account`` maps to standard claims.

The Platform API wants a versioned ``Accept: application/vnd.heroku+json;
version=3`` on every call; a quirk adds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name
from .quirks import api_headers

ACCEPT = "application/vnd.heroku+json; version=3"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/account`` as OIDC claims; Heroku's ``verified`` is about billing, not the e-mail, so it is not used."""
    given, family = split_name(profile.get("name"))
    return {
        "sub": profile.get("id"),
        "name": profile.get("name"),
        "given_name": given,
        "family_name": family,
        "email": profile.get("email"),
    }


PRESET = ProviderPreset(
    name="heroku",
    title="Heroku",
    family="social",
    settings={
        "authorize_url": "https://id.heroku.com/oauth/authorize",
        "access_token_url": "https://id.heroku.com/oauth/token",
        "api_base_url": "https://api.heroku.com/",
        "client_kwargs": {"scope": "identity", "token_endpoint_auth_method": "client_secret_post"},
    },
    quirks=api_headers({"Accept": ACCEPT}, "the Platform API wants its versioned Accept header"),
    profile=Profile(url="account", to_claims=profile_to_claims),
    docs="Heroku Platform API (OAuth 2.0). userinfo() reads /account.",
    references=(
        "https://devcenter.heroku.com/articles/oauth",
        "https://devcenter.heroku.com/articles/platform-api-reference#account-info",
        "https://devcenter.heroku.com/articles/platform-api-reference#clients",
    ),
    checked="2026-12-02",
)
