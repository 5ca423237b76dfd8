"""Google-format client secrets files (flows/client_secrets.py): parsed into settings, read once at register/build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.flows.client_secrets import client_secrets_settings, read_client_secrets_file

SECRET = "GOCSPX-the-secret"


def web_client(**changes: Any) -> dict[str, Any]:
    client = {
        "client_id": "123.apps.googleusercontent.com",
        "project_id": "example",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": SECRET,
        "redirect_uris": ["http://app.example/callback", "https://app.example/callback"],
        "javascript_origins": ["https://app.example"],
    }
    client.update(changes)
    return {key: value for key, value in client.items() if value is not None}


def installed_client(**changes: Any) -> dict[str, Any]:
    return web_client(redirect_uris=["http://localhost"], javascript_origins=None, **changes)


@pytest.fixture
def write_secrets(tmp_path: Path) -> Any:
    def write(data: Any, name: str = "client_secrets.json") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        return path

    return write


# -- the format --------------------------------------------------------------------------------
def test_a_web_file_gives_the_client_its_endpoints_and_first_safe_redirect_uri() -> None:
    settings = client_secrets_settings({"web": web_client(revoke_uri="https://oauth2.googleapis.com/revoke")})

    assert settings == {
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": SECRET,
        "authorize_url": "https://accounts.google.com/o/oauth2/auth",
        "access_token_url": "https://oauth2.googleapis.com/token",
        "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
        # the plain-http one on another host is skipped
        "client_kwargs": {"redirect_uri": "https://app.example/callback"},
    }


def test_a_web_file_may_default_to_a_loopback_redirect_uri() -> None:
    settings = client_secrets_settings({"web": web_client(redirect_uris=["http://127.0.0.1:5000/callback"])})

    assert settings["client_kwargs"] == {"redirect_uri": "http://127.0.0.1:5000/callback"}


def test_an_installed_file_sets_no_redirect_uri_and_a_public_client_no_secret() -> None:
    settings = client_secrets_settings({"installed": installed_client(client_secret=None)})

    assert "client_kwargs" not in settings and "client_secret" not in settings
    assert settings["client_id"] == "123.apps.googleusercontent.com"


@pytest.mark.parametrize("field", ["client_id", "auth_uri", "token_uri"])
@pytest.mark.parametrize("kind", ["web", "installed"])
def test_a_missing_required_field_is_named_with_the_file(field: str, kind: str) -> None:
    client = web_client(**{field: None})

    with pytest.raises(ConfigurationError) as caught:
        client_secrets_settings({kind: client}, "/etc/app/client_secrets.json")

    message = str(caught.value)
    assert f"'{field}'" in message and "/etc/app/client_secrets.json" in message and f"'{kind}'" in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"other": web_client()}, "neither a 'web' nor an 'installed' section"),
        ({"web": web_client(), "installed": installed_client()}, "one client"),
        ({"web": web_client(), "extra": {}}, "one client"),
        (["web"], "not a JSON object"),
        ({"web": "not a section"}, "'web' is not a JSON object"),
        ({"web": web_client(client_id=123)}, "web.client_id must be a string"),
        ({"web": web_client(redirect_uris="https://app.example/callback")}, "redirect_uris must be a list"),
        ({"installed": installed_client(client_id="[[INSERT CLIENT ID HERE]]")}, "client_id is a placeholder"),
    ],
)
def test_a_malformed_file_is_a_configuration_error(data: Any, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected.replace("[", r"\[")):
        client_secrets_settings(data, "secrets.json")


def test_a_file_that_is_not_json_is_named_but_never_quoted(write_secrets: Any) -> None:
    path = write_secrets('{"web": {"client_secret": "' + SECRET + '",,}}')

    with pytest.raises(ConfigurationError, match="is not JSON") as caught:
        read_client_secrets_file(path, "GOOGLE_CLIENT_SECRETS_FILE")

    assert str(path) in str(caught.value) and "GOOGLE_CLIENT_SECRETS_FILE" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_missing_file_or_a_path_that_is_no_path_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the client secrets file"):
        read_client_secrets_file(tmp_path / "absent.json")
    with pytest.raises(ConfigurationError, match="must be a file path"):
        read_client_secrets_file(42)  # type: ignore[arg-type]


# -- register() and the Flask config ------------------------------------------------------------
def test_register_reads_the_file_given_as_a_keyword(app: Flask, write_secrets: Any) -> None:
    path = write_secrets({"web": web_client()})
    with app.app_context():
        client = OAuth(app).register("corp", client_secrets_file=path)

    assert client.client_id == "123.apps.googleusercontent.com"
    assert client.client_secret == SECRET
    assert client.authorize_url == "https://accounts.google.com/o/oauth2/auth"
    assert client.access_token_url == "https://oauth2.googleapis.com/token"
    assert client.config.redirect_uri == "https://app.example/callback"
    assert client.config.client_secrets_file == str(path)
    assert SECRET not in repr(client.config)


def test_the_flask_config_key_names_the_file(app: Flask, write_secrets: Any) -> None:
    app.config["CORP_CLIENT_SECRETS_FILE"] = str(write_secrets({"installed": installed_client()}))
    with app.app_context():
        client = OAuth(app).register("corp")

    assert client.client_id == "123.apps.googleusercontent.com"
    assert client.config.token_endpoint_auth_method == "client_secret_basic"


def test_explicit_settings_win_over_the_file(app: Flask, write_secrets: Any) -> None:
    path = write_secrets({"web": web_client()})
    app.config["CORP_ACCESS_TOKEN_URL"] = "https://config.example/token"
    with app.app_context():
        client = OAuth(app).register(
            "corp", client_secrets_file=path, client_id="from-kwargs", client_secret=None,
            client_kwargs={"redirect_uri": "https://mine.example/cb", "scope": "email"},
        )

    assert client.client_id == "from-kwargs"
    assert client.access_token_url == "https://config.example/token"
    assert client.client_secret == SECRET  # None is "not set": it does not hide the file's value
    assert client.config.redirect_uri == "https://mine.example/cb" and client.config.scope == "email"


def test_the_google_preset_takes_a_client_secrets_file(app: Flask, write_secrets: Any) -> None:
    path = write_secrets({"installed": installed_client()})
    with app.app_context():
        client = OAuth(app).register("google", client_secrets_file=path)

    assert client.client_id == "123.apps.googleusercontent.com"
    assert client.config.scope == "openid email profile"  # the preset's
    assert client.config.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"


def test_a_malformed_file_fails_at_register_naming_the_field(app: Flask, write_secrets: Any) -> None:
    path = write_secrets({"web": web_client(token_uri=None)})

    with pytest.raises(ConfigurationError, match="'token_uri'"):
        OAuth(app).register("corp", client_secrets_file=path)


def test_a_file_named_in_the_flask_config_fails_when_the_client_is_built(app: Flask, write_secrets: Any) -> None:
    app.config["CORP_CLIENT_SECRETS_FILE"] = str(write_secrets("not json"))
    oauth = OAuth()
    oauth.register("corp")
    oauth.init_app(app)

    with app.app_context(), pytest.raises(ConfigurationError, match="CORP_CLIENT_SECRETS_FILE"):
        oauth.create_client("corp")
