"""Battle.net (Blizzard): OpenID Connect through discovery; the userinfo answer's ``battletag`` becomes the name.

``region=`` (``us``, ``eu``, ``kr``, ``tw`` or ``cn``; ``us`` unless given)
picks the game-data API host (``https://<region>.api.blizzard.com/``); the
sign-in itself is on ``oauth.battle.net`` for every region but China, which
has its own (``oauth.battlenet.com.cn``, API on ``gateway.battlenet.com.cn``).
The client authenticates with HTTP Basic.  Blizzard's userinfo carries only
the account id (``sub``, ``id``) and the BattleTag; there is no e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset
from .profile import Profile

REGIONS = ("us", "eu", "kr", "tw", "cn")


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The userinfo answer as OIDC claims; the BattleTag (``Name#1234``) is the name people see."""
    battletag = profile.get("battletag") or None
    return {
        "sub": profile.get("sub") or profile.get("id"),
        "name": battletag,
        "preferred_username": battletag,
        "nickname": battletag.split("#", 1)[0] if battletag else None,
    }


def _hosts(options: Mapping[str, Any]) -> dict[str, str]:
    region = options.get("region") or "us"
    if region == "cn":
        return {"oauth_host": "oauth.battlenet.com.cn", "api": "https://gateway.battlenet.com.cn/"}
    return {"oauth_host": "oauth.battle.net", "api": f"https://{region}.api.blizzard.com/"}


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The discovered userinfo endpoint, its answer mapped to claims."""
    endpoint = app.load_server_metadata()["userinfo_endpoint"]
    return Profile(url=endpoint, to_claims=profile_to_claims).load(app, **kwargs)


PRESET = ProviderPreset(
    name="battlenet",
    title="Battle.net",
    family="regional",
    settings={
        "server_metadata_url": "https://{oauth_host}/.well-known/openid-configuration",
        "api_base_url": "{api}",
        "client_kwargs": {"scope": "openid", "token_endpoint_auth_method": "client_secret_basic"},
    },
    options=(PresetOption("region", "us, eu, kr, tw or cn", default="us", choices=REGIONS),),
    derive=_hosts,
    userinfo=load_userinfo,
    docs="Battle.net (Blizzard) OpenID Connect; region= picks the API host. userinfo() gives the BattleTag.",
    references=(
        "https://develop.battle.net/documentation/guides/using-oauth",
        "https://develop.battle.net/documentation/guides/using-oauth/authorization-code-flow",
        "https://develop.battle.net/documentation/battle-net/oauth-apis",
        "https://develop.battle.net/documentation/guides/regionality-and-apis",
    ),
    checked="2026-12-02",
)
