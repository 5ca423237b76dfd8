"""Patreon: OAuth 2.0; API v2 ``/identity`` (JSON:API) maps to standard claims.

API v2 returns only the attributes asked for with ``fields[user]=...``, and
nests them JSON:API style, ``data.attributes``, beside ``data.id``.  The e-mail
address needs the ``identity[email]`` scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile

USER_FIELDS = "email,first_name,last_name,full_name,image_url,url,vanity,is_email_verified"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data`` resource of ``/identity`` as OIDC claims."""
    attributes = profile.get("attributes")
    user: Mapping[str, Any] = attributes if isinstance(attributes, Mapping) else {}
    email = user.get("email")
    return {
        "sub": profile.get("id"),
        "name": user.get("full_name"),
        "given_name": user.get("first_name"),
        "family_name": user.get("last_name"),
        "preferred_username": user.get("vanity"),
        "email": email,
        "email_verified": bool(user.get("is_email_verified")) if email else None,
        "picture": user.get("image_url"),
        "profile": user.get("url"),
    }


PRESET = ProviderPreset(
    name="patreon",
    title="Patreon",
    family="social",
    settings={
        "authorize_url": "https://www.patreon.com/oauth2/authorize",
        "access_token_url": "https://www.patreon.com/api/oauth2/token",
        "api_base_url": "https://www.patreon.com/api/oauth2/v2/",
        "client_kwargs": {"scope": "identity identity[email]", "token_endpoint_auth_method": "client_secret_post"},
    },
    profile=Profile(
        url="identity", params={"fields[user]": USER_FIELDS}, to_claims=profile_to_claims, unwrap=("data",)
    ),
    docs="Patreon API v2 (OAuth 2.0). userinfo() reads /identity with fields[user].",
    references=(
        "https://docs.patreon.com/#oauth",
        "https://docs.patreon.com/#get-api-oauth2-v2-identity",
        "https://docs.patreon.com/#apiv2-oauth",
    ),
    checked="2026-12-02",
)
