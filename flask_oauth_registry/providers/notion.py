"""Notion: OAuth 2.0 for public integrations; ``/v1/users/me`` (the integration's bot and its owner) maps to claims.

The client authenticates with HTTP Basic; the token answer also names the
workspace (``workspace_id``, ``workspace_name``, ``bot_id``) and the user who
installed the integration (``owner.user``); no refresh token is issued.
Quirk: every API call names the API version in a ``Notion-Version`` header
(:data:`NOTION_VERSION` unless the call gives its own).  ``/v1/users/me``
answers with the bot user, whose ``bot.owner.user`` is the person who logged in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset, Quirk
from .profile import Profile

#: The Notion API version the preset's calls name.
NOTION_VERSION = "2022-06-28"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``users/me`` (a bot whose owner is a user, or a person) as the person's OIDC claims."""
    user = profile
    if profile.get("type") == "bot":
        owner = _object(_object(profile.get("bot")).get("owner"))
        user = _object(owner.get("user")) if owner.get("type") == "user" else {}
    if user.get("type", "person") != "person":
        return {"sub": None}  # a workspace-owned bot names no person: no login
    return {
        "sub": user.get("id"),
        "name": user.get("name"),
        "email": _object(user.get("person")).get("email"),
        "picture": user.get("avatar_url"),
    }


def _object(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one: optional parts of a profile may be absent or null."""
    return value if isinstance(value, Mapping) else {}


def _notion_version(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
    headers = dict(headers or {})
    if not any(name.lower() == "notion-version" for name in headers):
        headers["Notion-Version"] = NOTION_VERSION
    return url, headers, data


PRESET = ProviderPreset(
    name="notion",
    title="Notion",
    family="regional",
    settings={
        "authorize_url": "https://api.notion.com/v1/oauth/authorize",
        "authorize_params": {"owner": "user"},
        "access_token_url": "https://api.notion.com/v1/oauth/token",
        "api_base_url": "https://api.notion.com/v1/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_basic"},
    },
    quirks=(Quirk("protected_request", _notion_version, "every Notion API call names the API version"),),
    profile=Profile(url="users/me", to_claims=profile_to_claims),
    docs="Notion public integrations (OAuth 2.0, Basic client auth). userinfo() reads /v1/users/me's owner.",
    references=(
        "https://developers.notion.com/docs/authorization",
        "https://developers.notion.com/reference/get-self",
        "https://developers.notion.com/reference/versioning",
    ),
    checked="2026-12-02",
)
