"""The battlenet preset: ``region=`` picks the hosts; the userinfo's BattleTag becomes the name."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.battlenet import profile_to_claims
from tests.providers.recordings.battlenet import DISCOVERY, USERINFO


def test_userinfo_maps_the_battletag() -> None:
    assert profile_to_claims(USERINFO) == {"sub": "100000001", "name": "SampleHero#1234",
                                           "preferred_username": "SampleHero#1234", "nickname": "SampleHero"}


def test_an_answer_without_battletag_keeps_the_id() -> None:
    claims = profile_to_claims({"id": 7})
    assert claims["sub"] == 7 and claims["name"] is None and claims["nickname"] is None


@pytest.mark.parametrize(
    ("region", "discovery", "api"),
    [("us", "https://oauth.battle.net/.well-known/openid-configuration", "https://us.api.blizzard.com/"),
     ("kr", "https://oauth.battle.net/.well-known/openid-configuration", "https://kr.api.blizzard.com/"),
     ("cn", "https://oauth.battlenet.com.cn/.well-known/openid-configuration", "https://gateway.battlenet.com.cn/")],
)
def test_region_picks_the_sign_in_and_api_hosts(app: Flask, region: str, discovery: str, api: str) -> None:
    client = OAuth(app).register("battlenet", client_id="c", client_secret="s", region=region)
    assert client.config.server_metadata_url == discovery and client.api_base_url == api


def test_us_is_the_default_region(app: Flask) -> None:
    assert OAuth(app).register("battlenet", client_id="c", client_secret="s").api_base_url.startswith("https://us.")


def test_an_unknown_region_is_refused_naming_the_choices(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="region='apac'"):
        OAuth(app).register("battlenet", client_id="c", client_secret="s", region="apac")


def test_userinfo_reads_the_discovered_endpoint(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://oauth.battle.net/.well-known/openid-configuration", json=DISCOVERY)
    requests_mock.get(DISCOVERY["userinfo_endpoint"], json=USERINFO)
    client = OAuth(app).register("battlenet", client_id="c", client_secret="s")
    with app.app_context():
        info = client.userinfo(token={"access_token": "US-t", "token_type": "bearer"})
    assert info["preferred_username"] == "SampleHero#1234"
    assert requests_mock.last_request.headers["Authorization"] == "Bearer US-t"
