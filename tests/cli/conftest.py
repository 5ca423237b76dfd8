"""Fixtures of the ``flask oauth`` command tests: the dev provider, an app registered on it, and a user.

The user answers the provider's pages the way a person would: the consent page of
the loopback login (through a browser the commands open with :mod:`webbrowser`),
and the verification page of the device flow.
"""

from __future__ import annotations

import html
import re
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, RunningProvider, serve
from flask_oauth_registry.storage.file import FileStorage

WAIT = 10.0  # seconds a test waits for a step that should happen at once


@pytest.fixture(scope="session")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "tokens.json"


def make_app(provider: RunningProvider, token_file: Path, **registration: Any) -> Flask:
    """An app with ``dev`` registered on ``provider`` (confidential client, OpenID Connect, refresh tokens)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", TESTING=True, OAUTH_CLI_TOKEN_FILE=str(token_file))
    settings: dict[str, Any] = {
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "server_metadata_url": provider.metadata_url,
        "client_kwargs": {"scope": "openid profile email offline_access"},
    }
    OAuth(app).register("dev", **{**settings, **registration})
    return app


@pytest.fixture
def cli_app(provider: RunningProvider, token_file: Path) -> Flask:
    return make_app(provider, token_file)


@pytest.fixture
def runner(cli_app: Flask) -> FlaskCliRunner:
    return cli_app.test_cli_runner()


def form_action(page: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', page)
    assert match, "no form on the provider's page"
    return html.unescape(match.group(1))


class ProviderUser:
    """A person at the provider, with their own cookies, acting in a thread while the command waits.

    ``open_browser_at(url)`` answers the consent page of a loopback login and follows
    the redirect back to the command's loopback server; ``enter_code(uri, code)``
    answers the device flow's verification page.  A failure in the thread is raised
    by :meth:`finish`.
    """

    def __init__(self, decision: str = "allow") -> None:
        self.decision = decision
        self.session = requests.Session()
        self.opened: list[str] = []
        self.pages: list[requests.Response] = []
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None

    def open_browser_at(self, url: str) -> None:
        self.opened.append(url)
        self._in_thread(self._consent_and_return, url)

    def enter_code(self, verification_uri: str, user_code: str) -> None:
        self._in_thread(self._verify_device, verification_uri, user_code)

    def _in_thread(self, work: Any, *args: str) -> None:
        def run() -> None:
            try:
                work(*args)
            except BaseException as exc:  # raised by finish(), not lost in the thread
                self.failure = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def _decide(self, page_url: str, page: requests.Response) -> requests.Response:
        assert page.status_code == 200, page.text
        return self.session.post(urljoin(page_url, form_action(page.text)),
                                 data={"username": "alice", "decision": self.decision}, allow_redirects=False)

    def _consent_and_return(self, url: str) -> None:
        answer = self._decide(url, self.session.get(url))
        assert answer.status_code == 302, answer.text
        self.pages.append(self.session.get(answer.headers["Location"], timeout=WAIT))

    def _verify_device(self, verification_uri: str, user_code: str) -> None:
        consent = self.session.post(verification_uri, data={"user_code": user_code})
        self.pages.append(self._decide(verification_uri, consent))

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join(WAIT)
        if self.failure is not None:
            raise self.failure


class UserBrowser(webbrowser.BaseBrowser):
    """What :func:`webbrowser.get` returns in the tests: the user's browser, opening URLs for them."""

    def __init__(self, user: ProviderUser) -> None:
        super().__init__("test-user")
        self.user = user

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.user.open_browser_at(url)
        return True


@pytest.fixture
def user(monkeypatch: pytest.MonkeyPatch) -> ProviderUser:
    """The user, whose browser the commands open (``webbrowser.get``)."""
    person = ProviderUser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: UserBrowser(person))
    return person


@pytest.fixture
def logged_in(runner: FlaskCliRunner, user: ProviderUser, token_file: Path) -> dict[str, Any]:
    """``flask oauth login dev`` done; the token it kept."""
    result = runner.invoke(args=["oauth", "login", "dev"])
    user.finish()
    assert result.exit_code == 0, result.output
    stored = FileStorage(token_file).get("dev", "cli")
    assert stored is not None
    return stored
