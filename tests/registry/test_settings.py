"""Settings of one remote app (settings.py): read from Flask config, merged preset < config < kwargs,
Authlib's metadata keywords moved where they take effect, built into a ``ClientConfig``."""

from __future__ import annotations

import warnings

import pytest
from flask import Flask

from flask_oauth_registry import OAuth, OAuth2App
from flask_oauth_registry.registry.config import CONFIG_KEYS
from flask_oauth_registry.registry.settings import build_config, merge_settings

ALL_KEYS = {
    "CLIENT_ID": "cid",
    "CLIENT_SECRET": "csecret",
    "REQUEST_TOKEN_URL": None,
    "REQUEST_TOKEN_PARAMS": {"rt": "1"},
    "ACCESS_TOKEN_URL": "https://prov.test/token",
    "ACCESS_TOKEN_PARAMS": {"at": "1"},
    "REFRESH_TOKEN_URL": "https://prov.test/refresh",
    "REFRESH_TOKEN_PARAMS": {"rf": "1"},
    "AUTHORIZE_URL": "https://prov.test/authorize",
    "AUTHORIZE_PARAMS": {"prompt": "consent"},
    "API_BASE_URL": "https://api.prov.test/v1/",
    "CLIENT_KWARGS": {"scope": "read write"},
    "SERVER_METADATA_URL": "https://prov.test/.well-known/openid-configuration",
    "CLIENT_SECRETS_FILE": None,  # read from Flask config too: tests/flows/test_client_secrets.py
}


def test_every_config_key_is_read_from_flask_config(app: Flask) -> None:
    assert {key.upper() for key in CONFIG_KEYS} == set(ALL_KEYS)
    for key, value in ALL_KEYS.items():
        if value is not None:
            app.config[f"PROV_{key}"] = value
    oauth = OAuth(app)
    client = oauth.register("prov")
    config = client.config
    assert config.client_id == "cid"
    assert config.client_secret == "csecret"
    assert config.access_token_url == "https://prov.test/token"
    assert config.access_token_params == {"at": "1"}
    assert config.refresh_token_url == "https://prov.test/refresh"
    assert config.refresh_token_params == {"rf": "1"}
    assert config.authorize_url == "https://prov.test/authorize"
    assert config.authorize_params == {"prompt": "consent"}
    assert config.api_base_url == "https://api.prov.test/v1/"
    assert config.client_kwargs == {"scope": "read write"}
    assert config.server_metadata_url == ALL_KEYS["SERVER_METADATA_URL"]
    assert config.request_token_params == {"rt": "1"}
    assert isinstance(client, OAuth2App)


def test_register_kwargs_win_over_config_by_default(app: Flask) -> None:
    app.config.update(PROV_CLIENT_ID="from-config", PROV_CLIENT_SECRET="config-secret")
    client = OAuth(app).register("prov", client_id="from-kwargs", api_base_url="https://x.test/")
    assert client.client_id == "from-kwargs"
    assert client.client_secret == "config-secret"


def test_overwrite_makes_config_win_without_mutating_caller_dicts(app: Flask) -> None:
    app.config.update(PROV_CLIENT_ID="from-config", PROV_CLIENT_KWARGS={"scope": "config-scope"})
    client_kwargs = {"scope": "kwarg-scope", "timeout": 3}
    client = OAuth(app).register(
        "prov", overwrite=True, client_id="from-kwargs", client_kwargs=client_kwargs, api_base_url="https://x.test/"
    )
    assert client.client_id == "from-config"
    assert client.client_kwargs == {"scope": "config-scope", "timeout": 3}
    assert client_kwargs == {"scope": "kwarg-scope", "timeout": 3}


def test_preset_is_lowest_and_explicit_settings_override_it(app: Flask) -> None:
    oauth = OAuth(app)
    client = oauth.register("github", client_id="id", client_secret="s", client_kwargs={"timeout": 4})
    assert client.authorize_url == "https://github.com/login/oauth/authorize"
    assert client.client_kwargs["scope"] == "read:user user:email"  # preset kept
    assert client.client_kwargs["timeout"] == 4
    work = oauth.register("work", provider="github", client_id="id", api_base_url="https://ghe.test/api/v3/")
    assert work.api_base_url == "https://ghe.test/api/v3/"
    assert work.access_token_url == "https://github.com/login/oauth/access_token"


@pytest.mark.parametrize(
    ("preset", "config", "kwargs", "overwrite", "merged"),
    [
        pytest.param({"client_id": "p"}, {}, {}, False, {"client_id": "p"}, id="preset-alone"),
        pytest.param({"client_id": "p"}, {"client_id": "c"}, {}, False, {"client_id": "c"}, id="config-over-preset"),
        pytest.param({}, {"client_id": "c"}, {"client_id": "k"}, False, {"client_id": "k"}, id="kwargs-over-config"),
        pytest.param({}, {"client_id": "c"}, {"client_id": "k"}, True, {"client_id": "c"}, id="overwrite-config-wins"),
        pytest.param({"client_id": "p"}, {}, {"client_id": "k"}, True, {"client_id": "k"}, id="overwrite-over-preset"),
        pytest.param(
            {"client_kwargs": {"scope": "p", "timeout": 1}}, {"client_kwargs": {"timeout": 2}},
            {"client_kwargs": {"timeout": 3}}, False, {"client_kwargs": {"scope": "p", "timeout": 3}},
            id="dicts-merged-key-by-key",
        ),
        pytest.param(
            {"client_kwargs": {"scope": "p"}}, {"client_kwargs": {"scope": "c"}}, {"client_kwargs": {"scope": "k"}},
            True, {"client_kwargs": {"scope": "c"}}, id="overwrite-dicts-merged-config-last",
        ),
    ],
)
def test_merge_settings_takes_preset_then_config_then_kwargs(
    preset: dict, config: dict, kwargs: dict, overwrite: bool, merged: dict
) -> None:
    assert merge_settings(preset, config, kwargs, overwrite) == merged


def test_merge_settings_copies_the_dicts_it_is_given() -> None:
    preset, kwargs = {"client_kwargs": {"scope": "p"}}, {"client_kwargs": {"timeout": 3}}
    merged = merge_settings(preset, {}, kwargs, False)
    merged["client_kwargs"]["scope"] = "changed"
    assert preset == {"client_kwargs": {"scope": "p"}} and kwargs == {"client_kwargs": {"timeout": 3}}


def test_authlib_style_metadata_keywords_go_where_they_take_effect(app: Flask) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = OAuth(app).register(
            "prov", client_id="a", authorize_url="https://p.test/auth", access_token_url="https://p.test/token",
            scope="openid email", token_endpoint_auth_method="client_secret_post", prompt="consent",
            grant_type="client_credentials", userinfo_endpoint="https://p.test/userinfo",
        )
    assert client.config.scope == "openid email"
    assert client.config.token_endpoint_auth_method == "client_secret_post"
    assert client.authorize_params == {"prompt": "consent"}
    assert client.config.grant_type == "client_credentials"
    assert client.server_metadata["userinfo_endpoint"] == "https://p.test/userinfo"


def test_building_a_config_returns_ignored_settings_as_problems_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = build_config("prov", {"clientid": "a", "client_kwargs": {"timout": 3}})
    assert [(p.where, p.key) for p in built.problems] == [
        ("register('prov')", "clientid"), ("PROV_CLIENT_KWARGS", "timout")
    ]
    assert "did you mean 'timeout'?" in built.problems[1].message
    assert built.config.client_id is None


def test_rsa_key_may_come_from_the_flask_config_of_an_app_initialised_after_register(app: Flask) -> None:
    oauth = OAuth()
    oauth.register("tw", client_id="k", request_token_url="https://tw.test/request_token",
                   client_kwargs={"signature_method": "RSA-SHA1"})
    app.config["TW_CLIENT_KWARGS"] = {"rsa_key": "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----\n"}
    oauth.init_app(app)
    with app.app_context():
        assert oauth.tw.config.rsa_key == app.config["TW_CLIENT_KWARGS"]["rsa_key"]
        assert oauth.tw.config.signature_method == "RSA-SHA1"
