"""``flask oauth login``: the loopback login by default, the device flow with --device; the token kept in the file."""

from __future__ import annotations

import re
import socket
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth2App
from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, serve
from flask_oauth_registry.storage.file import FileStorage

from .conftest import ProviderUser, make_app


@pytest.fixture(scope="module")
def quick_provider() -> Iterator[RunningProvider]:
    """A provider that asks devices to poll every second (the default is 5)."""
    with serve(ProviderSettings(device_interval=1)) as running:
        yield running


def redirect_uri_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["redirect_uri"][0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_login_opens_the_browser_and_keeps_the_token_from_the_loopback_flow(
    runner: FlaskCliRunner, user: ProviderUser, token_file: Path
) -> None:
    result = runner.invoke(args=["oauth", "login", "dev"])
    user.finish()

    assert result.exit_code == 0, result.output
    stored = FileStorage(token_file).get("dev", "cli")
    assert stored is not None and stored["access_token"] and stored["refresh_token"]
    assert stored["userinfo"]["sub"] == "alice"
    (url,) = user.opened
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", redirect_uri_of(url))
    assert f"Logged in to dev; the token is kept in {token_file}" in result.stderr
    assert result.stdout == ""
    assert stored["access_token"] not in result.output


def test_login_listens_on_the_port_given(runner: FlaskCliRunner, user: ProviderUser) -> None:
    port = free_port()

    result = runner.invoke(args=["oauth", "login", "dev", "--port", str(port)])
    user.finish()

    assert result.exit_code == 0, result.output
    assert redirect_uri_of(user.opened[0]) == f"http://127.0.0.1:{port}/"


def test_login_without_a_browser_prints_the_url_for_the_user_to_open(
    runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch, token_file: Path
) -> None:
    def no_browser(using: str | None = None) -> webbrowser.BaseBrowser:
        raise AssertionError("--no-browser must not open a browser")

    person = ProviderUser()
    started = OAuth2App.create_authorization_url

    def user_copies_the_url(app: OAuth2App, *args: Any, **kwargs: Any) -> dict[str, Any]:
        authorization = started(app, *args, **kwargs)
        person.open_browser_at(authorization["url"])  # what the user does with the printed URL
        return authorization

    monkeypatch.setattr(webbrowser, "get", no_browser)
    monkeypatch.setattr(OAuth2App, "create_authorization_url", user_copies_the_url)

    result = runner.invoke(args=["oauth", "login", "dev", "--no-browser"])
    person.finish()

    assert result.exit_code == 0, result.output
    assert f"Please visit this URL to authorize this application: {person.opened[0]}" in result.stderr
    assert FileStorage(token_file).get("dev", "cli") is not None


def test_a_refused_login_is_one_error_line_and_keeps_nothing(
    runner: FlaskCliRunner, user: ProviderUser, token_file: Path
) -> None:
    user.decision = "deny"

    result = runner.invoke(args=["oauth", "login", "dev"])
    user.finish()

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: access_denied")
    assert "Traceback" not in result.output
    assert not token_file.exists()


def test_login_with_device_shows_the_code_polls_with_a_progress_line_and_keeps_the_token(
    quick_provider: RunningProvider, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = ProviderUser()
    started = OAuth2App.start_device_authorization

    def user_enters_the_code(app: OAuth2App, *args: Any, **kwargs: Any) -> Any:
        flow = started(app, *args, **kwargs)
        person.enter_code(flow.verification_uri, flow.user_code)  # what the user does with the printed code
        return flow

    monkeypatch.setattr(OAuth2App, "start_device_authorization", user_enters_the_code)
    app = make_app(quick_provider, token_file)

    result = app.test_cli_runner().invoke(args=["oauth", "login", "dev", "--device"])
    person.finish()

    assert result.exit_code == 0, result.output
    assert "Device connected" in person.pages[-1].text
    shown = re.search(r"open (\S+) and enter the code (\S+)", result.stderr)
    assert shown and shown.group(1) == quick_provider.url_for("/device")
    stored = FileStorage(token_file).get("dev", "cli")
    assert stored is not None and stored["userinfo"]["sub"] == "alice"
    assert "Logged in to dev" in result.stderr and result.stdout == ""


def test_the_device_flow_progress_line_shows_the_time_left(
    quick_provider: RunningProvider, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = ProviderUser()
    original_poll = OAuth2App.poll_device_token

    def poll(app: OAuth2App, flow: Any, **kwargs: Any) -> Any:
        pending = kwargs["on_pending"]

        def on_pending(remaining: float) -> None:
            pending(remaining)
            if person.thread is None:  # the user comes after the first "not yet"
                person.enter_code(flow.verification_uri, flow.user_code)

        return original_poll(app, flow, **{**kwargs, "on_pending": on_pending})

    monkeypatch.setattr(OAuth2App, "poll_device_token", poll)
    app = make_app(quick_provider, token_file)

    result = app.test_cli_runner().invoke(args=["oauth", "login", "dev", "--device"])
    person.finish()

    assert result.exit_code == 0, result.output
    progress = re.findall(r"\rWaiting for you to enter the code\.\.\. (\d+):(\d\d) left", result.stderr)
    assert progress, result.stderr
    minutes, seconds = map(int, progress[0])
    assert 0 < minutes * 60 + seconds <= quick_provider.settings.device_code_ttl


def test_device_and_port_together_are_a_usage_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "login", "dev", "--device", "--port", "8080"])

    assert result.exit_code == 2
    assert "--port is for the loopback login" in result.stderr


def test_login_to_an_unknown_app_is_a_usage_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "login", "nope"])

    assert result.exit_code == 2
    assert "no remote app named 'nope'" in result.stderr
