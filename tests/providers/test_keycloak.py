"""The keycloak preset: ``host=`` and ``realm=`` make the realm's discovery URL; both are required."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth


def test_host_and_realm_make_the_realms_discovery_url(app: Flask) -> None:
    client = OAuth(app).register("keycloak", client_id="id", client_secret="s", host="sso.example.com:8443",
                                 realm="staff")
    assert client.config.server_metadata_url == "https://sso.example.com:8443/realms/staff/.well-known/openid-configuration"
    assert client.config.api_base_url == "https://sso.example.com:8443/realms/staff/"


@pytest.mark.parametrize("missing", ["host", "realm"])
def test_a_missing_option_is_a_configuration_error_naming_it(app: Flask, missing: str) -> None:
    options = {key: value for key, value in {"host": "sso.example.com", "realm": "staff"}.items() if key != missing}
    with pytest.raises(ConfigurationError, match=f"{missing}="):
        OAuth(app).register("keycloak", client_id="id", client_secret="s", **options)


def test_a_realm_that_would_change_the_path_is_refused(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="realm="):
        OAuth(app).register("keycloak", client_id="id", client_secret="s", host="sso.example.com", realm="a/../b")
