"""The cognito preset: the pool's issuer, the hosted UI's endpoints, the region from the pool id, userinfo booleans."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.cognito import userinfo_to_claims

DOMAIN = "sample-app.auth.eu-west-1.amazoncognito.com"


def test_the_region_is_read_from_the_pool_id(app: Flask) -> None:
    client = OAuth(app).register("cognito", client_id="id", client_secret="s", domain=DOMAIN,
                                 user_pool_id="eu-west-1_AbCdEf123")
    assert client.config.server_metadata_url == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/openid-configuration"
    )
    assert client.config.authorize_url == f"https://{DOMAIN}/oauth2/authorize"
    assert client.config.access_token_url == f"https://{DOMAIN}/oauth2/token"
    assert client.config.metadata["userinfo_endpoint"] == f"https://{DOMAIN}/oauth2/userInfo"


def test_an_explicit_region_wins(app: Flask) -> None:
    client = OAuth(app).register("cognito", client_id="id", client_secret="s", domain="login.example.com",
                                 user_pool_id="us-east-2_Xyz", region="us-east-2")
    assert client.config.server_metadata_url.startswith("https://cognito-idp.us-east-2.amazonaws.com/us-east-2_Xyz/")


def test_a_pool_id_without_a_region_and_no_region_is_a_configuration_error(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="region="):
        OAuth(app).register("cognito", client_id="id", client_secret="s", domain=DOMAIN, user_pool_id="NoRegion")


@pytest.mark.parametrize("missing", ["domain", "user_pool_id"])
def test_a_missing_option_is_a_configuration_error_naming_it(app: Flask, missing: str) -> None:
    options = {key: value for key, value in {"domain": DOMAIN, "user_pool_id": "eu-west-1_A"}.items() if key != missing}
    with pytest.raises(ConfigurationError, match=f"{missing}="):
        OAuth(app).register("cognito", client_id="id", client_secret="s", **options)


def test_userinfo_string_booleans_become_booleans_and_username_the_preferred_username() -> None:
    claims = userinfo_to_claims({"sub": "u1", "email_verified": "true", "phone_number_verified": "false",
                                 "username": "grace", "email": "g@example.com"})
    assert claims["email_verified"] is True and claims["phone_number_verified"] is False
    assert claims["preferred_username"] == "grace"


def test_userinfo_without_the_optional_fields_is_left_as_it_is() -> None:
    assert userinfo_to_claims({"sub": "u1"}) == {"sub": "u1"}
    assert userinfo_to_claims({"sub": "u1", "email_verified": True})["email_verified"] is True
