"""GitHub: OAuth 2.0 (no OpenID Connect); ``/user`` and ``/user/emails`` map to standard claims.

``host=`` points the preset at GitHub Enterprise Server (``github.example.com``):
its OAuth endpoints are on that host and its REST API under ``/api/v3/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset
from .profile import Profile, split_name


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/user`` (with ``emails`` from ``/user/emails`` when readable) as OIDC claims."""
    name = profile.get("name") or None
    given, family = split_name(name)
    claims: dict[str, Any] = {
        "sub": profile.get("id"),
        "name": name,
        "given_name": given,
        "family_name": family,
        "preferred_username": profile.get("login"),
        "email": profile.get("email"),
        "email_verified": False,
        "picture": profile.get("avatar_url"),
        "profile": profile.get("html_url"),
        "website": profile.get("blog") or None,
        "updated_at": profile.get("updated_at"),
    }
    listed = profile.get("emails")
    emails = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    primary = next((e for e in emails if e.get("primary") and e.get("verified")), None)
    chosen = primary or next((e for e in emails if e.get("email") == claims["email"]), None)
    if chosen is not None:
        claims["email"] = chosen.get("email")
        claims["email_verified"] = bool(chosen.get("verified"))
    return claims


def _hosts(options: Mapping[str, Any]) -> dict[str, str]:
    host = options.get("host")
    if host is None or host == "github.com":
        return {"web": "https://github.com", "api": "https://api.github.com/"}
    return {"web": f"https://{host}", "api": f"https://{host}/api/v3/"}


PRESET = ProviderPreset(
    name="github",
    title="GitHub",
    family="developer",
    settings={
        "authorize_url": "{web}/login/oauth/authorize",
        "access_token_url": "{web}/login/oauth/access_token",
        "api_base_url": "{api}",
        "client_kwargs": {"scope": "read:user user:email", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(PresetOption("host", "the GitHub Enterprise Server host name; github.com when not given"),),
    derive=_hosts,
    profile=Profile(url="user", to_claims=profile_to_claims, extra={"emails": "user/emails"}),
    docs="GitHub OAuth Apps (and GitHub Apps' user tokens). userinfo() reads /user and /user/emails.",
    references=(
        "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
        "https://docs.github.com/en/rest/users/users#get-the-authenticated-user",
        "https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user",
    ),
    checked="2026-12-02",
)
