"""``run_local_server`` (flows/loopback.py): the installed-app login against the development provider.

A fake browser, registered with :mod:`webbrowser`, does what a user's browser
does: it opens the consent page, answers it, and follows the provider's redirect
to the loopback server (sometimes asking for a favicon first).
"""

from __future__ import annotations

import html
import json
import re
import socket
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import click
import pytest
import requests
from flask import Flask, g

from flask_oauth_registry import (
    ConfigurationError,
    LoginTimeoutError,
    MismatchingStateError,
    OAuth,
    ProviderError,
)
from flask_oauth_registry.devprovider import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PUBLIC_CLIENT_ID,
    RunningProvider,
    serve,
)
from flask_oauth_registry.flows.loopback import (
    DEFAULT_SUCCESS,
    callback_in_request,
    check_callback,
    check_loopback_host,
    redirect_uri_for,
)
from flask_oauth_registry.registry.authorization import AuthorizationResponse

WAIT = 10.0  # seconds a test waits for a login that should finish at once


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


@pytest.fixture
def oauth(app: Flask, provider: RunningProvider) -> OAuth:
    registry = OAuth(app)
    registry.register(
        "dev", client_id=DEMO_PUBLIC_CLIENT_ID, server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": "openid profile"},
    )
    return registry


Step = Callable[["FakeBrowser", str], None]


class FakeBrowser(webbrowser.BaseBrowser):
    """A browser that answers the consent page and follows the redirect back, in its own thread.

    ``before_callback`` runs between the consent and the callback (a favicon request...);
    ``callback`` replaces following the redirect.  What the loopback server answered
    is in ``pages``; an exception in the thread is kept in ``failure``.
    """

    def __init__(self, decision: str = "allow", before_callback: Step | None = None,
                 callback: Step | None = None) -> None:
        super().__init__("fake")
        self.decision = decision
        self.before_callback = before_callback
        self.callback = callback or FakeBrowser.follow
        self.opened: list[str] = []
        self.pages: list[requests.Response] = []
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.session = requests.Session()

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        self.thread = threading.Thread(target=self._browse, args=(url,), daemon=True)
        self.thread.start()
        return True

    def _browse(self, url: str) -> None:
        try:
            redirect = self.consent(url)
            if self.before_callback is not None:
                self.before_callback(self, redirect)
            self.callback(self, redirect)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = exc

    def consent(self, url: str) -> str:
        page = self.session.get(url, allow_redirects=False)
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert page.status_code == 200 and action, page.text
        answer = self.session.post(
            urljoin(url, html.unescape(action.group(1))),
            data={"username": "alice", "decision": self.decision}, allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def follow(self, redirect: str) -> None:
        self.pages.append(self.session.get(redirect, timeout=WAIT))

    def visit(self, redirect: str, target: str) -> requests.Response:
        """GET ``target`` (a path and query) on the loopback server the redirect points at."""
        parts = urlsplit(redirect)
        response = self.session.get(f"{parts.scheme}://{parts.netloc}{target}", timeout=WAIT)
        self.pages.append(response)
        return response

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join(WAIT)
        if self.failure is not None:
            raise self.failure


@pytest.fixture
def use_browser() -> Iterator[Callable[[FakeBrowser], str]]:
    """Registers a :class:`FakeBrowser` with :mod:`webbrowser` under a fresh name; returns the name."""
    names: list[str] = []

    def register(browser: FakeBrowser) -> str:
        name = f"fake-{len(names)}-{id(browser)}"
        webbrowser.register(name, None, browser)
        names.append(name)
        return name

    yield register
    for name in names:
        webbrowser._browsers.pop(name, None)  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bindable(port: int) -> bool:
    """Whether a new listener, without SO_REUSEADDR, can take ``127.0.0.1:port``."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def redirect_uri_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["redirect_uri"][0]


# -- the whole login ---------------------------------------------------------------------------
def test_loopback_login_returns_the_token_with_the_id_token_checked(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str], capsys: pytest.CaptureFixture[str]
) -> None:
    browser = FakeBrowser()
    with app.app_context():
        token = oauth.dev.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT)
        assert g.get("_oauth_token_dev") is None  # returned, stored nowhere
    browser.finish()

    assert token["access_token"] and token["userinfo"]["sub"] == "alice"
    (url,) = browser.opened
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", redirect_uri_of(url))
    assert browser.pages[-1].status_code == 200 and DEFAULT_SUCCESS in browser.pages[-1].text
    assert f"Please visit this URL to authorize this application: {url}" in capsys.readouterr().err


def test_a_favicon_and_other_requests_are_answered_404_and_the_login_goes_on(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]
) -> None:
    def stray_requests(browser: FakeBrowser, redirect: str) -> None:
        browser.visit(redirect, "/favicon.ico")
        browser.visit(redirect, "/")  # the callback path without a callback (a reload of the bare page)
        browser.visit(redirect, "/other?code=x&state=y")

    browser = FakeBrowser(before_callback=stray_requests)
    with app.app_context():
        token = oauth.dev.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT)
    browser.finish()

    assert [page.status_code for page in browser.pages] == [404, 404, 404, 200]
    assert token["userinfo"]["sub"] == "alice"


def test_the_redirect_uri_has_no_trailing_slash_when_asked(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]
) -> None:
    browser = FakeBrowser()
    with app.app_context():
        token = oauth.dev.run_local_server(
            browser=use_browser(browser), timeout_seconds=WAIT, redirect_uri_trailing_slash=False,
            success_message="Done <here>",
        )
    browser.finish()

    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", redirect_uri_of(browser.opened[0]))
    assert token["access_token"]
    assert "Done &lt;here&gt;" in browser.pages[-1].text


def test_a_fixed_port_can_be_used_again_right_after_a_login(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]
) -> None:
    port = free_port()
    for _ in range(2):
        browser = FakeBrowser()
        with app.app_context():
            token = oauth.dev.run_local_server(port=port, browser=use_browser(browser), timeout_seconds=WAIT)
        browser.finish()

        assert redirect_uri_of(browser.opened[0]) == f"http://127.0.0.1:{port}/" and token["access_token"]


def test_localhost_is_a_loopback_host(app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]) -> None:
    browser = FakeBrowser()
    with app.app_context():
        token = oauth.dev.run_local_server(host="localhost", browser=use_browser(browser), timeout_seconds=WAIT)
    browser.finish()

    assert re.fullmatch(r"http://localhost:\d+/", redirect_uri_of(browser.opened[0]))
    assert token["userinfo"]["sub"] == "alice"


def test_authorize_params_reach_the_authorization_url(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]
) -> None:
    browser = FakeBrowser()
    with app.app_context():
        oauth.dev.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT, login_hint="alice",
                                   scope="openid")
    browser.finish()

    query = parse_qs(urlsplit(browser.opened[0]).query)
    assert query["login_hint"] == ["alice"] and query["scope"] == ["openid"]


def test_an_installed_client_secrets_file_is_all_a_confidential_client_needs(
    app: Flask, provider: RunningProvider, use_browser: Callable[[FakeBrowser], str], tmp_path: Path
) -> None:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps({"installed": {
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "redirect_uris": ["http://localhost"],
        "auth_uri": provider.url_for("/authorize"), "token_uri": provider.url_for("/token"),
    }}))
    oauth = OAuth(app)
    oauth.register("desktop", client_secrets_file=path, server_metadata_url=provider.metadata_url,
                   client_kwargs={"scope": "openid"})
    browser = FakeBrowser()
    with app.app_context():
        token = oauth.desktop.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT)
    browser.finish()

    assert token["userinfo"]["aud"] == DEMO_CLIENT_ID


def test_it_works_from_a_flask_command(app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]) -> None:
    browser = FakeBrowser()
    name = use_browser(browser)

    @app.cli.command("login-test")
    def login_test() -> None:
        token = oauth.dev.run_local_server(browser=name, timeout_seconds=WAIT)
        click.echo(f"logged in as {token['userinfo']['sub']}")

    result = app.test_cli_runner().invoke(args=["login-test"])
    browser.finish()

    assert result.exit_code == 0, result.output
    assert "logged in as alice" in result.output


# -- how a login ends without a token ----------------------------------------------------------
def test_access_denied_ends_the_login_with_the_providers_error(
    app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]
) -> None:
    browser = FakeBrowser(decision="deny")
    with app.app_context(), pytest.raises(ProviderError) as caught:
        oauth.dev.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT)
    browser.finish()

    assert caught.value.error == "access_denied"
    assert browser.pages[-1].status_code == 400 and "access_denied" in browser.pages[-1].text


def test_a_callback_with_another_state_ends_with_mismatching_state_and_no_token_request(
    app: Flask, oauth: OAuth, provider: RunningProvider, use_browser: Callable[[FakeBrowser], str]
) -> None:
    def forged(browser: FakeBrowser, redirect: str) -> None:
        code = parse_qs(urlsplit(redirect).query)["code"][0]
        browser.visit(redirect, f"/?code={code}&state=another-login")

    browser = FakeBrowser(callback=forged)
    provider.reset_stats()
    with app.app_context(), pytest.raises(MismatchingStateError):
        oauth.dev.run_local_server(browser=use_browser(browser), timeout_seconds=WAIT)
    browser.finish()

    assert provider.stats()["token_requests_total"] == 0
    assert browser.pages[-1].status_code == 400


def test_a_timeout_is_a_login_timeout_error_and_the_port_is_free_at_once(app: Flask, oauth: OAuth) -> None:
    port = free_port()
    with app.app_context(), pytest.raises(LoginTimeoutError) as caught:
        oauth.dev.run_local_server(port=port, open_browser=False, timeout_seconds=0.3)
    raised_at = time.monotonic()
    while not bindable(port):
        assert time.monotonic() - raised_at < 1.0, "the port is still taken after the timeout"
        time.sleep(0.01)

    assert caught.value.error == "login_timeout"


def test_ctrl_c_frees_the_port(app: Flask, oauth: OAuth, use_browser: Callable[[FakeBrowser], str]) -> None:
    class InterruptedBrowser(FakeBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            raise KeyboardInterrupt

    port = free_port()
    with app.app_context(), pytest.raises(KeyboardInterrupt):
        oauth.dev.run_local_server(port=port, browser=use_browser(InterruptedBrowser()), timeout_seconds=WAIT)

    assert bindable(port)


def test_a_missing_browser_leaves_the_printed_url(
    app: Flask, oauth: OAuth, capsys: pytest.CaptureFixture[str]
) -> None:
    with app.app_context(), pytest.raises(LoginTimeoutError):
        oauth.dev.run_local_server(browser="no-such-browser-anywhere", timeout_seconds=0.2,
                                   authorization_prompt_message="Open {url} to log in")

    assert re.search(r"Open http://127\.0\.0\.1:\d+/authorize\?\S+ to log in", capsys.readouterr().err)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::", "", "localhost.example.com"])
def test_a_host_off_loopback_is_refused_before_anything_listens(app: Flask, oauth: OAuth, host: str) -> None:
    with app.app_context(), pytest.raises(ConfigurationError, match="loopback"):
        oauth.dev.run_local_server(host=host, open_browser=False, timeout_seconds=0.1)


# -- the pure parts ----------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    check_loopback_host(host)


def test_redirect_uri_brackets_an_ipv6_host() -> None:
    assert redirect_uri_for("::1", 8080) == "http://[::1]:8080/"
    assert redirect_uri_for("127.0.0.1", 8080, trailing_slash=False) == "http://127.0.0.1:8080"


@pytest.mark.parametrize("target", ["/favicon.ico", "/", "/?", "/?foo=bar", "/callback?code=c&state=s", "/?code="])
def test_requests_without_a_callback_are_not_callbacks(target: str) -> None:
    assert callback_in_request(target) is None


def test_a_callback_is_read_from_the_root_path() -> None:
    callback = callback_in_request("/?code=the-code&state=s1&iss=https%3A%2F%2Fidp.test")

    assert callback == AuthorizationResponse(state="s1", code="the-code", iss="https://idp.test")
    assert "the-code" not in repr(callback)


def test_the_state_is_checked_before_the_providers_error() -> None:
    with pytest.raises(MismatchingStateError):
        check_callback(AuthorizationResponse(state="other", error="access_denied"), "mine")
    with pytest.raises(ProviderError) as caught:
        check_callback(AuthorizationResponse(state="mine", error="access_denied"), "mine")
    assert caught.value.error == "access_denied"
    with pytest.raises(MismatchingStateError):
        check_callback(AuthorizationResponse(code="c"), "mine")


def test_a_matching_callback_passes() -> None:
    check_callback(AuthorizationResponse(state="mine", code="c"), "mine")
