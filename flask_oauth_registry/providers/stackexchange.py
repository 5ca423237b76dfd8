"""Stack Exchange: OAuth 2.0 on stackoverflow.com; ``/2.3/me`` on the chosen site maps to standard claims.

Options: ``key=`` is the app's key from stackapps.com (not a secret), which the
API wants on every call made with a token; ``site=`` is the site the API reads
(``stackoverflow`` unless given).  Both go into the query of every API call,
and so does the token (``access_token``, no ``Authorization`` header).  Quirks:
the token answer says ``expires`` for ``expires_in`` and has no ``token_type``;
API answers wrap their objects in ``items``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import quirks
from .base import PresetOption, ProviderPreset, QuirkFix, chain_fixes
from .profile import Profile

#: A private setting the preset fills from ``site=`` and ``key=``; :func:`configure` turns it into a fix.
API_QUERY_SETTING = "stackexchange_api_query"


def profile_to_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """A ``/me`` user as OIDC claims; ``sub`` is the network-wide ``account_id``, the same on every site."""
    return {
        "sub": user.get("account_id") or user.get("user_id"),
        "name": user.get("display_name"),
        "preferred_username": user.get("display_name"),
        "picture": user.get("profile_image"),
        "profile": user.get("link"),
        "website": user.get("website_url") or None,
        "site_user_id": user.get("user_id"),
    }


def configure(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with ``site`` and ``key`` added to every API call's query, before the other fixes run."""
    configured = dict(settings)
    query = configured.pop(API_QUERY_SETTING, None)
    if isinstance(query, Mapping):
        why = "every Stack Exchange API call names the site and the app's key"
        fix = QuirkFix("stackexchange", quirks.api_query(dict(query), why))
        configured["compliance_fix"] = chain_fixes(fix, configured.get("compliance_fix"))
    return configured


PRESET = ProviderPreset(
    name="stackexchange",
    title="Stack Exchange",
    family="regional",
    settings={
        "authorize_url": "https://stackoverflow.com/oauth",
        "access_token_url": "https://stackoverflow.com/oauth/access_token/json",
        "api_base_url": "https://api.stackexchange.com/2.3/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_post", "token_placement": "uri"},
        API_QUERY_SETTING: {"site": "{site}", "key": "{key}"},
    },
    options=(
        PresetOption("key", "the app's key from its stackapps.com page", required=True),
        PresetOption("site", "the API site parameter, e.g. stackoverflow, superuser", default="stackoverflow"),
    ),
    quirks=quirks.renamed_token_fields({"expires": "expires_in"}),
    configure=configure,
    profile=Profile(url="me", to_claims=profile_to_claims, unwrap=("items", 0)),
    docs="Stack Exchange OAuth 2.0 (key= and site= on every call). userinfo() reads /2.3/me on the site.",
    references=(
        "https://api.stackexchange.com/docs/authentication",
        "https://api.stackexchange.com/docs/me",
        "https://api.stackexchange.com/docs/wrapper",
    ),
    checked="2026-12-02",
)
