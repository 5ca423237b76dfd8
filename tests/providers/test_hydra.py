"""The hydra preset: ``host=`` names the Ory Hydra public endpoint; it is required."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth


def test_host_makes_the_discovery_url_and_offline_access_is_asked(app: Flask) -> None:
    client = OAuth(app).register("hydra", client_id="id", client_secret="s", host="auth.example.com")
    assert client.config.server_metadata_url == "https://auth.example.com/.well-known/openid-configuration"
    assert "offline_access" in client.config.scope.split()


def test_a_missing_host_is_a_configuration_error_naming_it(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="host="):
        OAuth(app).register("hydra", client_id="id", client_secret="s")
