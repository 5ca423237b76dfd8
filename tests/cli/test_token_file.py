"""Where the commands keep tokens: ``OAUTH_CLI_TOKEN_FILE``, else the user's configuration directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flask_oauth_registry.cli import default_token_file, token_file

HOME = Path("/home/ada")


@pytest.mark.skipif(os.name == "nt", reason="Windows uses %APPDATA%")
def test_the_default_is_under_xdg_config_home_when_it_is_set() -> None:
    assert default_token_file({"XDG_CONFIG_HOME": "/srv/conf"}, HOME) == Path(
        "/srv/conf/flask-oauth-registry/tokens.json"
    )


@pytest.mark.skipif(os.name == "nt", reason="Windows uses %APPDATA%")
@pytest.mark.parametrize("environ", [{}, {"XDG_CONFIG_HOME": ""}, {"XDG_CONFIG_HOME": "relative/conf"}])
def test_the_default_is_under_dot_config_otherwise(environ: dict[str, str]) -> None:
    # The XDG rule: a relative XDG_CONFIG_HOME is invalid and ignored.
    assert default_token_file(environ, HOME) == HOME / ".config" / "flask-oauth-registry" / "tokens.json"


def test_oauth_cli_token_file_wins_and_a_tilde_is_the_home_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(HOME))

    assert token_file({"OAUTH_CLI_TOKEN_FILE": "~/tokens/dev.json"}) == HOME / "tokens" / "dev.json"
    assert token_file({"OAUTH_CLI_TOKEN_FILE": "/tmp/t.json"}) == Path("/tmp/t.json")


@pytest.mark.skipif(os.name == "nt", reason="Windows uses %APPDATA%")
def test_without_the_setting_the_default_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    assert token_file({}) == tmp_path / "flask-oauth-registry" / "tokens.json"
