"""The commands for an app that gets its own token: a Google-style service account (JWT bearer) needs no login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, ServiceAccountConfig, serve
from tests.fakes.keys import rsa_key

KEY = rsa_key("cli-service-account")
ROBOT = "robot@demo.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def provider_with_account() -> Iterator[RunningProvider]:
    settings = ProviderSettings().with_service_accounts(
        ServiceAccountConfig(ROBOT, KEY.public_pem().decode(), key_id="pk-1")
    )
    with serve(settings) as running:
        yield running


@pytest.fixture
def runner(provider_with_account: RunningProvider, token_file: Path) -> FlaskCliRunner:
    private_pem = KEY.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key_file = {"type": "service_account", "client_email": ROBOT, "private_key_id": "pk-1",
                "private_key": private_pem, "token_uri": provider_with_account.url_for("/token")}
    app = Flask(__name__)
    app.config["OAUTH_CLI_TOKEN_FILE"] = str(token_file)
    OAuth(app).register("gsa", provider="google_service_account", service_account_info=key_file, scopes=["api"],
                        api_base_url=provider_with_account.url + "/")
    return app.test_cli_runner()


def test_token_of_a_service_account_needs_no_login(
    runner: FlaskCliRunner, provider_with_account: RunningProvider
) -> None:
    result = runner.invoke(args=["oauth", "token", "gsa"])

    assert result.exit_code == 0, result.output
    access_token = result.stdout.strip()
    me = requests.get(provider_with_account.url_for("/api/me"), headers={"Authorization": f"Bearer {access_token}"})
    assert me.status_code == 200 and me.json()["client_id"] == ROBOT


def test_login_to_a_service_account_says_none_is_needed(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "login", "gsa"])

    assert result.exit_code == 1
    assert result.stderr == (
        "error: configuration_error: 'gsa' gets its own token without a user: no login needed, "
        "run `flask oauth token gsa`\n"
    )


def test_check_of_a_service_account_needs_a_token_endpoint_but_no_client_id(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "check", "gsa"])

    assert result.exit_code == 0, result.output
    assert "OK   gsa  endpoints: token" in result.stdout
    assert "SKIP gsa  client id: none needed" in result.stdout
