"""VK (vk.com OAuth, the authorization code flow): ``users.get`` of the VK API maps to standard claims.

Quirks: every VK API call carries the API version ``v`` and the token as the
``access_token`` query parameter (no ``Authorization`` header); a call's answer
is wrapped, ``{"response": [{...}]}``, and a failing one is ``{"error": {...}}``
with HTTP 200.  The e-mail address is not in the profile: VK gives it once, in
the token answer (with ``user_id``), so ``userinfo()`` takes it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry.errors import MissingTokenError, ProviderError
from . import quirks
from .base import ProviderPreset
from .profile import dig, normalize_claims, read_json

#: The VK API version every call names; a call may name its own in its URL (``"users.get?v=5.131"``).
API_VERSION = "5.199"
#: The ``users.get`` fields the claims are made from.
FIELDS = "photo_200,screen_name,domain"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A ``users.get`` user (plus ``email`` from the token answer, when there is one) as OIDC claims."""
    first, last = profile.get("first_name") or None, profile.get("last_name") or None
    handle = profile.get("screen_name") or profile.get("domain")
    return {
        "sub": profile.get("id"),
        "name": " ".join(part for part in (first, last) if part) or None,
        "given_name": first,
        "family_name": last,
        "preferred_username": handle,
        "email": profile.get("email"),
        "picture": profile.get("photo_200"),
        "profile": f"https://vk.com/{handle}" if handle else None,
    }


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """``users.get`` for the token's user, with the e-mail the token answer carried."""
    token = kwargs.get("token") or app.token
    if not token:
        raise MissingTokenError(description="reading the VK profile needs a token")
    params = {"fields": FIELDS, **(kwargs.pop("params", None) or {})}
    answer = read_json(app.request("GET", "users.get", params=params, **kwargs), "users.get")
    if isinstance(answer, Mapping) and isinstance(answer.get("error"), Mapping):
        code = answer["error"].get("error_code")
        raise ProviderError(error="userinfo_failed", description=f"the VK API refused users.get (error {code})")
    user = dig(answer, ("response", 0), "users.get")
    if not isinstance(user, Mapping):
        user = {}
    return normalize_claims(profile_to_claims({**user, "email": token.get("email")}), "VK users.get")


PRESET = ProviderPreset(
    name="vk",
    title="VK",
    family="regional",
    settings={
        "authorize_url": "https://oauth.vk.com/authorize",
        "access_token_url": "https://oauth.vk.com/access_token",
        "api_base_url": "https://api.vk.com/method/",
        "client_kwargs": {"scope": "email", "token_endpoint_auth_method": "client_secret_post",
                          "token_placement": "uri"},
    },
    quirks=quirks.api_query({"v": API_VERSION}, "every VK API call names the API version"),
    userinfo=load_userinfo,
    docs="VK (vk.com OAuth). userinfo() reads users.get; the e-mail comes from the token answer.",
    references=(
        "https://dev.vk.com/en/api/access-token/authcode-flow-user",
        "https://dev.vk.com/en/method/users.get",
        "https://dev.vk.com/en/api/api-requests",
    ),
    checked="2026-12-02",
)
