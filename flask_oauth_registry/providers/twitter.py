"""Twitter (X): OAuth 1.0a user context; ``verify_credentials`` maps to standard claims."""

from __future__ import annotations

from typing import Any

from ..registry.answers import parse_json_object
from ..registry.errors import ProviderError
from .base import ProviderPreset

PROFILE_URL = "https://twitter.com/"


def profile_to_claims(profile: dict[str, Any]) -> dict[str, Any]:
    """A ``verify_credentials`` user object as OpenID Connect standard claims."""
    screen_name = profile.get("screen_name")
    claims: dict[str, Any] = {
        "sub": str(profile.get("id_str") or profile["id"]),
        "name": profile.get("name") or None,
        "preferred_username": screen_name,
        "picture": profile.get("profile_image_url_https"),
        "profile": PROFILE_URL + screen_name if screen_name else None,
        # Only apps Twitter has allowed to ask for e-mail get one; absent otherwise.
        "email": profile.get("email") or None,
    }
    return {k: v for k, v in claims.items() if v is not None}


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """GET ``account/verify_credentials.json`` (with ``include_email``) and map it."""
    params = {"include_email": "true", "skip_status": "true", **(kwargs.pop("params", None) or {})}
    response = app.get("account/verify_credentials.json", params=params, **kwargs)
    if response.status_code != 200:
        raise ProviderError(
            error="userinfo_failed",
            description=f"Twitter answered HTTP {response.status_code} for verify_credentials",
            status_code=response.status_code,
        )
    return profile_to_claims(parse_json_object(response.content, "Twitter profile"))


PRESET = ProviderPreset(
    name="twitter",
    settings={
        "request_token_url": "https://api.twitter.com/oauth/request_token",
        "authorize_url": "https://api.twitter.com/oauth/authenticate",
        "access_token_url": "https://api.twitter.com/oauth/access_token",
        "api_base_url": "https://api.twitter.com/1.1/",
    },
    userinfo=load_userinfo,
    docs="Twitter (X) OAuth 1.0a user context. userinfo() reads account/verify_credentials.json.",
)
