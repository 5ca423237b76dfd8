"""GitHub: OAuth 2.0 (no OpenID Connect); the profile and e-mails map to standard claims."""

from __future__ import annotations

from typing import Any

from ..registry.errors import ProviderError
from .base import ProviderPreset


def _json(response: Any, what: str) -> Any:
    if response.status_code != 200:
        raise ProviderError("userinfo_failed", f"GitHub answered HTTP {response.status_code} for {what}",
                            status_code=response.status_code)
    return response.json()


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """GitHub's ``/user`` (and ``/user/emails`` for a verified address) as OIDC claims."""
    profile = _json(app.get("user", **kwargs), "/user")
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
        emails = [e for e in response.json() if isinstance(e, dict)]
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
