"""``ClientConfig`` (config.py): one remote app's settings, typed and frozen, with secure defaults and a repr
that hides the secrets."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from tests.fakes.manual import TOKEN_URL


def test_defaults_are_secure(app: Flask) -> None:
    client = OAuth(app).register("prov", client_id="a", client_secret="s", authorize_url="https://p.test/a")
    assert client.config.code_challenge_method == "S256"
    assert client.config.token_endpoint_auth_method == "client_secret_basic"
    assert client.config.timeout == (5.0, 30.0)
    public = OAuth(app).register("pub", client_id="a", authorize_url="https://p.test/a")
    assert public.config.token_endpoint_auth_method == "none"


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


def test_client_config_repr_hides_the_client_secret_and_private_keys(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="cid", client_secret="cs-SECRET", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize",
        client_kwargs={"private_key": "pk-SECRET", "token_endpoint_auth_method": "private_key_jwt", "scope": "read"},
    )
    shown = repr(client.config)
    assert "cs-SECRET" not in shown and "pk-SECRET" not in shown
    assert "client_secret='***'" in shown and "'private_key': '***'" in shown
    assert "client_id='cid'" in shown and "'scope': 'read'" in shown
    assert client.config.client_secret == "cs-SECRET"  # only the repr is masked
