"""ProviderMetadata: static settings over discovery, where each endpoint comes from, the missing-setting message."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.registry.metadata import (
    AUTHORIZATION_ENDPOINT,
    END_SESSION_ENDPOINT,
    INTROSPECTION_ENDPOINT,
    ISSUER,
    JWKS_URI,
    REVOCATION_ENDPOINT,
    TOKEN_ENDPOINT,
    USERINFO_ENDPOINT,
    MetadataField,
    ProviderMetadata,
    missing_setting_message,
)
from flask_oauth_registry.registry.oidc import ServerMetadata
from tests.fakes.oidc import DISCOVERY_URL, discovery_document


class Discovery:
    """A discovery fetch that counts calls and answers ``document``."""

    def __init__(self, **overrides: Any) -> None:
        self.document = discovery_document(**overrides)
        self.calls = 0

    def __call__(self, url: str) -> dict[str, Any]:
        self.calls += 1
        return self.document


def discovered(fetch: Discovery, **static: Any) -> ProviderMetadata:
    return ProviderMetadata("prov", static, ServerMetadata(DISCOVERY_URL, fetch))


# -- the missing-setting message ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "has_discovery", "message"),
    [
        pytest.param(
            AUTHORIZATION_ENDPOINT, False,
            "'prov' has no authorization endpoint: set PROV_AUTHORIZE_URL "
            "(or pass authorize_url= to register(), or server_metadata_url=)",
            id="authorize_url-without-discovery",
        ),
        pytest.param(
            TOKEN_ENDPOINT, False,
            "'prov' has no token endpoint: set PROV_ACCESS_TOKEN_URL "
            "(or pass access_token_url= to register(), or server_metadata_url=)",
            id="access_token_url-without-discovery",
        ),
        pytest.param(
            TOKEN_ENDPOINT, True,
            "'prov' has no token endpoint: the provider metadata has no token_endpoint; "
            "set PROV_ACCESS_TOKEN_URL (or pass access_token_url= to register())",
            id="access_token_url-with-discovery",
        ),
        pytest.param(
            END_SESSION_ENDPOINT, False,
            "'prov' has no end-session endpoint: the provider metadata has no end_session_endpoint; "
            "pass end_session_endpoint= to register() or set PROV_SERVER_METADATA_URL",
            id="metadata-only-without-discovery",
        ),
        pytest.param(
            END_SESSION_ENDPOINT, True,
            "'prov' has no end-session endpoint: the provider metadata has no end_session_endpoint; "
            "pass end_session_endpoint= to register()",
            id="metadata-only-with-discovery",
        ),
        pytest.param(
            ISSUER, False,
            "'prov' has no issuer: the provider metadata has no issuer; "
            "pass issuer= to register() or set PROV_SERVER_METADATA_URL",
            id="issuer",
        ),
        pytest.param(
            JWKS_URI, True,
            "'prov' has no JWKS URI: the provider metadata has no jwks_uri; pass jwks_uri= to register()",
            id="jwks_uri-with-discovery",
        ),
    ],
)
def test_missing_setting_message_names_what_to_set(wanted: MetadataField, has_discovery: bool, message: str) -> None:
    assert missing_setting_message("prov", wanted, has_discovery) == message


@pytest.mark.parametrize(
    "wanted",
    [AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, REVOCATION_ENDPOINT, INTROSPECTION_ENDPOINT, USERINFO_ENDPOINT,
     END_SESSION_ENDPOINT, JWKS_URI, ISSUER],
    ids=lambda field: field.name,
)
def test_missing_field_fails_naming_its_keyword_and_the_config_key(wanted: MetadataField) -> None:
    metadata = ProviderMetadata("work_account", {})
    with pytest.raises(ConfigurationError) as caught:
        metadata.require(wanted)
    assert isinstance(caught.value, RuntimeError)  # what Authlib raises for a missing endpoint
    message = str(caught.value)
    assert wanted.what in message
    config_key = f"WORK_ACCOUNT_{wanted.setting.upper()}" if wanted.setting else "WORK_ACCOUNT_SERVER_METADATA_URL"
    assert config_key in message
    assert f"{wanted.setting or wanted.name}= to register()" in message


# -- where values come from ----------------------------------------------------------------------------


def test_the_apps_own_setting_wins_and_nothing_is_fetched() -> None:
    fetch = Discovery()
    metadata = discovered(fetch)
    assert metadata.require(TOKEN_ENDPOINT, "https://own.test/token") == "https://own.test/token"
    assert fetch.calls == 0


def test_static_fields_win_over_discovered_ones() -> None:
    metadata = discovered(Discovery(), token_endpoint="https://static.test/token")
    assert metadata.require(TOKEN_ENDPOINT) == "https://static.test/token"
    assert metadata.require(USERINFO_ENDPOINT) == discovery_document()["userinfo_endpoint"]


def test_a_static_field_given_as_none_does_not_hide_the_discovered_one() -> None:
    metadata = discovered(Discovery(), token_endpoint=None)
    assert metadata.require(TOKEN_ENDPOINT) == discovery_document()["token_endpoint"]


def test_discovery_lacking_a_field_fails_naming_the_static_keyword() -> None:
    metadata = discovered(Discovery(revocation_endpoint=None))
    with pytest.raises(ConfigurationError, match=r"pass revocation_endpoint= to register\(\)$"):
        metadata.require(REVOCATION_ENDPOINT)


def test_known_metadata_is_the_static_settings_until_discovery_is_loaded() -> None:
    fetch = Discovery()
    metadata = discovered(fetch, end_session_endpoint="https://static.test/logout")
    assert metadata.known == {"end_session_endpoint": "https://static.test/logout"}
    assert fetch.calls == 0
    loaded = metadata.load()
    assert metadata.known is loaded and loaded["issuer"] == discovery_document()["issuer"]
    assert loaded["end_session_endpoint"] == "https://static.test/logout"
    metadata.load()
    assert fetch.calls == 1


@pytest.mark.parametrize(
    ("static", "setting", "with_discovery", "offered"),
    [
        pytest.param({}, None, False, False, id="nothing"),
        pytest.param({}, "https://own.test/authorize", False, True, id="own-setting"),
        pytest.param({"authorization_endpoint": "https://static.test/authorize"}, None, False, True, id="static"),
        pytest.param({}, None, True, True, id="discovery-may-have-it"),
    ],
)
def test_offers_tells_without_fetching_whether_an_endpoint_may_exist(
    static: dict[str, Any], setting: str | None, with_discovery: bool, offered: bool
) -> None:
    fetch = Discovery()
    metadata = discovered(fetch, **static) if with_discovery else ProviderMetadata("prov", static)
    assert metadata.offers(AUTHORIZATION_ENDPOINT, setting) is offered
    assert fetch.calls == 0


# -- through the app: a missing endpoint fails when it is needed, naming the config key ------------


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
