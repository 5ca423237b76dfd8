"""Bitbucket Cloud: OAuth 2.0 consumers; ``/2.0/user`` and ``/2.0/user/emails`` map to standard claims.

A consumer's scopes are ticked in Bitbucket's settings (Account: Read and
Email), not asked for at authorization.  Bitbucket's token answer says
``scopes`` where RFC 6749 says ``scope``; a quirk renames it.  The e-mail
address comes from the extra ``/user/emails`` call: the primary one, verified
when Bitbucket has confirmed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile, split_name
from .quirks import renamed_token_fields


def _href(links: Any, rel: str) -> str | None:
    link = links.get(rel) if isinstance(links, Mapping) else None
    return link.get("href") if isinstance(link, Mapping) else None


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/user`` (with ``emails``, the ``/user/emails`` page, when readable) as OIDC claims."""
    given, family = split_name(profile.get("display_name"))
    claims: dict[str, Any] = {
        "sub": profile.get("uuid"),
        "name": profile.get("display_name"),
        "given_name": given,
        "family_name": family,
        "preferred_username": profile.get("username") or profile.get("nickname"),
        "picture": _href(profile.get("links"), "avatar"),
        "profile": _href(profile.get("links"), "html"),
    }
    page = profile.get("emails")
    values = page.get("values") if isinstance(page, Mapping) else None
    emails = [e for e in values if isinstance(e, Mapping)] if isinstance(values, list) else []
    chosen = next((e for e in emails if e.get("is_primary")), None)
    if chosen is not None:
        claims["email"] = chosen.get("email")
        claims["email_verified"] = bool(chosen.get("is_confirmed"))
    return claims


PRESET = ProviderPreset(
    name="bitbucket",
    title="Bitbucket Cloud",
    family="social",
    settings={
        "authorize_url": "https://bitbucket.org/site/oauth2/authorize",
        "access_token_url": "https://bitbucket.org/site/oauth2/access_token",
        "api_base_url": "https://api.bitbucket.org/2.0/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_basic"},
    },
    quirks=renamed_token_fields({"scopes": "scope"}),
    profile=Profile(url="user", to_claims=profile_to_claims, extra={"emails": "user/emails"}),
    docs="Bitbucket Cloud OAuth 2.0 consumers. userinfo() reads /2.0/user and /2.0/user/emails.",
    references=(
        "https://developer.atlassian.com/cloud/bitbucket/oauth-2/",
        "https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get",
        "https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-emails-get",
    ),
    checked="2026-12-02",
)
