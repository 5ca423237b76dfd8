"""Reddit: OAuth 2.0 with HTTP Basic client authentication; ``/api/v1/me`` maps to standard claims.

Reddit throttles or refuses clients without a descriptive ``User-Agent`` of
their own, so the preset requires ``user_agent=`` (Reddit suggests
``<platform>:<app id>:<version> (by /u/<username>)``); it is sent on every
request, token requests included.  ``duration=permanent`` asks for a refresh
token.  The API is on ``oauth.reddit.com``; ``raw_json=1`` keeps Reddit from
HTML-escaping the ``&`` in image URLs.  Reddit gives no e-mail address.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..registry.errors import ConfigurationError
from ..registry.http import DEFAULT_USER_AGENT
from .base import ProviderPreset
from .profile import Profile


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/api/v1/me`` as OIDC claims; the id is Reddit's base-36 account id (without the ``t2_`` prefix)."""
    name = profile.get("name")
    icon = profile.get("snoovatar_img") or profile.get("icon_img")
    return {
        "sub": profile.get("id"),
        "name": name,
        "preferred_username": name,
        "picture": html.unescape(icon) if isinstance(icon, str) and icon else None,
        "profile": f"https://www.reddit.com/user/{name}" if name else None,
    }


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """Refuse a registration without a User-Agent of its own: Reddit blocks generic ones."""
    agent = settings.get("user_agent")
    if not agent or agent == DEFAULT_USER_AGENT:
        raise ConfigurationError(
            description=f"register({name!r}): the reddit preset needs user_agent= (Reddit refuses generic "
            "User-Agents), such as 'web:com.example.app:v1.0 (by /u/yourname)'"
        )
    return settings


PRESET = ProviderPreset(
    name="reddit",
    title="Reddit",
    family="social",
    settings={
        "authorize_url": "https://www.reddit.com/api/v1/authorize",
        "authorize_params": {"duration": "permanent"},
        "access_token_url": "https://www.reddit.com/api/v1/access_token",
        "revocation_endpoint": "https://www.reddit.com/api/v1/revoke_token",
        "api_base_url": "https://oauth.reddit.com/",
        "client_kwargs": {"scope": "identity", "token_endpoint_auth_method": "client_secret_basic"},
    },
    configure=configure,
    profile=Profile(url="api/v1/me", params={"raw_json": "1"}, to_claims=profile_to_claims),
    docs="Reddit (OAuth 2.0, permanent duration). Needs user_agent=; userinfo() reads /api/v1/me.",
    references=(
        "https://github.com/reddit-archive/reddit/wiki/OAuth2",
        "https://github.com/reddit-archive/reddit/wiki/API",
        "https://www.reddit.com/dev/api/#GET_api_v1_me",
    ),
    checked="2026-12-02",
)
