"""Strava: OAuth 2.0 (authorization code); ``/api/v3/athlete`` maps to standard claims.

Strava separates scopes with commas (``read,activity:read``), not spaces, and
its token answer carries the athlete's summary beside the tokens (kept in the
token as ``athlete``).  Strava returns no e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """An athlete (``/athlete``, or the token answer's ``athlete``) as OIDC claims."""
    athlete_id = profile.get("id")
    first, last = profile.get("firstname"), profile.get("lastname")
    name = " ".join(part for part in (first, last) if part) or None
    return {
        "sub": athlete_id,
        "name": name,
        "given_name": first,
        "family_name": last,
        "preferred_username": profile.get("username"),
        "picture": profile.get("profile") if str(profile.get("profile", "")).startswith("https://") else None,
        "profile": f"https://www.strava.com/athletes/{athlete_id}" if athlete_id is not None else None,
    }


def comma_scope(scope: Any) -> Any:
    """``"read,activity:read"`` from a list or a space-separated string, the way Strava reads scopes."""
    parts = scope.split() if isinstance(scope, str) else scope
    if isinstance(parts, list | tuple):
        return ",".join(item for part in parts for item in re.split(r"[\s,]+", str(part)) if item)
    return scope


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The scope joined with commas, whether given as a list or space-separated."""
    client_kwargs = settings.get("client_kwargs")
    if not isinstance(client_kwargs, Mapping) or client_kwargs.get("scope") is None:
        return settings
    return {**settings, "client_kwargs": {**client_kwargs, "scope": comma_scope(client_kwargs["scope"])}}


PRESET = ProviderPreset(
    name="strava",
    title="Strava",
    family="social",
    settings={
        "authorize_url": "https://www.strava.com/oauth/authorize",
        "access_token_url": "https://www.strava.com/oauth/token",
        "api_base_url": "https://www.strava.com/api/v3/",
        "client_kwargs": {"scope": "read", "token_endpoint_auth_method": "client_secret_post"},
    },
    configure=configure,
    profile=Profile(url="athlete", to_claims=profile_to_claims),
    docs="Strava API v3 (OAuth 2.0). Scopes are comma-separated; userinfo() reads /api/v3/athlete.",
    references=(
        "https://developers.strava.com/docs/authentication/",
        "https://developers.strava.com/docs/reference/#api-Athletes-getLoggedInAthlete",
    ),
    checked="2026-12-02",
)
