"""Kakao Login: OAuth 2.0 on kauth.kakao.com; ``kapi.kakao.com/v2/user/me`` maps to standard claims.

The profile nests what the user agreed to share under ``kakao_account``
(``profile``, ``email``, ``name``...); each item is present only when the app
asked for it and the user consented.  Consent items are chosen in the app's
console, so the preset asks for no scope.  OpenID Connect is optional at Kakao:
pass ``server_metadata_url`` (below) and ``scope="openid"`` and the ID token is
checked as well; ``userinfo()`` still reads ``/v2/user/me``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile

#: Kakao's OpenID Connect discovery document, for apps that turn OpenID Connect on.
DISCOVERY_URL = "https://kauth.kakao.com/.well-known/openid-configuration"



def _object(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one: optional parts of a profile may be absent or null."""
    return value if isinstance(value, Mapping) else {}

def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A ``/v2/user/me`` answer as OIDC claims, from ``kakao_account`` (falling back to ``properties``)."""
    account = _object(profile.get("kakao_account"))
    shown = _object(account.get("profile"))
    properties = _object(profile.get("properties"))
    nickname = shown.get("nickname") or properties.get("nickname")
    picture = None if shown.get("is_default_image") else shown.get("profile_image_url")
    email_usable = account.get("is_email_valid") is not False
    return {
        "sub": profile.get("id"),
        "name": account.get("name") or nickname,
        "nickname": nickname,
        "email": account.get("email") if email_usable else None,
        "email_verified": bool(account.get("is_email_verified")) if account.get("email") and email_usable else None,
        "picture": picture or properties.get("profile_image"),
        "phone_number": account.get("phone_number"),
        "gender": account.get("gender"),
    }


PRESET = ProviderPreset(
    name="kakao",
    title="Kakao",
    family="regional",
    settings={
        "authorize_url": "https://kauth.kakao.com/oauth/authorize",
        "access_token_url": "https://kauth.kakao.com/oauth/token",
        "api_base_url": "https://kapi.kakao.com/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_post"},
    },
    profile=Profile(url="v2/user/me", to_claims=profile_to_claims),
    docs="Kakao Login (OAuth 2.0; OpenID Connect optional). userinfo() reads kapi.kakao.com/v2/user/me.",
    references=(
        "https://developers.kakao.com/docs/latest/en/kakaologin/rest-api",
        "https://developers.kakao.com/docs/latest/en/kakaologin/utilize",
        "https://developers.kakao.com/docs/latest/en/kakaologin/common",
    ),
    checked="2026-12-02",
)
