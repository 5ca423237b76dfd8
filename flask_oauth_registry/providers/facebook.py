"""Facebook Login: OAuth 2.0 on a pinned Graph API version; ``/me?fields=...`` maps to standard claims.

Every endpoint carries the Graph API version (:data:`GRAPH_API_VERSION`, one
constant); ``api_version="v24.0"`` moves a registration to another one.  The
profile fields are asked for explicitly, as the Graph API returns only ``id`` and
``name`` otherwise, and the picture is read from ``picture.data.url``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset
from .profile import Profile

#: The Graph API version every endpoint is pinned to; Meta keeps each one for about two years.
GRAPH_API_VERSION = "v23.0"
PROFILE_FIELDS = "id,name,email,first_name,last_name,picture"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/me?fields=id,name,email,first_name,last_name,picture`` as OIDC claims."""
    picture = profile.get("picture")
    data = picture.get("data") if isinstance(picture, Mapping) else None
    return {
        "sub": profile.get("id"),
        "name": profile.get("name"),
        "given_name": profile.get("first_name"),
        "family_name": profile.get("last_name"),
        "email": profile.get("email"),
        "picture": data.get("url") if isinstance(data, Mapping) else None,
    }


PRESET = ProviderPreset(
    name="facebook",
    title="Facebook",
    family="social",
    settings={
        "authorize_url": "https://www.facebook.com/{api_version}/dialog/oauth",
        "access_token_url": "https://graph.facebook.com/{api_version}/oauth/access_token",
        "api_base_url": "https://graph.facebook.com/{api_version}/",
        "client_kwargs": {"scope": "email public_profile", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(
        PresetOption("api_version", f"the Graph API version, such as {GRAPH_API_VERSION}", default=GRAPH_API_VERSION),
    ),
    profile=Profile(url="me", params={"fields": PROFILE_FIELDS}, to_claims=profile_to_claims),
    docs="Facebook Login (OAuth 2.0, Graph API). userinfo() reads /me with the profile fields; no refresh tokens.",
    references=(
        "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow",
        "https://developers.facebook.com/docs/graph-api/reference/user",
        "https://developers.facebook.com/docs/graph-api/reference/user/picture",
        "https://developers.facebook.com/docs/graph-api/guides/versioning",
    ),
    checked="2026-12-02",
)
