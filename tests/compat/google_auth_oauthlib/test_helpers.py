"""compat.google_auth_oauthlib.helpers: sessions from client secrets, google-auth credentials from sessions."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

import google.auth.external_account_authorized_user
import google.oauth2.credentials
import pytest
import requests_oauthlib

from flask_oauth_registry import ConfigurationError
from flask_oauth_registry.compat.google_auth_oauthlib import helpers

from .conftest import CLIENT_ID, CLIENT_SECRET, TOKEN_URI, client_config


def test_session_from_client_config_is_a_requests_oauthlib_session_and_the_config() -> None:
    config = client_config("web")

    session, returned = helpers.session_from_client_config(config, ["email"], redirect_uri="https://app.example/cb")

    assert isinstance(session, requests_oauthlib.OAuth2Session)
    assert returned is config
    assert (session.client_id, session.scope, session.redirect_uri) == (CLIENT_ID, ["email"], "https://app.example/cb")


def test_session_from_client_secrets_file(tmp_path: Path) -> None:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps(client_config()))

    session, config = helpers.session_from_client_secrets_file(str(path), ["email"])

    assert session.client_id == CLIENT_ID and config == client_config()


def test_a_public_client_needs_no_secret() -> None:
    config = client_config()
    del config["installed"]["client_secret"]

    session, _ = helpers.session_from_client_config(config, ["email"])

    assert session.client_id == CLIENT_ID


@pytest.mark.parametrize("field", ["client_id", "auth_uri", "token_uri"])
def test_a_config_without_a_required_field_names_it(field: str) -> None:
    config = client_config()
    del config["installed"][field]

    with pytest.raises(ValueError, match=field):
        helpers.session_from_client_config(config, ["email"])


def test_an_unreadable_secrets_file_is_a_configuration_error_that_shows_no_content(tmp_path: Path) -> None:
    path = tmp_path / "client_secrets.json"
    path.write_text('{"installed": {"client_secret": "s3cr3t", ')

    with pytest.raises(ConfigurationError) as raised:
        helpers.session_from_client_secrets_file(str(path), ["email"])

    assert "not JSON" in str(raised.value) and "s3cr3t" not in str(raised.value)


def test_credentials_from_session_carry_what_refreshing_needs() -> None:
    expires_at = time.time() + 3600
    session = requests_oauthlib.OAuth2Session(CLIENT_ID, scope=["email"], token={
        "access_token": "ya29.a", "refresh_token": "1//r", "id_token": "a.b.c", "token_type": "Bearer",
        "expires_at": expires_at, "scope": ["email", "openid"],
    })

    credentials = helpers.credentials_from_session(session, client_config()["installed"])

    assert isinstance(credentials, google.oauth2.credentials.Credentials)
    assert (credentials.token, credentials.refresh_token, credentials.id_token) == ("ya29.a", "1//r", "a.b.c")
    assert (credentials.client_id, credentials.client_secret, credentials.token_uri) == (
        CLIENT_ID, CLIENT_SECRET, TOKEN_URI)
    assert credentials.scopes == ["email"] and credentials.granted_scopes == ["email", "openid"]
    expected = datetime.datetime.fromtimestamp(expires_at, datetime.UTC).replace(tzinfo=None)
    assert credentials.expiry == expected and not credentials.expired


def test_a_3pi_config_gives_external_account_authorized_user_credentials() -> None:
    session = requests_oauthlib.OAuth2Session("pool-client", scope=["cloud"], token={
        "access_token": "sts.a", "refresh_token": "r", "token_type": "Bearer", "expires_at": time.time() + 60,
    })
    config = {"3pi": True, "client_id": "pool-client", "client_secret": "s", "token_uri": "https://sts.example/token",
              "token_info_url": "https://sts.example/introspect"}

    credentials = helpers.credentials_from_session(session, config)

    assert isinstance(credentials, google.auth.external_account_authorized_user.Credentials)
    assert credentials.token == "sts.a" and credentials.token_url == "https://sts.example/token"


def test_credentials_from_a_session_without_a_token_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="did you call fetch_token"):
        helpers.credentials_from_session(requests_oauthlib.OAuth2Session(CLIENT_ID))
