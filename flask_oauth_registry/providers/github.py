"""GitHub: OAuth 2.0 (no OpenID Connect); the profile and e-mails map to standard claims."""

from __future__ import annotations

import json
from typing import Any

from ..registry.errors import BadResponseError, ProviderError
from .base import ProviderPreset


def _json(response: Any, what: str) -> Any:
    if response.status_code != 200:
        raise ProviderError(
            error="userinfo_failed",
            description=f"GitHub answered HTTP {response.status_code} for {what}",
            status_code=response.status_code,
        )
    try:
        return json.loads(response.content)
    except RecursionError as exc:
        raise BadResponseError(description=f"GitHub's {what} answer is JSON nested too deeply") from exc
    except (ValueError, TypeError) as exc:
        raise BadResponseError(description=f"GitHub's {what} answer is not JSON") from exc


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """GitHub's ``/user`` (and ``/user/emails`` for a verified address) as OIDC claims."""
    profile = _json(app.get("user", **kwargs), "/user")
    if not isinstance(profile, dict) or profile.get("id") in (None, ""):
        raise BadResponseError(description="GitHub's /user answer has no id")
    name = profile.get("name") or None
    given, _, family = (name or "").partition(" ")
    claims: dict[str, Any] = {
        "sub": str(profile["id"]),
        "name": name,
        "given_name": given or None,
        "family_name": family or None,
        "preferred_username": profile.get("login"),
        "email": profile.get("email"),
        "email_verified": False,
        "picture": profile.get("avatar_url"),
        "profile": profile.get("html_url"),
        "website": profile.get("blog") or None,
        "updated_at": profile.get("updated_at"),
    }
    response = app.get("user/emails", **kwargs)
    if response.status_code == 200:
        listed = _json(response, "/user/emails")
        emails = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
        primary = next((e for e in emails if e.get("primary") and e.get("verified")), None)
        chosen = primary or next((e for e in emails if e.get("email") == claims["email"]), None)
        if chosen is not None:
            claims["email"] = chosen.get("email")
            claims["email_verified"] = bool(chosen.get("verified"))
    return {k: v for k, v in claims.items() if v is not None}


PRESET = ProviderPreset(
    name="github",
    settings={
        "authorize_url": "https://github.com/login/oauth/authorize",
        "access_token_url": "https://github.com/login/oauth/access_token",
        "api_base_url": "https://api.github.com/",
        "client_kwargs": {"scope": "read:user user:email", "token_endpoint_auth_method": "client_secret_post"},
    },
    userinfo=load_userinfo,
    docs="GitHub OAuth Apps. userinfo() reads /user and /user/emails.",
)
