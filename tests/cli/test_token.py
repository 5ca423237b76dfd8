"""``flask oauth token``: a fresh access token on stdout and nothing else; refreshed and written back when expired."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, RunningProvider
from flask_oauth_registry.storage.file import FileStorage


def store(token_file: Path, token: dict[str, Any], name: str = "dev") -> None:
    FileStorage(token_file).set(name, "cli", token)


def stored(token_file: Path, name: str = "dev") -> dict[str, Any] | None:
    return FileStorage(token_file).get(name, "cli")


def test_token_prints_only_the_access_token(runner: FlaskCliRunner, logged_in: dict[str, Any]) -> None:
    result = runner.invoke(args=["oauth", "token", "dev"])

    assert result.exit_code == 0, result.output
    assert result.stdout == logged_in["access_token"] + "\n"
    assert result.stderr == ""


def test_an_expired_token_is_refreshed_and_written_back(
    runner: FlaskCliRunner, logged_in: dict[str, Any], token_file: Path, provider: RunningProvider
) -> None:
    store(token_file, {**logged_in, "expires_at": int(time.time()) - 10})
    refreshes = provider.stats()["refresh_requests"]

    result = runner.invoke(args=["oauth", "token", "dev"])

    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert printed != logged_in["access_token"] and result.stdout == printed + "\n"
    assert provider.stats()["refresh_requests"] == refreshes + 1
    kept = stored(token_file)
    assert kept is not None and kept["access_token"] == printed
    assert kept["refresh_token"] != logged_in["refresh_token"]  # the provider rotates refresh tokens
    assert kept["expires_at"] > time.time()
    me = requests.get(provider.url_for("/userinfo"), headers={"Authorization": f"Bearer {printed}"})
    assert me.status_code == 200 and me.json()["sub"] == "alice"


def test_the_written_back_token_is_used_by_the_next_run_without_a_refresh(
    runner: FlaskCliRunner, logged_in: dict[str, Any], token_file: Path, provider: RunningProvider
) -> None:
    store(token_file, {**logged_in, "expires_at": int(time.time()) - 10})
    first = runner.invoke(args=["oauth", "token", "dev"])
    refreshes = provider.stats()["refresh_requests"]

    second = runner.invoke(args=["oauth", "token", "dev"])

    assert second.exit_code == 0 and second.stdout == first.stdout
    assert provider.stats()["refresh_requests"] == refreshes


def test_without_a_stored_token_the_error_says_how_to_log_in(runner: FlaskCliRunner, token_file: Path) -> None:
    result = runner.invoke(args=["oauth", "token", "dev"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: missing_token: no token for 'dev' in {token_file}: run `flask oauth login dev`\n"


def test_an_expired_token_without_a_refresh_token_is_token_expired(runner: FlaskCliRunner, token_file: Path) -> None:
    store(token_file, {"access_token": "old-access", "token_type": "Bearer", "expires_at": int(time.time()) - 10})

    result = runner.invoke(args=["oauth", "token", "dev"])

    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: token_expired: ")
    assert "old-access" not in result.output


def test_a_refused_refresh_is_the_providers_error_without_the_token(runner: FlaskCliRunner, token_file: Path) -> None:
    store(token_file, {"access_token": "old-access", "refresh_token": "revoked-refresh", "token_type": "Bearer",
                       "expires_at": int(time.time()) - 10})

    result = runner.invoke(args=["oauth", "token", "dev"])

    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: invalid_grant")
    assert "revoked-refresh" not in result.output and "old-access" not in result.output
    assert "Traceback" not in result.output
    assert stored(token_file) is not None and stored(token_file)["refresh_token"] == "revoked-refresh"  # type: ignore[index]


def test_an_app_that_gets_its_own_token_needs_no_login(provider: RunningProvider, token_file: Path) -> None:
    app = Flask(__name__)
    app.config["OAUTH_CLI_TOKEN_FILE"] = str(token_file)
    OAuth(app).register("machine", client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET,
                        access_token_url=provider.url_for("/token"), client_kwargs={"scope": "api"})
    runner = app.test_cli_runner()
    before = provider.stats()["token_requests"].get("client_credentials", 0)

    first = runner.invoke(args=["oauth", "token", "machine"])
    second = runner.invoke(args=["oauth", "token", "machine"])

    assert first.exit_code == 0, first.output
    assert second.stdout == first.stdout and first.stdout.strip()
    assert provider.stats()["token_requests"].get("client_credentials", 0) == before + 1
    assert stored(token_file, "machine")["access_token"] == first.stdout.strip()  # type: ignore[index]


def test_token_of_an_oauth1_app_is_refused_with_a_clear_error(token_file: Path) -> None:
    app = Flask(__name__)
    app.config["OAUTH_CLI_TOKEN_FILE"] = str(token_file)
    OAuth(app).register("twitter", client_id="key", client_secret="secret")

    result = app.test_cli_runner().invoke(args=["oauth", "token", "twitter"])

    assert result.exit_code == 1
    assert result.stderr == "error: configuration_error: 'twitter' is an OAuth 1.0a app: " \
        "`flask oauth token` is for OAuth 2\n"
