"""compat.google_auth_oauthlib.flow: google-auth-oauthlib's documented usage, with only the import changed."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import google.auth.transport.requests
import google.oauth2.credentials
import pytest
import requests
import requests_mock
import requests_oauthlib
from oauthlib.oauth2.rfc6749.errors import MismatchingStateError as OAuthlibMismatchingState

from flask_oauth_registry import ConfigurationError, LoginTimeoutError, ProviderError
from flask_oauth_registry.compat.google_auth_oauthlib.flow import Flow, InstalledAppFlow, WSGITimeoutError
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, RunningProvider, serve

from .conftest import (
    AUTH_URI,
    CLIENT_ID,
    CLIENT_SECRET,
    CODE,
    GRANTED,
    TOKEN_URI,
    USERINFO,
    WAIT,
    ConsentingBrowser,
    client_config,
)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


# -- the documented installed-app usage (seed 003) ------------------------------------------------------
def test_documented_installed_app_usage_logs_in_and_calls_the_api(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = default_browser(ConsentingBrowser())

    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile", "email"])
    flow.run_local_server(port=0)
    session = flow.authorized_session()
    profile_info = session.get("https://www.googleapis.com/userinfo/v2/me").json()
    browser.finish()

    assert profile_info == {"name": "Ada", "email": "ada@example.com"}
    assert isinstance(session, google.auth.transport.requests.AuthorizedSession)
    assert google_endpoints.request_history[-1].url == USERINFO
    assert google_endpoints.request_history[-1].headers["Authorization"] == "Bearer ya29.access"
    (url,) = browser.opened
    query = query_of(url)
    assert url.startswith(AUTH_URI + "?")
    assert query["access_type"] == "offline" and query["scope"] == "profile email"
    assert re.fullmatch(r"http://localhost:\d+/", query["redirect_uri"])
    assert browser.pages[-1].status_code == 200 and "You may close this window" in browser.pages[-1].text
    token_request = parse_qs(next(r for r in google_endpoints.request_history if r.url == TOKEN_URI).text)
    assert token_request["code"] == [CODE] and token_request["redirect_uri"] == [query["redirect_uri"]]
    verifier = token_request["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == digest and query["code_challenge_method"] == "S256"
    assert f"Please visit this URL to authorize this application: {url}" in capsys.readouterr().err


def test_run_local_server_returns_google_credentials_with_the_granted_scopes(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser
) -> None:
    browser = default_browser(ConsentingBrowser())
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile", "email"])

    credentials = flow.run_local_server(port=0)
    browser.finish()

    assert isinstance(credentials, google.oauth2.credentials.Credentials)
    assert credentials.token == "ya29.access" and credentials.refresh_token == "1//refresh"
    assert (credentials.client_id, credentials.client_secret, credentials.token_uri) == (
        CLIENT_ID, CLIENT_SECRET, TOKEN_URI)
    assert credentials.scopes == ["profile", "email"]
    # Google answered with other scopes than were asked: that is data, not oauthlib's "Scope has changed".
    assert credentials.granted_scopes == GRANTED.split()
    assert credentials.expiry is not None and not credentials.expired


def test_run_local_server_without_a_browser_is_driven_by_the_printed_url(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """open_browser=False: someone reads the printed URL and follows it (here, a thread)."""
    browser = ConsentingBrowser()

    class Terminal(io.StringIO):
        def write(self, text: str) -> int:
            found = re.search(r"https://\S+", text)
            if found:
                browser.open(found.group(0))
            return super().write(text)

    monkeypatch.setattr(sys, "stderr", Terminal())
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    credentials = flow.run_local_server(port=0, open_browser=False, authorization_prompt_message="Go to {url}")
    browser.finish()

    assert credentials.token == "ya29.access"
    assert len(browser.opened) == 1


def test_a_favicon_before_the_callback_does_not_end_the_login(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser
) -> None:
    """google-auth-oauthlib took whatever request came first as the redirect (its #69, #109)."""
    stray: list[requests.Response] = []

    def favicon_first(redirect_uri: str) -> None:
        base = redirect_uri.rstrip("/")
        stray.append(requests.get(f"{base}/favicon.ico", timeout=WAIT))
        stray.append(requests.get(f"{base}/", timeout=WAIT))

    browser = default_browser(ConsentingBrowser(before=favicon_first))
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    credentials = flow.run_local_server(port=0)
    browser.finish()

    assert [response.status_code for response in stray] == [404, 404]
    assert credentials.token == "ya29.access"


def test_a_callback_with_another_state_is_refused_before_any_token_request(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser
) -> None:
    default_browser(ConsentingBrowser(answer={"code": CODE, "state": "forged"}))
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    with pytest.raises(Exception, match="state"):
        flow.run_local_server(port=0)

    assert not [r for r in google_endpoints.request_history if r.url == TOKEN_URI]


def test_access_denied_ends_the_login_at_once_with_the_providers_error(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser
) -> None:
    browser = ConsentingBrowser()
    browser.answer = None

    def deny(redirect_uri: str) -> None:
        state = query_of(browser.opened[0])["state"]
        browser.answer = {"error": "access_denied", "state": state}

    browser.before = deny
    default_browser(browser)
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    with pytest.raises(ProviderError) as raised:
        flow.run_local_server(port=0, timeout_seconds=WAIT)
    browser.finish()

    assert raised.value.error == "access_denied"
    assert browser.pages[-1].status_code == 400


def test_timeout_raises_wsgi_timeout_error_and_frees_the_port(secrets_file: Path) -> None:
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    with pytest.raises(WSGITimeoutError) as raised:
        flow.run_local_server(port=0, open_browser=False, timeout_seconds=0.2)

    assert isinstance(raised.value, AttributeError) and isinstance(raised.value, LoginTimeoutError)
    assert "Timed out waiting for response from authorization server" in str(raised.value)
    port = urlsplit(flow.redirect_uri).port
    assert port is not None and port_is_free(port)


def test_the_redirect_uri_names_host_and_has_no_slash_when_asked(secrets_file: Path, default_browser,
                                                                 google_endpoints: requests_mock.Mocker) -> None:
    browser = default_browser(ConsentingBrowser())
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    flow.run_local_server(host="localhost", bind_addr="127.0.0.1", port=0, redirect_uri_trailing_slash=False)
    browser.finish()

    assert re.fullmatch(r"http://localhost:\d+", query_of(browser.opened[0])["redirect_uri"])


@pytest.mark.parametrize("bind_addr", ["0.0.0.0", "192.0.2.10"])
def test_a_server_reachable_from_the_network_is_refused(secrets_file: Path, bind_addr: str) -> None:
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    with pytest.raises(ConfigurationError, match="loopback"):
        flow.run_local_server(bind_addr=bind_addr, port=0, open_browser=False)


def test_token_audience_goes_into_the_token_request(
    secrets_file: Path, google_endpoints: requests_mock.Mocker, default_browser
) -> None:
    browser = default_browser(ConsentingBrowser())
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["profile"])

    flow.run_local_server(port=0, token_audience="https://api.example/", login_hint="ada@example.com")
    browser.finish()

    token_request = parse_qs(next(r for r in google_endpoints.request_history if r.url == TOKEN_URI).text)
    assert token_request["audience"] == ["https://api.example/"]
    assert query_of(browser.opened[0])["login_hint"] == "ada@example.com"


# -- against the development provider: a real consent page, a real token endpoint -----------------------
@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


def test_run_local_server_logs_in_at_the_development_provider(
    provider: RunningProvider, default_browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # requests-oauthlib's rule: the dev provider is http
    class DevBrowser(ConsentingBrowser):
        """Answers the provider's consent form as alice, then follows its redirect."""

        def _consent(self, url: str) -> None:
            try:
                with requests.Session() as browser_session:
                    page = browser_session.get(url, allow_redirects=False, timeout=WAIT)
                    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
                    assert action, page.text
                    answer = browser_session.post(
                        urljoin(url, html.unescape(action.group(1))), data={"username": "alice", "decision": "allow"},
                        allow_redirects=False, timeout=WAIT,
                    )
                    self.pages.append(browser_session.get(answer.headers["Location"], timeout=WAIT))
            except BaseException as exc:
                self.failure = exc

    browser = default_browser(DevBrowser())
    config = {"installed": {
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET,
        "auth_uri": f"{provider.url}/authorize", "token_uri": f"{provider.url}/token",
        "redirect_uris": ["http://localhost"],
    }}
    flow = InstalledAppFlow.from_client_config(config, scopes=["openid", "profile", "files.read"])

    credentials = flow.run_local_server(host="127.0.0.1", port=0)
    browser.finish()

    assert credentials.token
    assert set(credentials.granted_scopes or []) >= {"openid", "profile", "files.read"}
    assert credentials.id_token  # the provider's ID token, as google-auth-oauthlib passed it on
    answer = requests.get(f"{provider.url}/api/files", headers={"Authorization": f"Bearer {credentials.token}"},
                          timeout=WAIT)
    assert answer.status_code == 200


# -- Flow for web apps (the Google docs' Flask sample) ---------------------------------------------------
def test_web_flow_across_two_requests_with_the_state_and_verifier_kept(google_endpoints: requests_mock.Mocker) -> None:
    config = client_config("web", redirect_uris=["https://app.example/oauth2callback"])
    first = Flow.from_client_config(config, scopes=["https://www.googleapis.com/auth/drive.readonly"])
    first.redirect_uri = "https://app.example/oauth2callback"
    url, state = first.authorization_url(access_type="offline", include_granted_scopes="true")
    kept = {"state": state, "code_verifier": first.code_verifier}

    second = Flow.from_client_config(config, scopes=["https://www.googleapis.com/auth/drive.readonly"],
                                     state=kept["state"], code_verifier=kept["code_verifier"])
    second.redirect_uri = "https://app.example/oauth2callback"
    token = second.fetch_token(authorization_response=f"https://app.example/oauth2callback?state={state}&code={CODE}")

    assert token["access_token"] == "ya29.access"
    assert second.credentials.token == "ya29.access"
    sent = parse_qs(google_endpoints.last_request.text)
    assert sent["code_verifier"] == [kept["code_verifier"]]
    assert query_of(url)["include_granted_scopes"] == "true"


def test_a_callback_of_another_login_is_refused_by_the_session(google_endpoints: requests_mock.Mocker) -> None:
    flow = Flow.from_client_config(client_config("web"), scopes=["email"], state="the-state-we-sent",
                                   redirect_uri="https://app.example/cb")

    with pytest.raises(OAuthlibMismatchingState):
        flow.fetch_token(authorization_response=f"https://app.example/cb?state=forged&code={CODE}")


def test_authorization_url_defaults() -> None:
    flow = Flow.from_client_config(client_config(), scopes=["email"], redirect_uri="http://localhost:1/")

    url, state = flow.authorization_url(include_granted_scopes=True, prompt="consent")

    query = query_of(url)
    assert query["state"] == state and len(state) >= 30
    assert query["access_type"] == "offline" and query["prompt"] == "consent"
    # google-auth-oauthlib sent Python's "True"; Google reads "true".
    assert query["include_granted_scopes"] == "true"
    assert flow.code_verifier is not None and len(flow.code_verifier) == 128
    assert re.fullmatch(r"[A-Za-z0-9\-._~]{128}", flow.code_verifier)


def test_no_pkce_when_autogeneration_is_off() -> None:
    flow = Flow.from_client_config(client_config(), scopes=["email"], autogenerate_code_verifier=False)

    url, _ = flow.authorization_url()

    assert "code_challenge" not in query_of(url) and flow.code_verifier is None


def test_the_flow_is_a_requests_oauthlib_session_underneath() -> None:
    flow = Flow.from_client_config(client_config("web"), scopes=["email"], redirect_uri="https://app.example/cb")

    assert isinstance(flow.oauth2session, requests_oauthlib.OAuth2Session)
    assert flow.client_type == "web" and flow.client_config["client_id"] == CLIENT_ID
    assert flow.redirect_uri == flow.oauth2session.redirect_uri == "https://app.example/cb"
    flow.redirect_uri = "https://app.example/other"
    assert flow.oauth2session.redirect_uri == "https://app.example/other"


def test_credentials_before_fetch_token_is_a_value_error() -> None:
    flow = Flow.from_client_config(client_config(), scopes=["email"])

    with pytest.raises(ValueError, match="did you call fetch_token"):
        _ = flow.credentials


@pytest.mark.parametrize("config", [{"other": {"client_id": "x"}}, {"installed": {"client_id": "x"}}])
def test_a_config_that_is_not_a_client_secrets_file_is_a_value_error(config: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Flow.from_client_config(config, scopes=["email"])


def test_without_google_auth_credentials_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, google_endpoints: requests_mock.Mocker, secrets_file: Path
) -> None:
    flow = Flow.from_client_config(client_config(), scopes=["email"], state="s", redirect_uri="http://localhost:1/")
    flow.fetch_token(code=CODE)
    for name in ("google.oauth2.credentials", "google.auth.transport.requests"):
        monkeypatch.setitem(sys.modules, name, None)  # "import" of it now fails, as when google-auth is absent

    for attempt in (lambda: flow.credentials, flow.authorized_session):
        with pytest.raises(ImportError, match=re.escape("pip install 'flask-oauth-registry[google]'")):
            attempt()
    installed = InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=["email"])
    listeners = threading.active_count()
    with pytest.raises(ImportError, match=r"flask-oauth-registry\[google\]"):
        installed.run_local_server(port=0, open_browser=False)
    assert installed.redirect_uri is None and threading.active_count() == listeners  # refused before anything ran
