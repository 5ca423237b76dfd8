"""The registry: registration, config keys, precedence, presets and configuration errors."""

from __future__ import annotations

import dataclasses
import sys
import warnings

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, ConfigurationWarning, OAuth, OAuth2App
from flask_oauth_registry.registry.config import CONFIG_KEYS
from flask_oauth_registry.registry.settings import build_config

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
}


def test_every_config_key_is_read_from_flask_config(app: Flask) -> None:
    assert len(CONFIG_KEYS) == 13
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


def test_request_token_url_config_key_makes_an_oauth1_app(app: Flask) -> None:
    app.config.update(TW_CLIENT_ID="k", TW_CLIENT_SECRET="s", TW_REQUEST_TOKEN_URL="https://tw.test/request_token")
    client = OAuth(app).register("tw")
    assert client.config.request_token_url == "https://tw.test/request_token"
    assert client.config.is_oauth1
    assert not client.is_oauth2


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


def test_unknown_preset_is_a_configuration_error_naming_the_known_ones(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="no provider preset named 'nope'.*github"):
        OAuth(app).register("x", provider="nope")


def test_clients_are_reached_by_attribute_and_create_client(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    assert oauth.prov is oauth.create_client("prov")
    assert oauth.create_client("other") is None
    with pytest.raises(AttributeError, match="no remote app named 'other'.*registered: prov"):
        _ = oauth.other


def test_init_app_later_and_proxy_before_app(app: Flask) -> None:
    oauth = OAuth()
    proxy = oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    oauth.init_app(app)
    with app.app_context():
        assert proxy.client_id == "a"
        assert oauth.prov.name == "prov"


def test_one_registry_on_two_apps_reads_each_apps_config(app: Flask) -> None:
    other = Flask("other")
    app.config["PROV_CLIENT_ID"] = "first"
    other.config["PROV_CLIENT_ID"] = "second"
    oauth = OAuth()
    oauth.init_app(app)
    oauth.init_app(other)
    oauth.register("prov", api_base_url="https://x.test/")
    with app.app_context():
        first = oauth.prov
    with other.app_context():
        second = oauth.prov
    assert (first.client_id, second.client_id) == ("first", "second")
    assert first is not second and first.session is not second.session


def test_registering_again_replaces_the_definition(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="old", api_base_url="https://x.test/")
    oauth.register("prov", client_id="new", api_base_url="https://x.test/")
    assert oauth.prov.client_id == "new"


def test_registry_not_initialised_on_app_is_reported(app: Flask) -> None:
    oauth = OAuth()
    oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        _ = oauth.prov


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
    err = ConfigurationError("x")
    assert isinstance(err, RuntimeError) and isinstance(err, ValueError)
    assert err.error == "configuration_error"


def test_unknown_keyword_warns_naming_it_and_the_accepted_keys(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match=r"unknown setting 'clientid'.*client_id"):
        client = OAuth(app).register("prov", clientid="typo", api_base_url="https://x.test/")
    assert client.client_id is None


def test_unknown_client_kwargs_key_warns(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match="unknown key 'scopes'"):
        OAuth(app).register("prov", client_kwargs={"scopes": "a"}, api_base_url="https://x.test/")


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


def test_missing_authorization_endpoint_fails_when_needed_naming_the_config_key(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="a", access_token_url="https://p.test/token")
    with app.test_request_context("/"), pytest.raises(ConfigurationError, match="PROV_AUTHORIZE_URL"):
        oauth.prov.authorize_redirect("https://client.test/cb")


def test_missing_token_endpoint_fails_when_needed_naming_the_config_key(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="a", authorize_url="https://p.test/auth")
    with app.test_request_context("/"), pytest.raises(ConfigurationError, match="PROV_ACCESS_TOKEN_URL"):
        oauth.prov.fetch_access_token(code="c")


def test_app_with_only_api_base_url_is_valid(app: Flask) -> None:
    client = OAuth(app, fetch_token=lambda name: {"access_token": "t", "token_type": "Bearer"}).register(
        "prov", api_base_url="https://api.test/"
    )
    assert client.api_base_url == "https://api.test/"


def test_defaults_are_secure(app: Flask) -> None:
    client = OAuth(app).register("prov", client_id="a", client_secret="s", authorize_url="https://p.test/a")
    assert client.config.code_challenge_method == "S256"
    assert client.config.token_endpoint_auth_method == "client_secret_basic"
    assert client.config.timeout == (5.0, 30.0)
    public = OAuth(app).register("pub", client_id="a", authorize_url="https://p.test/a")
    assert public.config.token_endpoint_auth_method == "none"


def _next_line() -> int:
    """The line after the caller's: where the call under test sits."""
    return sys._getframe(1).f_lineno + 1


def _recorded(caught: list[warnings.WarningMessage]) -> list[tuple[str, int, str]]:
    return [(w.filename, w.lineno, str(w.message)) for w in caught if issubclass(w.category, ConfigurationWarning)]


def test_unknown_keyword_warning_is_short_suggests_the_closest_key_and_points_at_register(app: Flask) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("google", scpoe="openid", client_id="a", client_secret="s")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith("register('google'): ignoring unknown setting 'scpoe'; did you mean 'scope'? See ")
    assert "configuration" in message and len(message) < 200


def test_unknown_keyword_without_a_close_key_still_points_to_the_accepted_settings(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match=r"unknown setting 'xyzzy'\. See docs/configuration\.rst") as record:
        OAuth(app).register("prov", xyzzy=1, api_base_url="https://x.test/")
    assert "did you mean" not in str(record[0].message)


def test_unknown_keyword_warns_at_register_line_without_an_app_too() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth().register("prov", clientid="a", api_base_url="https://x.test/")
    assert [(f, n) for f, n, _ in _recorded(caught)] == [(__file__, line)]


def test_unknown_client_kwargs_key_warning_suggests_the_closest_and_points_at_register(app: Flask) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("prov", client_kwargs={"timout": 3}, api_base_url="https://x.test/")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith("PROV_CLIENT_KWARGS: ignoring unknown key 'timout'; did you mean 'timeout'? See ")
    assert len(message) < 200


def test_unknown_client_kwargs_key_from_flask_config_points_at_register(app: Flask) -> None:
    app.config["PROV_CLIENT_KWARGS"] = {"scopes": "read"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("prov", api_base_url="https://x.test/")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert "PROV_CLIENT_KWARGS: ignoring unknown key 'scopes'; did you mean 'scope'?" in message


def test_misspelled_config_key_warns_at_register_naming_the_key_it_resembles(app: Flask) -> None:
    app.config.update(GOOGLE_CLIENT_ID="id", GOOGLE_CLIENT_SECERT="s")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        client = OAuth(app).register("google")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith(
        "Flask config key GOOGLE_CLIENT_SECERT is ignored by register('google'); did you mean GOOGLE_CLIENT_SECRET?"
    )
    assert client.client_secret is None
    assert "'s'" not in message  # the value (a secret) is never shown


def test_misspelled_config_key_warns_once_per_app_when_first_built_without_an_app(app: Flask) -> None:
    other = Flask("other")
    app.config["PROV_CLIENTID"] = "a"
    other.config["PROV_CLIENT_KWARG"] = {"scope": "x"}
    oauth = OAuth()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        oauth.register("prov", api_base_url="https://x.test/")  # no app yet: nothing to check
        assert _recorded(caught) == []
        oauth.init_app(app)
        oauth.init_app(other)
        with app.app_context():
            line = _next_line()
            _ = oauth.prov.api_base_url
            _ = oauth.prov.api_base_url
        oauth.register("prov", api_base_url="https://y.test/")  # rebuilt on next use, not checked again
        with app.app_context():
            assert oauth.prov.api_base_url == "https://y.test/"
        with other.app_context():
            _ = oauth.prov.api_base_url
    first, second = _recorded(caught)
    assert first[:2] == (__file__, line) and "PROV_CLIENTID is ignored" in first[2] and "PROV_CLIENT_ID?" in first[2]
    assert "PROV_CLIENT_KWARG is ignored" in second[2] and "did you mean PROV_CLIENT_KWARGS?" in second[2]


def test_keys_of_another_app_with_a_longer_name_are_not_typos(app: Flask) -> None:
    app.config.update(
        GOOGLE_CLIENT_ID="a", GOOGLE_CLIENT_SECRET="b",
        GOOGLE_WORK_CLIENT_ID="c", GOOGLE_WORK_CLIENT_SECERT="d",
    )
    oauth = OAuth(app)
    with pytest.warns(ConfigurationWarning) as record:
        oauth.register("google")  # before google_work is registered
        oauth.register("google_work", provider="google")
    assert [str(w.message).split(";")[0] for w in record] == [
        "Flask config key GOOGLE_WORK_CLIENT_SECERT is ignored by register('google_work')"
    ]


def test_keys_that_only_share_the_prefix_do_not_warn(app: Flask) -> None:
    app.config.update(
        CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=300, CACHE_REDIS_URL="redis://",
        TWITTER_ACCESS_TOKEN="bot-token", TWITTER_ACCESS_TOKEN_SECRET="bot-secret", TWITTER_BEARER_TOKEN="b",
        JWT_ACCESS_TOKEN_EXPIRES=60, JWT_REFRESH_TOKEN_EXPIRES=600, JWT_SECRET_KEY="k",
    )
    oauth = OAuth(app)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        oauth.register("cache", api_base_url="https://x.test/")
        oauth.register("twitter", client_id="k", client_secret="s")
        oauth.register("jwt", api_base_url="https://x.test/")


def test_config_cannot_be_changed_once_built(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="a", authorize_url="https://p.test/auth",
        client_kwargs={"scope": "openid"}, authorize_params={"prompt": "login"},
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        client.config.client_id = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        client.config.client_kwargs["scope"] = "email"  # type: ignore[index]
    client.client_kwargs["scope"] = "email"  # Authlib's attribute is a dict: a copy, changing nothing
    client.authorize_params["prompt"] = "none"
    assert client.config.scope == "openid" and client.client_kwargs == {"scope": "openid"}
    assert client.authorize_params == {"prompt": "login"}


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


def test_building_a_config_returns_ignored_settings_as_problems_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = build_config("prov", {"clientid": "a", "client_kwargs": {"timout": 3}})
    assert [(p.where, p.key) for p in built.problems] == [
        ("register('prov')", "clientid"), ("PROV_CLIENT_KWARGS", "timout")
    ]
    assert "did you mean 'timeout'?" in built.problems[1].message
    assert built.config.client_id is None


def test_ignored_setting_warns_once_per_registration_and_again_when_registered_again(app: Flask) -> None:
    oauth = OAuth()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        oauth.register("prov", clientid="a", api_base_url="https://x.test/")
        oauth.init_app(app)
        with app.app_context():
            _ = oauth.prov.api_base_url  # built now: the registration's problem is not reported again
        oauth.register("prov", clientid="b", api_base_url="https://y.test/")
    messages = [message for _, _, message in _recorded(caught)]
    assert len(messages) == 2 and all("unknown setting 'clientid'" in m for m in messages)


def test_rsa_key_may_come_from_the_flask_config_of_an_app_initialised_after_register(app: Flask) -> None:
    oauth = OAuth()
    oauth.register("tw", client_id="k", request_token_url="https://tw.test/request_token",
                   client_kwargs={"signature_method": "RSA-SHA1"})
    app.config["TW_CLIENT_KWARGS"] = {"rsa_key": "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----\n"}
    oauth.init_app(app)
    with app.app_context():
        assert oauth.tw.config.rsa_key == app.config["TW_CLIENT_KWARGS"]["rsa_key"]
        assert oauth.tw.config.signature_method == "RSA-SHA1"
