"""Sina Weibo: OAuth 2.0 on api.weibo.com; ``2/users/show.json`` for the token's ``uid`` maps to claims.

Quirks, the two requests-oauthlib's ``weibo_compliance_fix`` handles, done our
way: the token answer has no ``token_type`` (the core reads a missing one as
Bearer, so no hook is needed), and Weibo's API takes the token as the
``access_token`` query parameter (``token_placement="uri"``, a setting, rather
than a hook that swaps the session's client).  Like that fix, the token answer
is read as JSON whatever its ``Content-Type`` (Weibo has labelled it
``text/plain``).  The user's id comes only in the token answer (``uid``); the
profile is read for that id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..registry.errors import BadResponseError
from . import quirks
from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A ``users/show.json`` user as OIDC claims."""
    uid = profile.get("idstr") or profile.get("id")
    page = profile.get("profile_url") or uid
    lang = profile.get("lang")
    return {
        "sub": uid,
        "name": profile.get("name") or profile.get("screen_name"),
        "nickname": profile.get("screen_name"),
        "preferred_username": profile.get("domain") or profile.get("screen_name"),
        "picture": profile.get("avatar_hd") or profile.get("avatar_large") or profile.get("profile_image_url"),
        "profile": f"https://weibo.com/{page}" if page else None,
        "website": profile.get("url") or None,
        "locale": lang.replace("-", "_").lower() if isinstance(lang, str) and lang else None,
    }


def profile_url(token: Mapping[str, Any]) -> str:
    """``users/show.json?uid=<the token's uid>``: Weibo names the user in the token answer only."""
    uid = token.get("uid")
    if uid is None or str(uid).strip() == "":
        raise BadResponseError(description="the Weibo token has no uid to read the profile of")
    return "users/show.json?" + urlencode({"uid": str(uid)})


PRESET = ProviderPreset(
    name="weibo",
    title="Sina Weibo",
    family="regional",
    settings={
        "authorize_url": "https://api.weibo.com/oauth2/authorize",
        "access_token_url": "https://api.weibo.com/oauth2/access_token",
        "revocation_endpoint": "https://api.weibo.com/oauth2/revokeoauth2",
        "api_base_url": "https://api.weibo.com/2/",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_post", "token_placement": "uri"},
    },
    quirks=quirks.on_token_answers(dict, "token answers are JSON, whatever their Content-Type says"),
    profile=Profile(url=profile_url, to_claims=profile_to_claims),
    docs="Sina Weibo OAuth 2.0 (token in the query). userinfo() reads 2/users/show.json for the token's uid.",
    references=(
        "https://open.weibo.com/wiki/Oauth2/authorize",
        "https://open.weibo.com/wiki/Oauth2/access_token",
        "https://open.weibo.com/wiki/2/users/show",
        "https://github.com/requests/requests-oauthlib/blob/master/requests_oauthlib/compliance_fixes/weibo.py",
    ),
    checked="2026-12-02",
)
