"""The yahoo preset: OpenID Connect by Yahoo's discovery document, with Basic client authentication."""

from __future__ import annotations

from flask import Flask

from flask_oauth_registry import OAuth


def test_yahoo_uses_its_discovery_document_and_basic_client_authentication(app: Flask) -> None:
    client = OAuth(app).register("yahoo", client_id="id", client_secret="secret")
    assert client.config.server_metadata_url == "https://api.login.yahoo.com/.well-known/openid-configuration"
    assert client.config.token_endpoint_auth_method == "client_secret_basic"
    assert client.config.is_oidc
