"""``flask oauth providers``: the built-in presets, one line each."""

from __future__ import annotations

import click
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth, cli
from flask_oauth_registry.providers import PRESETS
from flask_oauth_registry.registry.extension import EXTENSION_KEY


def test_providers_lists_every_preset_with_its_protocol_and_scopes(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "providers"])

    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert {"google", "github", "twitter"} <= set(lines)
    assert set(lines) == set(PRESETS)
    assert "OpenID Connect" in lines["google"] and "openid email profile" in lines["google"]
    assert "OAuth 2.0" in lines["github"] and lines["github"].endswith("[options: host=]")
    assert "tenant=" in lines["microsoft"]
    assert result.stderr == ""


def test_the_oauth_group_is_registered_by_the_extension(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "--help"])

    assert result.exit_code == 0
    for command in ("providers", "check", "login", "token", "revoke"):
        assert command in result.stdout


def test_an_apps_own_oauth_command_is_kept() -> None:
    app = Flask(__name__)

    @app.cli.command("oauth")
    def own() -> None:
        click.echo("the app's own")

    OAuth(app)

    result = app.test_cli_runner().invoke(args=["oauth"])
    assert result.stdout == "the app's own\n"


def test_the_commands_find_the_registry_under_the_extensions_key() -> None:
    assert cli._EXTENSION_KEY == EXTENSION_KEY
