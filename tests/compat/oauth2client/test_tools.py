"""``tools.run_flow``: the command-line login of the oauth2client guide, on the loopback flow, without a browser."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests_mock as rm

from flask_oauth_registry.compat.oauth2client import client, file, tools
from flask_oauth_registry.registry.authorization import code_challenge

from .support import TOKEN_URI


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """Plays the user: reads the authorization URL and comes back to the redirect URI (plain urllib, not mocked)."""

    def __init__(self, answer: dict[str, str] | None = None, favicon_first: bool = False, state: str | None = None
                 ) -> None:
        self.answer = answer or {"code": "4/granted"}
        self.favicon_first = favicon_first
        self.state = state
        self.opened: list[str] = []
        self.statuses: list[int] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    def _get(self, url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as page:  # noqa: S310 (a loopback URL)
                self.statuses.append(page.status)
        except urllib.error.HTTPError as exc:
            self.statuses.append(exc.code)

    def _visit(self, url: str) -> None:
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        redirect = query["redirect_uri"]
        if self.favicon_first:
            self._get(redirect.rstrip("/") + "/favicon.ico")
        state = self.state if self.state is not None else query["state"]
        self._get(redirect + "?" + urlencode({**self.answer, "state": state}))


@pytest.fixture
def flow() -> client.OAuth2WebServerFlow:
    return client.OAuth2WebServerFlow("cid", "secret", "https://www.googleapis.com/auth/calendar")


def flags_for(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(parents=[tools.argparser])
    return parser.parse_args(["--auth_host_name", "127.0.0.1", "--auth_host_port", str(free_port()), *args])


def use(browser: Browser, monkeypatch: pytest.MonkeyPatch) -> Browser:
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    return browser


def token_answer(requests_mock: rm.Mocker, flow: client.OAuth2WebServerFlow) -> list[dict[str, str]]:
    """The token endpoint: checks the code and the PKCE verifier against the challenge that was sent."""
    seen: list[dict[str, str]] = []

    def answer(request: Any, context: Any) -> dict[str, Any]:
        form = {key: values[0] for key, values in parse_qs(request.text).items()}
        seen.append(form)
        assert form["code"] == "4/granted"
        return {"access_token": "ya29.cli", "refresh_token": "1//cli", "expires_in": 3600}

    requests_mock.post(TOKEN_URI, json=answer)
    return seen


def test_run_flow_logs_in_through_the_loopback_server_and_stores_the_credentials(
    flow: client.OAuth2WebServerFlow, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    browser = use(Browser(favicon_first=True), monkeypatch)
    seen = token_answer(requests_mock, flow)
    storage = file.Storage(str(tmp_path / "credentials.json"))

    credentials = tools.run_flow(flow, storage, flags_for())

    assert credentials.access_token == "ya29.cli" and credentials.store is storage
    assert storage.get().refresh_token == "1//cli"
    query = {key: values[0] for key, values in parse_qs(urlsplit(browser.opened[0]).query).items()}
    # oauth2client sent neither a state nor a PKCE challenge, and took the favicon request as the redirect.
    assert query["state"] and query["code_challenge"] == code_challenge(seen[0]["code_verifier"], "S256")
    assert seen[0]["redirect_uri"] == query["redirect_uri"] == flow.redirect_uri
    assert browser.statuses == [404, 200]
    assert "Authentication successful." in capsys.readouterr().out


def test_a_callback_with_another_state_ends_the_login(
    flow: client.OAuth2WebServerFlow, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use(Browser(state="forged"), monkeypatch)
    token_answer(requests_mock, flow)

    with pytest.raises(SystemExit, match="Authentication has failed"):
        tools.run_flow(flow, file.Storage(str(tmp_path / "c.json")), flags_for())

    assert not requests_mock.called


def test_a_refusal_exits_with_oauth2client_s_message(
    flow: client.OAuth2WebServerFlow, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use(Browser(answer={"error": "access_denied"}), monkeypatch)

    with pytest.raises(SystemExit, match="Authentication request was rejected."):
        tools.run_flow(flow, file.Storage(str(tmp_path / "c.json")), flags_for())


def test_flags_none_ignores_sys_argv(flow: client.OAuth2WebServerFlow, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    # oauth2client parsed sys.argv here: Jupyter's and the program's own options made it exit.
    monkeypatch.setattr(sys, "argv", ["jupyter", "-f", "/tmp/kernel.json"])
    monkeypatch.setattr(tools, "_local_server_login",
                        lambda flow, flags, http: client.AccessTokenCredentials("t", None))

    credentials = tools.run_flow(flow, file.Storage(str(tmp_path / "c.json")))

    assert credentials.access_token == "t"


def test_noauth_local_webserver_uses_oob_warns_about_google_and_accepts_the_pasted_url(
    flow: client.OAuth2WebServerFlow, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = token_answer(requests_mock, flow)
    printed: list[str] = []

    def paste(prompt: str) -> str:
        out = capsys.readouterr().out
        printed.append(out)
        url = out.split("Go to the following link in your browser:")[1].split()[0]
        state = parse_qs(urlsplit(url).query)["state"][0]
        return f"http://localhost/?code=4/granted&state={state}"

    monkeypatch.setattr("builtins.input", paste)

    credentials = tools.run_flow(flow, file.Storage(str(tmp_path / "c.json")), flags_for("--noauth_local_webserver"))

    assert credentials.access_token == "ya29.cli"
    assert seen[0]["redirect_uri"] == client.OOB_CALLBACK_URN
    assert "Google stopped accepting the out-of-band" in printed[0]


def test_the_argparser_has_oauth2client_s_flags() -> None:
    flags = argparse.ArgumentParser(parents=[tools.argparser]).parse_args([])

    assert (flags.auth_host_name, flags.noauth_local_webserver, flags.auth_host_port, flags.logging_level) == (
        "localhost", False, [8080, 8090], "ERROR")
    assert "client_secrets.json" in tools.message_if_missing("/x/client_secrets.json")


def test_when_no_port_can_be_bound_it_falls_back_to_pasting_the_code(
    flow: client.OAuth2WebServerFlow, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token_answer(requests_mock, flow)
    monkeypatch.setattr("builtins.input", lambda prompt: "4/granted")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        flags = argparse.ArgumentParser(parents=[tools.argparser]).parse_args(
            ["--auth_host_name", "127.0.0.1", "--auth_host_port", port])

        credentials = tools.run_flow(flow, file.Storage(str(tmp_path / "c.json")), flags)

    assert credentials.access_token == "ya29.cli"
    assert "Failed to start a local webserver" in capsys.readouterr().out
