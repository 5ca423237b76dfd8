"""The okta preset: ``domain=`` and ``authorization_server=`` pick the discovery document."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth

DOMAIN = "dev-123456.okta.com"


@pytest.mark.parametrize(
    ("server", "discovery"),
    [
        (None, f"https://{DOMAIN}/oauth2/default/.well-known/openid-configuration"),
        ("default", f"https://{DOMAIN}/oauth2/default/.well-known/openid-configuration"),
        ("aus1a2b3c4", f"https://{DOMAIN}/oauth2/aus1a2b3c4/.well-known/openid-configuration"),
        ("org", f"https://{DOMAIN}/.well-known/openid-configuration"),
    ],
)
def test_the_authorization_server_picks_the_discovery_document(app: Flask, server: str | None, discovery: str) -> None:
    options = {"authorization_server": server} if server else {}
    client = OAuth(app).register("okta", client_id="id", client_secret="s", domain=DOMAIN, **options)
    assert client.config.server_metadata_url == discovery


def test_a_missing_domain_is_a_configuration_error_naming_it(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="domain="):
        OAuth(app).register("okta", client_id="id", client_secret="s")


def test_the_domain_may_come_from_the_flask_config(app: Flask) -> None:
    app.config["OKTA_DOMAIN"] = DOMAIN
    client = OAuth(app).register("okta", client_id="id", client_secret="s")
    assert client.config.server_metadata_url.startswith(f"https://{DOMAIN}/")
