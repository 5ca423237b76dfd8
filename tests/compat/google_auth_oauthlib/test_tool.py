"""compat.google_auth_oauthlib.tool: the google-oauthlib-tool command, its options and its output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import google.oauth2.credentials
import requests_mock
from click.testing import CliRunner

from flask_oauth_registry.compat.google_auth_oauthlib import tool

from .conftest import CLIENT_ID, CLIENT_SECRET, CODE, TOKEN_URI, ConsentingBrowser

AUTHORIZED_USER_KEYS = {"token", "refresh_token", "token_uri", "client_id", "client_secret", "scopes"}


def test_prints_the_authorized_user_json(secrets_file: Path, google_endpoints: requests_mock.Mocker,
                                         default_browser) -> None:
    browser = default_browser(ConsentingBrowser())

    result = CliRunner().invoke(tool.main, ["--client-secrets", str(secrets_file), "--scope", "email",
                                            "--scope", "profile"])
    browser.finish()

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert printed == {
        "token": "ya29.access", "refresh_token": "1//refresh", "token_uri": TOKEN_URI, "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET, "scopes": ["email", "profile"],
    }


def test_save_writes_the_same_without_the_token_for_its_owner_only(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser, tmp_path: Path
) -> None:
    browser = default_browser(ConsentingBrowser())
    target = tmp_path / "new-dir" / "credentials.json"

    result = CliRunner().invoke(tool.main, ["--client-secrets", str(secrets_file), "--scope", "email", "--save",
                                            "--credentials", str(target)])
    browser.finish()

    assert result.exit_code == 0, result.output
    assert f"credentials saved: {target}" in result.stdout
    saved = json.loads(target.read_text())
    assert set(saved) == AUTHORIZED_USER_KEYS - {"token"}
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # What google-auth reads back as an authorized user.
    loaded = google.oauth2.credentials.Credentials.from_authorized_user_info(saved)
    assert loaded.refresh_token == "1//refresh" and loaded.client_id == CLIENT_ID


def test_headless_reads_back_the_pasted_redirect(secrets_file: Path, google_endpoints: requests_mock.Mocker,
                                                 monkeypatch) -> None:
    shown: list[str] = []
    real_echo = tool.click.echo

    def remember(message: object = None, **kwargs: object) -> None:
        shown.append(str(message))
        real_echo(message, **kwargs)  # type: ignore[arg-type]

    def paste(prompt: str, **kwargs: object) -> str:
        url = next(line for text in shown for line in text.splitlines() if line.startswith("https://"))
        query = parse_qs(urlsplit(url).query)
        return f"{query['redirect_uri'][0]}?state={query['state'][0]}&code={CODE}&scope=email"

    monkeypatch.setattr(tool.click, "echo", remember)
    monkeypatch.setattr(tool.click, "prompt", paste)

    result = CliRunner().invoke(tool.main, ["--client-secrets", str(secrets_file), "--scope", "email", "--headless"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["token"] == "ya29.access"
    sent = parse_qs(google_endpoints.last_request.text)
    assert sent["code"] == [CODE] and sent["redirect_uri"] == [tool.HEADLESS_REDIRECT_URI]


def test_headless_refuses_a_pasted_address_of_another_login(secrets_file: Path,
                                                           google_endpoints: requests_mock.Mocker) -> None:
    pasted = f"{tool.HEADLESS_REDIRECT_URI}?state=someone-elses&code={CODE}\n"

    result = CliRunner().invoke(tool.main, ["--client-secrets", str(secrets_file), "--scope", "email", "--headless"],
                                input=pasted)

    assert result.exit_code == 1
    assert "mismatching_state" in result.output
    assert not [request for request in google_endpoints.request_history if request.url == TOKEN_URI]


def test_a_missing_secrets_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(tool.main, ["--client-secrets", str(tmp_path / "none.json"), "--scope", "email"])

    assert result.exit_code == 2 and "does not exist" in result.output
