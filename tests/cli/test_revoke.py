"""``flask oauth revoke``: the grant revoked at the provider where it can be, and the token forgotten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, RunningProvider
from flask_oauth_registry.storage.file import FileStorage


def test_revoke_ends_the_grant_at_the_provider_and_forgets_the_token(
    runner: FlaskCliRunner, logged_in: dict[str, Any], token_file: Path, provider: RunningProvider
) -> None:
    revocations = provider.stats()["revocations"]

    result = runner.invoke(args=["oauth", "revoke", "dev"])

    assert result.exit_code == 0, result.output
    assert result.stderr == "Revoked the token at dev\n" and result.stdout == ""
    assert provider.stats()["revocations"] == revocations + 1
    assert FileStorage(token_file).get("dev", "cli") is None
    refresh = requests.post(provider.url_for("/token"), auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
                            data={"grant_type": "refresh_token", "refresh_token": logged_in["refresh_token"]})
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"


def test_without_a_revocation_endpoint_the_token_is_forgotten_and_the_user_told(
    provider: RunningProvider, token_file: Path
) -> None:
    app = Flask(__name__)
    app.config["OAUTH_CLI_TOKEN_FILE"] = str(token_file)
    OAuth(app).register("static", client_id="c", authorize_url=provider.url_for("/authorize"),
                        access_token_url=provider.url_for("/token"))
    FileStorage(token_file).set("static", "cli", {"access_token": "a", "token_type": "Bearer"})

    result = app.test_cli_runner().invoke(args=["oauth", "revoke", "static"])

    assert result.exit_code == 0, result.output
    assert "static has no revocation endpoint" in result.stderr
    assert FileStorage(token_file).get("static", "cli") is None


def test_revoke_without_a_stored_token_is_an_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "revoke", "dev"])

    assert result.exit_code == 1
    assert result.stderr.startswith("error: missing_token: no token for 'dev'")
