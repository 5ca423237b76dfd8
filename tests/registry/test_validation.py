"""Setting values checked once, at register (validation.py): a wrong value fails with ``ConfigurationError``
naming its key, and ``client_kwargs`` are parsed into typed settings."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from tests.fakes.relying_party import make_relying_party


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_kwargs": "scope=openid"}, "PROV_CLIENT_KWARGS must be a dict"),
        ({"client_kwargs": {"token_endpoint_auth_method": "client_secret_magic"}}, "token_endpoint_auth_method"),
        ({"client_kwargs": {"code_challenge_method": "S512"}}, "code_challenge_method"),
        ({"client_kwargs": {"token_placement": "cookie"}}, "token_placement"),
        ({"client_kwargs": {"timeout": "soon"}}, "timeout"),
        ({"client_kwargs": {"signature_method": "MD5"}}, "signature_method"),
        ({"authorize_params": ["a"]}, "PROV_AUTHORIZE_PARAMS must be a dict"),
        ({"access_token_url": "/token"}, "PROV_ACCESS_TOKEN_URL must be an absolute"),
        ({"fetch_token": "not callable"}, "fetch_token must be callable"),
    ],
)
def test_invalid_values_fail_at_register_naming_the_key(app: Flask, kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        OAuth(app).register("prov", **kwargs)


def test_invalid_value_from_flask_config_fails_naming_the_config_key(app: Flask) -> None:
    app.config["PROV_CLIENT_KWARGS"] = ["scope"]
    with pytest.raises(ConfigurationError, match="PROV_CLIENT_KWARGS must be a dict"):
        OAuth(app).register("prov")


def test_configuration_error_is_also_runtime_and_value_error() -> None:
    err = ConfigurationError(description="x")
    assert isinstance(err, RuntimeError) and isinstance(err, ValueError)
    assert err.error == "configuration_error"


def test_app_with_only_api_base_url_is_valid(app: Flask) -> None:
    client = OAuth(app, fetch_token=lambda name: {"access_token": "t", "token_type": "Bearer"}).register(
        "prov", api_base_url="https://api.test/"
    )
    assert client.api_base_url == "https://api.test/"


def test_client_kwargs_are_parsed_once_into_typed_settings(app: Flask) -> None:
    config = OAuth(app).register("prov", client_id="a", api_base_url="https://api.test/", client_kwargs={
        "scope": ["openid", "email"], "timeout": [2, 9], "pool_maxsize": "8", "client_assertion_alg": "ES256",
        "trusted_audiences": ["other"], "signature_type": "query", "verify": False,
    }).config
    assert (config.scope, config.is_oidc, config.timeout) == ("openid email", True, (2, 9))
    assert (config.pool_maxsize, config.client_assertion_alg) == (8, "ES256")
    assert (config.trusted_audiences, config.signature_type) == (frozenset({"other"}), "QUERY")
    assert config.requests_settings == {"verify": False}


@pytest.mark.parametrize(
    ("client_kwargs", "key"),
    [
        ({"pool_maxsize": "many"}, "pool_maxsize"),
        ({"pool_maxsize": 0}, "pool_maxsize"),
        ({"client_assertion_alg": 256}, "client_assertion_alg"),
        ({"scope": ["openid", 1]}, "scope"),
        ({"signature_type": "COOKIE"}, "signature_type"),
    ],
)
def test_client_kwargs_used_deep_inside_fail_at_register_naming_the_key(
    app: Flask, client_kwargs: dict, key: str
) -> None:
    with pytest.raises(ConfigurationError, match=rf"PROV_CLIENT_KWARGS\['{key}'\]"):
        OAuth(app).register("prov", client_kwargs=client_kwargs, api_base_url="https://x.test/")


@pytest.mark.parametrize("value", ["https://api.example.test", [42], {"api": True}], ids=["string", "number", "dict"])
def test_trusted_audiences_that_is_not_a_list_of_strings_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="trusted_audiences"):
        make_relying_party(client_kwargs={"scope": "openid", "trusted_audiences": value})
