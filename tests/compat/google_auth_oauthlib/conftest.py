"""Google's endpoints on requests-mock, a client secrets file, and a browser that consents in a thread."""

from __future__ import annotations

import json
import threading
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import requests_mock

AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
TOKEN_URI = "https://oauth2.googleapis.com/token"
USERINFO = "https://www.googleapis.com/userinfo/v2/me"
CLIENT_ID = "123.apps.googleusercontent.com"
CLIENT_SECRET = "gao-client-secret"
CODE = "4/0-the-code"
WAIT = 10.0
#: What Google answers: the scopes expanded to URLs, plus openid (not what was asked: "profile email").
GRANTED = "https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/userinfo.email openid"


def client_config(kind: str = "installed", **changes: Any) -> dict[str, Any]:
    section = {
        "client_id": CLIENT_ID, "project_id": "example", "auth_uri": AUTH_URI, "token_uri": TOKEN_URI,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": CLIENT_SECRET, "redirect_uris": ["http://localhost"],
    }
    section.update(changes)
    return {kind: section}


@pytest.fixture
def secrets_file(tmp_path: Path) -> Path:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps(client_config()))
    return path


@pytest.fixture
def google_endpoints() -> Iterator[requests_mock.Mocker]:
    """Google's token and userinfo endpoints; other URLs (the loopback server) are reached for real."""
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.post(TOKEN_URI, json={
            "access_token": "ya29.access", "expires_in": 3599, "refresh_token": "1//refresh",
            "scope": GRANTED, "token_type": "Bearer", "id_token": "header.payload.signature",
        })
        mocker.get(USERINFO, json={"name": "Ada", "email": "ada@example.com"})
        yield mocker


class ConsentingBrowser(webbrowser.BaseBrowser):
    """Plays Google and the user: sends the browser to the URL's ``redirect_uri`` with a code and the state.

    ``answer`` replaces the callback's query; ``before`` runs first (a favicon request...).
    """

    def __init__(self, answer: dict[str, str] | None = None,
                 before: Callable[[str], None] | None = None) -> None:
        super().__init__("consenting")
        self.answer = answer
        self.before = before
        self.opened: list[str] = []
        self.pages: list[requests.Response] = []
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        self.thread = threading.Thread(target=self._consent, args=(url,), daemon=True)
        self.thread.start()
        return True

    def _consent(self, url: str) -> None:
        try:
            query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
            redirect_uri = query["redirect_uri"]
            if self.before is not None:
                self.before(redirect_uri)
            answer = self.answer if self.answer is not None else {"code": CODE, "state": query["state"]}
            self.pages.append(requests.get(f"{redirect_uri}?{urlencode(answer)}", timeout=WAIT))
        except BaseException as exc:  # reported by finish(), not lost in the thread
            self.failure = exc

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join(WAIT)
        if self.failure is not None:
            raise self.failure


@pytest.fixture
def default_browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[ConsentingBrowser], ConsentingBrowser]]:
    """Makes ``browser`` what ``webbrowser.get()`` answers (the user's default browser)."""
    used: list[ConsentingBrowser] = []

    def install(browser: ConsentingBrowser) -> ConsentingBrowser:
        monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
        used.append(browser)
        return browser

    yield install
    for browser in used:
        if browser.thread is not None:
            browser.thread.join(WAIT)
