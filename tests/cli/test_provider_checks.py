"""The checks behind ``flask oauth check`` and the preset summaries behind ``providers``, over plain values."""

from __future__ import annotations

from typing import Any

import pytest

from flask_oauth_registry.provider_checks import (
    FAIL,
    OK,
    SKIP,
    Check,
    is_sane_redirect_uri,
    oauth2_checks,
    preset_summary,
)
from flask_oauth_registry.providers.base import ProviderPreset
from flask_oauth_registry.registry.config import ClientConfig
from flask_oauth_registry.registry.errors import BadResponseError

DISCOVERY = "https://op.example/.well-known/openid-configuration"
METADATA = {
    "issuer": "https://op.example",
    "authorization_endpoint": "https://op.example/authorize",
    "token_endpoint": "https://op.example/token",
    "jwks_uri": "https://op.example/jwks",
}


def by_what(checks: list[Check]) -> dict[str, Check]:
    return {check.what: check for check in checks}


@pytest.mark.parametrize(
    "uri",
    ["https://rp.example/callback", "http://127.0.0.1:8080/", "http://[::1]/cb", "http://localhost:5000/callback"],
)
def test_https_and_loopback_http_redirect_uris_are_sane(uri: str) -> None:
    assert is_sane_redirect_uri(uri)


@pytest.mark.parametrize(
    "uri",
    ["http://rp.example/callback", "https://rp.example/cb#frag", "urn:ietf:wg:oauth:2.0:oob", "/callback",
     "http://127.0.0.1:99999/", "javascript:alert(1)"],
)
def test_other_redirect_uris_are_not(uri: str) -> None:
    assert not is_sane_redirect_uri(uri)


def test_an_openid_app_without_keys_fails_the_endpoint_check() -> None:
    config = ClientConfig("op", client_id="c", server_metadata_url=DISCOVERY, scope="openid")
    metadata = {key: value for key, value in METADATA.items() if key != "jwks_uri"}

    checks = by_what(oauth2_checks(config, lambda: metadata))

    assert checks["endpoints"].status == FAIL
    assert "JWKS" in checks["endpoints"].detail


def test_a_client_credentials_app_needs_no_authorization_endpoint() -> None:
    config = ClientConfig("machine", client_id="c", access_token_url="https://op.example/token")

    checks = by_what(oauth2_checks(config, dict))

    assert checks["endpoints"].status == OK and checks["endpoints"].detail == "token"
    assert checks["discovery"].status == SKIP


def test_a_missing_token_endpoint_names_the_config_key_to_set() -> None:
    config = ClientConfig("half", client_id="c", authorize_url="https://op.example/authorize")

    checks = by_what(oauth2_checks(config, dict))

    assert checks["endpoints"].status == FAIL
    assert "HALF_ACCESS_TOKEN_URL" in checks["endpoints"].detail


def test_a_discovery_document_that_is_not_one_fails_discovery() -> None:
    config = ClientConfig("op", client_id="c", server_metadata_url=DISCOVERY)

    def load() -> dict[str, Any]:
        raise BadResponseError(description="the discovery document has no issuer")

    checks = by_what(oauth2_checks(config, load))

    assert checks["discovery"].status == FAIL and "has no issuer" in checks["discovery"].detail
    assert checks["issuer"].status == SKIP and checks["endpoints"].status == SKIP


def test_a_missing_client_id_fails() -> None:
    config = ClientConfig("op", server_metadata_url=DISCOVERY, scope="openid")

    checks = by_what(oauth2_checks(config, lambda: METADATA))

    assert checks["client id"].status == FAIL and "OP_CLIENT_ID" in checks["client id"].detail
    assert checks["endpoints"].status == OK


def test_preset_summary_reads_protocol_and_scopes_from_the_settings() -> None:
    oidc = ProviderPreset("op", settings={"server_metadata_url": DISCOVERY, "client_kwargs": {"scope": "openid email"}})
    oauth1 = ProviderPreset("old", settings={"request_token_url": "https://old.example/request"})
    service = ProviderPreset("svc", settings={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                              "scopes": ["a", "b"]})

    assert preset_summary(oidc) == ("op", "OpenID Connect", "openid email")
    assert preset_summary(oauth1) == ("old", "OAuth 1.0a", "")
    assert preset_summary(service) == ("svc", "OAuth 2.0 JWT bearer", "a b")


def test_an_app_that_only_calls_an_api_skips_the_endpoint_check() -> None:
    config = ClientConfig("api", client_id="c", api_base_url="https://api.example/")

    checks = by_what(oauth2_checks(config, dict))

    assert checks["endpoints"].status == SKIP
    assert not any(check.failed for check in checks.values())
