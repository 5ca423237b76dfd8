"""Dropbox: OAuth 2.0 with short-lived tokens; ``users/get_current_account`` maps to standard claims.

Dropbox issues a refresh token only when the authorization asks for
``token_access_type=offline``, which the preset does.  Its API is RPC-style:
the account is read with a ``POST`` that carries no body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``users/get_current_account`` as OIDC claims; ``account_id`` (``dbid:...``) is the stable id."""
    name = profile.get("name")
    names: Mapping[str, Any] = name if isinstance(name, Mapping) else {}
    return {
        "sub": profile.get("account_id"),
        "name": names.get("display_name"),
        "given_name": names.get("given_name"),
        "family_name": names.get("surname"),
        "nickname": names.get("familiar_name"),
        "email": profile.get("email"),
        "email_verified": profile.get("email_verified"),
        "picture": profile.get("profile_photo_url"),
        "locale": profile.get("locale"),
    }


PRESET = ProviderPreset(
    name="dropbox",
    title="Dropbox",
    family="social",
    settings={
        "authorize_url": "https://www.dropbox.com/oauth2/authorize",
        "authorize_params": {"token_access_type": "offline"},
        "access_token_url": "https://api.dropboxapi.com/oauth2/token",
        "api_base_url": "https://api.dropboxapi.com/2/",
        "client_kwargs": {"scope": "account_info.read", "token_endpoint_auth_method": "client_secret_basic"},
    },
    profile=Profile(url="users/get_current_account", method="POST", to_claims=profile_to_claims),
    docs="Dropbox API v2 (OAuth 2.0, offline access). userinfo() POSTs users/get_current_account.",
    references=(
        "https://developers.dropbox.com/oauth-guide",
        "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize",
        "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token",
        "https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account",
    ),
    checked="2026-12-02",
)
