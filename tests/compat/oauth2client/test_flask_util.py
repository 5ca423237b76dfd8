"""compat.oauth2client.contrib.flask_util: UserOAuth2 logins at the development provider, and each hole closed.

Every "_original_would_" test names what oauth2client 4.1.3's helper did with the
same request (seed-apis.md section 5).
"""

from __future__ import annotations

import base64
import html
import json
import re
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import requests_mock
from cachelib import SimpleCache
from flask import Flask, session
from flask.testing import FlaskClient

from flask_oauth_registry.compat.oauth2client import client as oauth2client
from flask_oauth_registry.compat.oauth2client import clientsecrets
from flask_oauth_registry.compat.oauth2client.contrib.flask_util import UserOAuth2
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, RunningProvider, serve
from tests.fakes.keys import rsa_key

EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    """One provider for the module; apps here do not send include_granted_scopes, so earlier grants do not leak in."""
    with serve() as running:
        yield running


@pytest.fixture
def fresh_provider() -> Iterator[RunningProvider]:
    """A provider of its own: it remembers nothing alice granted in other tests."""
    with serve() as running:
        yield running


def web_secrets(provider: RunningProvider, kind: str = "web") -> dict[str, Any]:
    return {kind: {
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "redirect_uris": ["http://localhost/oauth2callback"],
        "auth_uri": f"{provider.url}/authorize", "token_uri": f"{provider.url}/token",
    }}


@pytest.fixture
def secrets_file(tmp_path: Path, provider: RunningProvider) -> Path:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps(web_secrets(provider)))
    return path


def make_app(secrets_file: Path, provider: RunningProvider, **kwargs: Any) -> tuple[Flask, UserOAuth2]:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", TESTING=True, SERVER_NAME="localhost",
                      GOOGLE_OAUTH2_CLIENT_SECRETS_FILE=str(secrets_file))
    oauth2 = UserOAuth2(app, server_metadata_url=provider.metadata_url, **kwargs)

    @app.route("/info")
    @oauth2.required
    def info() -> str:
        return f"{oauth2.email} {oauth2.user_id}"

    @app.route("/files")
    @oauth2.required(scopes=["files.read"])
    def files() -> Any:
        response, content = oauth2.http().request(f"{provider.url}/api/files")
        return {"status": response.status, "files": json.loads(content)}

    @app.route("/optional")
    def optional() -> str:
        return "Credentials found!" if oauth2.has_credentials() else "No credentials!"

    @app.route("/whoami")
    def whoami() -> str:
        return f"{oauth2.email} {oauth2.user_id}"

    return app, oauth2


@pytest.fixture
def app_and_ext(secrets_file: Path, provider: RunningProvider) -> tuple[Flask, UserOAuth2]:
    return make_app(secrets_file, provider)


class Browser:
    """alice's browser: the Flask test client for the app, requests for the provider."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.provider = requests.Session()

    def consent(self, authorize_url: str) -> str:
        """Answer the provider's consent page; the app URL (path and query) it sends the browser back to."""
        page = self.provider.get(authorize_url, allow_redirects=False)
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action, page.text
        answer = self.provider.post(urljoin(authorize_url, html.unescape(action.group(1))),
                                    data={"username": "alice", "decision": "allow"}, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["Location"])
        assert back.netloc == "localhost" and back.path == "/oauth2callback"
        return f"{back.path}?{back.query}"

    def login(self, start: str) -> Any:
        """GET ``start`` (sent to the provider), consent, come back; the callback's answer."""
        sent = self.client.get(start)
        assert sent.status_code == 302, sent.get_data(as_text=True)
        return self.client.get(self.consent(sent.location))


@pytest.fixture
def browser(app_and_ext: tuple[Flask, UserOAuth2]) -> Browser:
    return Browser(app_and_ext[0].test_client())


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def cookie_session(app: Flask, client: FlaskClient) -> tuple[str, dict[str, Any]]:
    """The session cookie as sent (its payload's text) and as Flask reads it."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.value.startswith("."):  # itsdangerous compressed it
        raw = zlib.decompress(raw)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return raw.decode("utf-8"), serializer.loads(cookie.value)


# -- logins with incremental scopes ------------------------------------------------------------------------
def test_a_required_view_logs_in_and_comes_back_with_a_verified_identity(
    browser: Browser, provider: RunningProvider
) -> None:
    start = browser.client.get("/info?tab=2")
    query = query_of(start.location)

    assert start.location.startswith(f"{provider.url}/authorize?")
    assert query["redirect_uri"] == "http://localhost/oauth2callback"
    assert set(query["scope"].split()) == {"openid", "email"} and query["access_type"] == "offline"
    assert query["code_challenge_method"] == "S256"
    assert query["nonce"] and query["state"]

    back = browser.client.get(browser.consent(start.location))

    assert back.status_code == 302 and back.location == "/info?tab=2"
    assert browser.client.get("/info").get_data(as_text=True) == "alice@example.test alice"
    assert browser.client.get("/optional").get_data(as_text=True) == "Credentials found!"


def test_a_view_needing_another_scope_asks_for_it_on_top_of_the_granted_ones(
    tmp_path: Path, fresh_provider: RunningProvider
) -> None:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps(web_secrets(fresh_provider)))
    app, oauth2 = make_app(path, fresh_provider, include_granted_scopes=True)
    browser = Browser(app.test_client())
    browser.login("/info")

    more = browser.client.get("/files")
    asked = set(query_of(more.location)["scope"].split())
    assert query_of(more.location)["include_granted_scopes"] == "true"  # Google keeps the earlier grant
    back = browser.client.get(browser.consent(more.location))
    files = browser.client.get("/files")

    assert asked == {"openid", "email", "files.read"}
    assert back.location == "/files"
    assert files.status_code == 200 and files.get_json()["status"] == 200
    with app.test_request_context():
        session.update(dict(cookie_session(app, browser.client)[1]))
        assert {"openid", "email", "files.read"} <= oauth2.credentials.scopes


def test_a_view_that_needs_nothing_new_runs_without_a_login(browser: Browser) -> None:
    browser.login("/files")

    assert browser.client.get("/info").status_code == 200
    assert browser.client.get("/files").status_code == 200


def test_authorize_callback_gets_the_credentials_and_the_storage_has_them(
    secrets_file: Path, provider: RunningProvider
) -> None:
    seen: list[Any] = []
    app, oauth2 = make_app(secrets_file, provider, authorize_callback=seen.append)
    user = Browser(app.test_client())

    user.login("/info")

    (credentials,) = seen
    assert isinstance(credentials, oauth2client.OAuth2Credentials)
    assert credentials.client_id == DEMO_CLIENT_ID and credentials.refresh_token
    assert credentials.token_uri == f"{provider.url}/token"


def test_the_routes_and_authorize_url(app_and_ext: tuple[Flask, UserOAuth2]) -> None:
    app, oauth2 = app_and_ext
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}

    assert rules["oauth2.authorize"] == "/oauth2authorize" and rules["oauth2.callback"] == "/oauth2callback"
    with app.test_request_context():
        url = oauth2.authorize_url("/after", scopes=["files.read"])
    assert urlsplit(url).path == "/oauth2authorize"
    assert query_of(url) == {"return_url": "/after", "scopes": "files.read"}


def test_the_authorize_route_adds_the_scopes_of_its_query(browser: Browser) -> None:
    start = browser.client.get("/oauth2authorize?return_url=/whoami&scopes=files.read&scopes=profile")

    assert set(query_of(start.location)["scope"].split()) == {"openid", "email", "files.read", "profile"}
    back = browser.client.get(browser.consent(start.location))
    assert back.location == "/whoami"


# -- each hole of the original, closed -----------------------------------------------------------------------
def test_forged_endpoints_on_the_authorize_query_are_ignored(browser: Browser, provider: RunningProvider) -> None:
    """The original passed auth_uri/token_uri/... to the flow: the code and the client secret went to evil."""
    forged = (f"/oauth2authorize?return_url=/whoami&auth_uri={EVIL}/auth&token_uri={EVIL}/token"
              f"&client_id=evil-client&redirect_uri={EVIL}/cb&revoke_uri={EVIL}/revoke&access_type=online")
    with requests_mock.Mocker(real_http=True) as network:
        evil = network.register_uri(requests_mock.ANY, re.compile(re.escape(EVIL)), status_code=500)
        start = browser.client.get(forged)
        query = query_of(start.location)
        back = browser.client.get(browser.consent(start.location))

    assert start.location.startswith(f"{provider.url}/authorize?")
    assert query["client_id"] == DEMO_CLIENT_ID and query["redirect_uri"] == "http://localhost/oauth2callback"
    assert query["access_type"] == "offline"
    assert back.location == "/whoami" and not evil.called
    assert browser.client.get("/whoami").get_data(as_text=True) == "alice@example.test alice"


@pytest.mark.parametrize("return_url", ["//evil.com", "https://evil.example/", "/\\evil.com", "javascript:alert(1)"])
def test_a_return_url_to_another_site_ends_at_the_root(browser: Browser, return_url: str) -> None:
    back = browser.login(f"/oauth2authorize?return_url={requests.utils.quote(return_url, safe='')}")

    assert back.status_code == 302 and back.location == "/"


def test_a_referrer_of_another_site_is_not_a_return_url(browser: Browser) -> None:
    start = browser.client.get("/oauth2authorize", headers={"Referer": "https://evil.example/page"})
    back = browser.client.get(browser.consent(start.location))

    assert back.location == "/"


def test_a_replayed_callback_is_refused(browser: Browser, provider: RunningProvider) -> None:
    start = browser.client.get("/info")
    callback = browser.consent(start.location)
    assert browser.client.get(callback).status_code == 302
    provider.reset_stats()

    replay = browser.client.get(callback)

    assert replay.status_code == 400 and "mismatching_state" in replay.get_data(as_text=True)
    assert provider.stats()["token_requests_total"] == 0


def test_a_callback_with_a_state_this_browser_was_not_given_is_refused(
    browser: Browser, app_and_ext: tuple[Flask, UserOAuth2]
) -> None:
    start = browser.client.get("/info")
    callback = browser.consent(start.location)
    other = app_and_ext[0].test_client()  # another browser: login CSRF

    answer = other.get(callback)

    assert answer.status_code == 400
    assert other.get("/optional").get_data(as_text=True) == "No credentials!"


def test_nothing_is_pickled_and_the_client_secret_is_not_in_the_cookie(
    browser: Browser, app_and_ext: tuple[Flask, UserOAuth2]
) -> None:
    app = app_and_ext[0]
    start = browser.client.get("/info")
    during_text, during = cookie_session(app, browser.client)
    browser.client.get(browser.consent(start.location))
    after_text, after = cookie_session(app, browser.client)

    for text, data in ((during_text, during), (after_text, after)):
        json.loads(text)  # the whole cookie is JSON data
        assert DEMO_CLIENT_SECRET not in text
        assert not any(key.startswith("google_oauth2_flow") for key in data)
        assert " b" not in text and "\\x80" not in text  # no bytes (Flask tags them " b"), no pickle protocol
    assert "code_verifier" in during_text  # the flow state, as plain JSON


def test_with_a_cache_no_token_is_in_the_cookie(secrets_file: Path, provider: RunningProvider) -> None:
    cache = SimpleCache()
    app, _ = make_app(secrets_file, provider, cache=cache)
    user = Browser(app.test_client())

    user.login("/info")
    text, data = cookie_session(app, user.client)

    assert user.client.get("/whoami").get_data(as_text=True) == "alice@example.test alice"
    assert set(data) == {"_oauth_user"}
    for secret in ("access_token", "refresh_token", "id_token", DEMO_CLIENT_SECRET, "code_verifier"):
        assert secret not in text


def test_a_tampered_id_token_in_storage_gives_no_email_or_user_id(
    secrets_file: Path, provider: RunningProvider
) -> None:
    """The original trusted credentials.id_token from the cookie: whoever could change it chose email and user_id."""
    cache = SimpleCache()
    app, oauth2 = make_app(secrets_file, provider, cache=cache)
    user = Browser(app.test_client())
    user.login("/info")
    (key,) = [k for k in cache._cache if k.startswith("flask-oauth-registry:token:")]  # type: ignore[attr-defined]
    entry = cache.get(key)
    header, payload, signature = entry[""]["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(email="mallory@example.test", sub="mallory")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    entry[""]["id_token"] = f"{header}.{forged}.{signature}"
    cache.set(key, entry)

    assert user.client.get("/whoami").get_data(as_text=True) == "None None"


def test_an_id_token_signed_by_another_key_fails_the_login(browser: Browser, provider: RunningProvider) -> None:
    """The original decoded the ID token of any token answer unverified (and then trusted it)."""
    start = browser.client.get("/info")
    callback = browser.consent(start.location)
    nonce = query_of(start.location)["nonce"]
    now = int(time.time())
    forged = rsa_key("other-key").sign({"iss": provider.url, "aud": DEMO_CLIENT_ID, "sub": "mallory", "nonce": nonce,
                                        "email": "mallory@example.test", "iat": now, "exp": now + 600})
    with requests_mock.Mocker(real_http=True) as network:
        network.post(f"{provider.url}/token", json={"access_token": "at", "token_type": "Bearer", "expires_in": 600,
                                                    "id_token": forged, "scope": "openid email"})
        answer = browser.client.get(callback)

    assert answer.status_code == 400 and "token_invalid" in answer.get_data(as_text=True)
    assert browser.client.get("/whoami").get_data(as_text=True) == "None None"


def test_the_decoded_id_token_attribute_is_not_what_identity_comes_from(
    secrets_file: Path, provider: RunningProvider
) -> None:
    class Rewriting(oauth2client.Storage):
        """A storage of the application's that hands back credentials with a changed ``id_token`` dict."""

        def __init__(self) -> None:
            super().__init__()
            self.kept: str | None = None

        def locked_get(self) -> Any:
            if self.kept is None:
                return None
            credentials = oauth2client.Credentials.new_from_json(self.kept)
            credentials.id_token = {"sub": "mallory", "email": "mallory@example.test"}
            return credentials

        def locked_put(self, credentials: Any) -> None:
            self.kept = credentials.to_json()

        def locked_delete(self) -> None:
            self.kept = None

    app, _ = make_app(secrets_file, provider, storage=Rewriting())
    user = Browser(app.test_client())
    user.login("/info")

    assert user.client.get("/whoami").get_data(as_text=True) == "alice@example.test alice"


def test_a_scope_the_user_did_not_grant_is_not_taken_as_granted(
    secrets_file: Path, provider: RunningProvider
) -> None:
    """The original recorded the scopes it asked for; here the answer's scope counts, and the view does not loop."""
    app, _ = make_app(secrets_file, provider)
    user = Browser(app.test_client())
    start = user.client.get("/files")
    callback = user.consent(start.location)
    with requests_mock.Mocker(real_http=True) as network:

        def narrower(request: Any, context: Any) -> dict[str, Any]:
            # The provider's real answer (through urllib: requests is mocked here), less files.read.
            sent = urllib.request.Request(request.url, data=request.text.encode(), headers=dict(request.headers))
            with urllib.request.urlopen(sent, timeout=10) as real:  # noqa: S310 (the local dev provider)
                answer: dict[str, Any] = json.loads(real.read())
            answer["scope"] = "openid email"  # the user unchecked files.read
            context.status_code = 200
            return answer

        network.post(f"{provider.url}/token", json=narrower)
        answer = user.client.get(callback)

    assert answer.status_code == 403 and "files.read" in answer.get_data(as_text=True)
    assert user.client.get("/info").status_code == 200  # logged in, with what was granted


# -- configuration ----------------------------------------------------------------------------------------------
def test_configuration_precedence(tmp_path: Path, provider: RunningProvider) -> None:
    path = tmp_path / "web.json"
    path.write_text(json.dumps(web_secrets(provider)))

    def configured() -> Flask:
        app = Flask(__name__)
        app.config.update(GOOGLE_OAUTH2_CLIENT_SECRETS_FILE=str(path), GOOGLE_OAUTH2_CLIENT_ID="config-id",
                          GOOGLE_OAUTH2_CLIENT_SECRET="config-secret")
        return app

    assert UserOAuth2(configured(), client_id="kw-id", client_secret="kw-secret").client_id == "kw-id"
    assert UserOAuth2(Flask("b"), client_secrets_file=str(path)).client_id == DEMO_CLIENT_ID
    assert UserOAuth2(configured()).client_id == DEMO_CLIENT_ID  # the file wins over the id and secret keys
    only_keys = Flask("c")
    only_keys.config.update(GOOGLE_OAUTH2_CLIENT_ID="config-id", GOOGLE_OAUTH2_CLIENT_SECRET="config-secret",
                            GOOGLE_OAUTH2_SCOPES=["email", "profile"])
    extension = UserOAuth2(only_keys)
    assert (extension.client_id, extension.client_secret, extension.scopes) == (
        "config-id", "config-secret", ("email", "profile"))


def test_no_configuration_and_an_installed_client_are_value_errors(tmp_path: Path, provider: RunningProvider) -> None:
    with pytest.raises(ValueError, match="OAuth2 configuration could not be found"):
        UserOAuth2(Flask(__name__))
    path = tmp_path / "installed.json"
    path.write_text(json.dumps(web_secrets(provider, kind="installed")))
    with pytest.raises(ValueError, match="The flow specified in installed is not supported"):
        UserOAuth2(Flask(__name__), client_secrets_file=str(path))


def test_the_secrets_file_is_read_through_clientsecrets_loadfile(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def loadfile(path: str, cache: Any = None) -> tuple[str, dict[str, Any]]:
        calls.append(path)
        return "web", {"client_id": "patched-id", "client_secret": "patched-secret"}

    monkeypatch.setattr(clientsecrets, "loadfile", loadfile)

    assert UserOAuth2(Flask(__name__), client_secrets_file="secrets.json").client_id == "patched-id"
    assert calls == ["secrets.json"]


def test_http_without_credentials_is_a_value_error(app_and_ext: tuple[Flask, UserOAuth2]) -> None:
    app, oauth2 = app_and_ext
    with app.test_request_context():
        assert oauth2.credentials is None and oauth2.email is None and oauth2.user_id is None
        assert not oauth2.has_credentials()
        with pytest.raises(ValueError, match="No credentials available"):
            oauth2.http()


def test_expired_credentials_without_a_refresh_token_are_not_usable(app_and_ext: tuple[Flask, UserOAuth2]) -> None:
    app, oauth2 = app_and_ext
    expired = oauth2client.OAuth2Credentials("at", DEMO_CLIENT_ID, None, None, None, None, None)
    expired.token_expiry = oauth2client._UTCNOW().replace(year=2000)
    with app.test_request_context():
        oauth2.storage.put(expired)
        assert oauth2.credentials is not None and not oauth2.has_credentials()


def test_credentials_oauth2client_left_in_the_session_are_moved_out_of_the_cookie(
    app_and_ext: tuple[Flask, UserOAuth2]
) -> None:
    app, oauth2 = app_and_ext
    legacy = json.dumps({
        "_module": "oauth2client.client", "_class": "OAuth2Credentials", "access_token": "ya29.old",
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "refresh_token": "1//old",
        "token_expiry": "2999-01-01T00:00:00Z", "token_uri": "https://oauth2.googleapis.com/token",
        "user_agent": None, "invalid": False, "scopes": ["email"],
    })
    with app.test_request_context():
        session["google_oauth2_credentials"] = legacy
        credentials = oauth2.credentials
        assert credentials is not None and credentials.access_token == "ya29.old"
        assert credentials.refresh_token == "1//old" and oauth2.has_credentials()
        assert "google_oauth2_credentials" not in session
        assert DEMO_CLIENT_SECRET not in json.dumps(dict(session))
