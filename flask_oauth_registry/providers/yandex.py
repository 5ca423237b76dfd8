"""Yandex ID: OAuth 2.0 on oauth.yandex.ru; ``login.yandex.ru/info`` maps to standard claims.

Quirk: Yandex's APIs take the token as ``Authorization: OAuth <token>``, not
``Bearer``.  The avatar is not a URL in the profile but an image id
(``default_avatar_id``), turned into one on Yandex's avatar host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import quirks
from .base import ProviderPreset
from .profile import Profile

#: The avatar URL for an image id; ``islands-200`` is the 200x200 size Yandex documents.
AVATAR_URL = "https://avatars.yandex.net/get-yapic/{}/islands-200"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/info?format=json`` answer as OIDC claims."""
    avatar = profile.get("default_avatar_id")
    has_avatar = avatar and not profile.get("is_avatar_empty")
    emails = profile.get("emails")
    email = profile.get("default_email") or (emails[0] if isinstance(emails, list) and emails else None)
    return {
        "sub": profile.get("id"),
        "name": profile.get("real_name") or profile.get("display_name"),
        "given_name": profile.get("first_name"),
        "family_name": profile.get("last_name"),
        "nickname": profile.get("display_name"),
        "preferred_username": profile.get("login"),
        "email": email,
        "picture": AVATAR_URL.format(avatar) if has_avatar else None,
        "birthdate": profile.get("birthday"),
    }


PRESET = ProviderPreset(
    name="yandex",
    title="Yandex ID",
    family="regional",
    settings={
        "authorize_url": "https://oauth.yandex.ru/authorize",
        "access_token_url": "https://oauth.yandex.ru/token",
        "revocation_endpoint": "https://oauth.yandex.ru/revoke_token",
        "api_base_url": "https://login.yandex.ru/",
        "client_kwargs": {"scope": "login:info login:email login:avatar"},
    },
    quirks=quirks.authorization_scheme("OAuth"),
    profile=Profile(url="info", params={"format": "json"}, to_claims=profile_to_claims),
    docs="Yandex ID OAuth 2.0 (tokens sent as 'OAuth <token>'). userinfo() reads login.yandex.ru/info.",
    references=(
        "https://yandex.ru/dev/id/doc/en/codes/code-url",
        "https://yandex.ru/dev/id/doc/en/tokens/refresh-client",
        "https://yandex.ru/dev/id/doc/en/user-information",
    ),
    checked="2026-12-02",
)
