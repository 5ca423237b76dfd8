"""The commands as a user runs them: ``flask --app tests.cli.cli_app oauth ...`` in a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flask_oauth_registry.devprovider import RunningProvider
from flask_oauth_registry.storage.file import FileStorage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flask_oauth(provider: RunningProvider, token_file: Path) -> Any:
    """``flask_oauth("token", "dev")`` runs ``flask --app tests.cli.cli_app oauth token dev``; returns the process."""
    env = {**os.environ, "FLASK_OAUTH_CLI_TOKEN_FILE": str(token_file), "DEV_METADATA_URL": provider.metadata_url}
    env.pop("FLASK_APP", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "tests.cli.cli_app", "oauth", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
        )

    return run


def test_flask_oauth_providers_lists_the_presets(flask_oauth: Any) -> None:
    done = flask_oauth("providers")

    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert {"google", "github", "twitter"} <= set(names)
    assert done.stderr == ""


def test_flask_oauth_token_prints_the_stored_token_for_a_shell_variable(flask_oauth: Any, token_file: Path) -> None:
    FileStorage(token_file).set("dev", "cli", {"access_token": "stored-access", "token_type": "Bearer",
                                               "expires_at": int(time.time()) + 3600})

    done = flask_oauth("token", "dev")

    assert done.returncode == 0, done.stderr
    assert done.stdout == "stored-access\n" and done.stderr == ""


def test_flask_oauth_token_refreshes_in_a_real_process_and_writes_back(
    flask_oauth: Any, logged_in: dict[str, Any], token_file: Path
) -> None:
    FileStorage(token_file).set("dev", "cli", {**logged_in, "expires_at": int(time.time()) - 10})

    done = flask_oauth("token", "dev")

    assert done.returncode == 0, done.stderr
    kept = FileStorage(token_file).get("dev", "cli")
    assert kept is not None and done.stdout == kept["access_token"] + "\n"
    assert kept["access_token"] != logged_in["access_token"]
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"


def test_flask_oauth_errors_are_one_line_on_stderr_with_exit_status_1(flask_oauth: Any, token_file: Path) -> None:
    done = flask_oauth("token", "dev")

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"error: missing_token: no token for 'dev' in {token_file}: run `flask oauth login dev`\n"


def test_flask_oauth_usage_errors_exit_with_status_2(flask_oauth: Any) -> None:
    unknown = flask_oauth("token", "nope")
    missing = flask_oauth("token")

    assert unknown.returncode == 2 and "no remote app named 'nope'" in unknown.stderr
    assert missing.returncode == 2 and "Missing argument 'NAME'" in missing.stderr
    assert unknown.stdout == missing.stdout == ""
