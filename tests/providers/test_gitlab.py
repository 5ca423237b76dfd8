"""The gitlab preset: gitlab.com by default, ``host=`` for a self-managed instance."""

from __future__ import annotations

from flask import Flask

from flask_oauth_registry import OAuth


def test_gitlab_com_is_the_default_host(app: Flask) -> None:
    client = OAuth(app).register("gitlab", client_id="id", client_secret="s")
    assert client.config.server_metadata_url == "https://gitlab.com/.well-known/openid-configuration"
    assert client.config.api_base_url == "https://gitlab.com/api/v4/"


def test_host_points_every_url_at_a_self_managed_instance(app: Flask) -> None:
    client = OAuth(app).register("gitlab", client_id="id", client_secret="s", host="git.example.com")
    assert client.config.server_metadata_url == "https://git.example.com/.well-known/openid-configuration"
    assert client.config.api_base_url == "https://git.example.com/api/v4/"
    assert client.config.token_endpoint_auth_method == "client_secret_post"
