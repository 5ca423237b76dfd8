"""The zoho preset: the data centre (``dc=``), the ``Zoho-oauthtoken`` scheme, API calls to the token's api_domain."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.zoho import profile_to_claims
from tests.providers.recordings.zoho import PROFILE

TOKEN = {"access_token": "1000.abc", "token_type": "Bearer", "api_domain": "https://www.zohoapis.eu"}


def test_dc_moves_the_accounts_server_and_the_profile_with_it(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("zoho", client_id="id", client_secret="s", dc="eu")
    assert client.config.authorize_url == "https://accounts.zoho.eu/oauth/v2/auth"
    assert client.config.access_token_url == "https://accounts.zoho.eu/oauth/v2/token"
    requests_mock.get("https://accounts.zoho.eu/oauth/user/info", json=PROFILE)
    with app.test_request_context("/"):
        assert client.userinfo(token=TOKEN)["sub"] == "712345678"


def test_the_canadian_data_centre_is_on_zohocloud(app: Flask) -> None:
    client = OAuth(app).register("zoho", client_id="id", client_secret="s", dc="ca")
    assert client.config.access_token_url == "https://accounts.zohocloud.ca/oauth/v2/token"


def test_an_unknown_data_centre_is_a_configuration_error(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="dc="):
        OAuth(app).register("zoho", client_id="id", client_secret="s", dc="mars")


def test_api_calls_go_to_the_tokens_api_domain_with_the_zoho_scheme(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("zoho", client_id="id", client_secret="s", dc="eu")
    requests_mock.get("https://www.zohoapis.eu/crm/v2/users", json={"users": []})
    with app.test_request_context("/"):
        client.get("crm/v2/users", token=TOKEN)
    assert requests_mock.last_request.url == "https://www.zohoapis.eu/crm/v2/users"
    assert requests_mock.last_request.headers["Authorization"] == "Zoho-oauthtoken 1000.abc"


def test_refresh_tokens_are_asked_for_with_access_type_offline(app: Flask) -> None:
    client = OAuth(app).register("zoho", client_id="id", client_secret="s")
    assert client.config.authorize_params["access_type"] == "offline"


def test_profile_maps_to_standard_claims() -> None:
    assert profile_to_claims(PROFILE) == {
        "sub": 712345678, "name": "Radia Perlman", "given_name": "Radia", "family_name": "Perlman",
        "preferred_username": "radia.p", "email": "radia@example.com",
    }


def test_a_profile_with_only_a_display_name_splits_it() -> None:
    claims = profile_to_claims({"ZUID": 1, "Display_Name": "Radia Perlman"})
    assert (claims["name"], claims["given_name"], claims["family_name"]) == ("Radia Perlman", "Radia", "Perlman")
    assert claims["email"] is None
