"""Naver Login: OAuth 2.0 on nid.naver.com; ``openapi.naver.com/v1/nid/me`` maps to standard claims.

Quirks: Naver wants the callback's ``state`` again in the code exchange (its
token endpoint requires it), so the preset sends the state of the callback
being handled (the registry has checked it already); the profile answer wraps
the user in ``response`` beside a ``resultcode``.  Consent items are chosen in
the app's console, so the preset asks for no scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request

from .base import ProviderPreset, Quirk
from .profile import Profile


def profile_to_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """The ``response`` of ``/v1/nid/me`` as OIDC claims (each field only when the user agreed to share it)."""
    birthyear, birthday = user.get("birthyear"), user.get("birthday")
    gender = {"F": "female", "M": "male"}.get(str(user.get("gender") or ""))
    return {
        "sub": user.get("id"),
        "name": user.get("name") or user.get("nickname"),
        "nickname": user.get("nickname"),
        "email": user.get("email"),
        "picture": user.get("profile_image"),
        "gender": gender,
        "birthdate": f"{birthyear}-{birthday}" if birthyear and birthday else None,
        "phone_number": user.get("mobile_e164") or user.get("mobile"),
    }


def send_callback_state(url: str, headers: Any, request_kwargs: Any) -> tuple[str, Any, Any]:
    """Add the callback's ``state`` to a code exchange that lacks it (Naver's token endpoint requires it)."""
    form = request_kwargs.get("data") if isinstance(request_kwargs, dict) else None
    if isinstance(form, dict) and "state" not in form and has_request_context():
        state = request.values.get("state")
        if state:
            request_kwargs = {**request_kwargs, "data": {**form, "state": state}}
    return url, headers, request_kwargs


PRESET = ProviderPreset(
    name="naver",
    title="Naver",
    family="regional",
    settings={
        "authorize_url": "https://nid.naver.com/oauth2.0/authorize",
        "access_token_url": "https://nid.naver.com/oauth2.0/token",
        "api_base_url": "https://openapi.naver.com/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_post"},
    },
    quirks=(Quirk("access_token_request", send_callback_state, "the code exchange must repeat the state"),),
    profile=Profile(url="v1/nid/me", to_claims=profile_to_claims, unwrap=("response",)),
    docs="Naver Login (OAuth 2.0; state repeated in the code exchange). userinfo() reads openapi.naver.com/v1/nid/me.",
    references=(
        "https://developers.naver.com/docs/login/api/api.md",
        "https://developers.naver.com/docs/login/devguide/devguide.md",
        "https://developers.naver.com/docs/login/profile/profile.md",
    ),
    checked="2026-12-02",
)
