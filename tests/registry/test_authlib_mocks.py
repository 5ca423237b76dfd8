"""Scenario suite: test suites written against Authlib keep working with ``Session.send`` patched to a ``MagicMock``.

Kept whole rather than split by module: it reproduces one way of testing (Authlib's
mocking patterns) across every protocol step, and reads best as one story.

Authlib's own Flask-client tests, and many apps' tests copied from them, replace
``requests.sessions.Session.send`` with a mock answering ``MagicMock(spec=requests.Response)``
(or a plain ``MagicMock``) that has only ``status_code`` and ``json`` (a lambda) or
``text``: no headers, no socket.  Every step that reads a provider's answer must read
such a double through its public surface at once, never wait for the read timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any
from unittest import mock
from urllib.parse import parse_qs

import pytest
import requests
from flask import Flask, session

from flask_oauth_registry import BadResponseError, OAuth, ProviderError
from tests.fakes.base import query_of
from tests.fakes.keys import jwks, left_half_hash, rsa_key
from tests.fakes.oidc import (
    CLIENT_ID,
    DISCOVERY_URL,
    END_SESSION_ENDPOINT,
    ISSUER,
    JWKS_URI,
    SUBJECT,
    TOKEN_ENDPOINT,
    USERINFO_ENDPOINT,
    discovery_document,
    id_token_claims,
)
from tests.fakes.relying_party import make_relying_party

#: Far below the default 30 s read timeout: a test that waited for it fails here.
NO_WAITING = 2.0


@pytest.fixture(autouse=True)
def finishes_without_waiting() -> Iterator[None]:
    started = time.monotonic()
    yield
    assert time.monotonic() - started < NO_WAITING


# -- Authlib's test helpers (tests/client_base.py), with the mock kind as a parameter ----------------


def mock_send_value(body: dict[str, Any] | str, status_code: int = 200, spec: bool = True) -> mock.MagicMock:
    resp = mock.MagicMock(spec=requests.Response) if spec else mock.MagicMock()
    resp.cookies = []
    if isinstance(body, dict):
        resp.json = lambda: body
    else:
        resp.text = body
    resp.status_code = status_code
    return resp


def get_bearer_token() -> dict[str, Any]:
    return {
        "token_type": "Bearer",
        "access_token": "a",
        "refresh_token": "b",
        "expires_in": "3600",
        "expires_at": int(time.time()) + 3600,
    }


#: The two ways Authlib's docs and tests patch the transport.
PATCH_STYLES: dict[str, Callable[[], AbstractContextManager[mock.MagicMock]]] = {
    "patch('requests.sessions.Session.send')": lambda: mock.patch("requests.sessions.Session.send"),
    "patch.object(requests.Session, 'send')": lambda: mock.patch.object(requests.Session, "send"),
}
MOCK_KINDS = {"MagicMock(spec=requests.Response)": True, "MagicMock()": False}
TOKEN_BODIES: dict[str, dict[str, Any] | str] = {
    "json lambda": get_bearer_token(),
    "form-encoded text": "access_token=a&token_type=bearer&refresh_token=b&expires_in=3600",
    "JSON text": '{"access_token": "a", "token_type": "Bearer", "refresh_token": "b", "expires_in": 3600}',
}


def answers_by_url(answers: dict[str, Any]) -> Callable[..., Any]:
    """A ``send`` side effect answering each request by its URL without the query."""
    return lambda prepared, **kwargs: answers[prepared.url.split("?")[0]]


def register_dev(app: Flask, **settings: Any) -> Any:
    """Authlib's test client ``dev`` (tests/flask/test_client/test_oauth_client.py)."""
    defaults = {
        "client_id": "dev", "client_secret": "dev", "api_base_url": "https://i.b/api/",
        "access_token_url": "https://i.b/token", "authorize_url": "https://i.b/authorize",
    }
    return OAuth(app).register("dev", **{**defaults, **settings})


@pytest.fixture
def flask_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "!"
    return app


def start_login(app: Flask, client: Any) -> tuple[dict[str, str], dict[str, Any]]:
    """``authorize_redirect`` in one request context; the URL's query and the session, as Authlib's tests keep them."""
    with app.test_request_context():
        resp = client.authorize_redirect("https://b.com/bar")
        assert resp.status_code == 302
        return query_of(resp.headers["Location"]), dict(session)


# -- the token endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize("patch_style", list(PATCH_STYLES))
@pytest.mark.parametrize("kind", list(MOCK_KINDS))
@pytest.mark.parametrize("body", list(TOKEN_BODIES))
def test_mocked_token_answer_is_read_at_once(flask_app: Flask, patch_style: str, kind: str, body: str) -> None:
    client = register_dev(flask_app)
    query, saved = start_login(flask_app, client)
    with flask_app.test_request_context(path=f"/?code=a&state={query['state']}"):
        session.update(saved)  # session is cleared in tests
        with PATCH_STYLES[patch_style]() as send:
            send.return_value = mock_send_value(TOKEN_BODIES[body], spec=MOCK_KINDS[kind])
            token = client.authorize_access_token()
    assert token["access_token"] == "a" and token["refresh_token"] == "b"
    assert token["expires_at"] > time.time() + 3000
    sent = parse_qs(send.call_args.args[0].body)
    assert sent["code"] == ["a"] and sent["grant_type"] == ["authorization_code"]


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_mocked_token_error_is_the_providers_error(flask_app: Flask, kind: str) -> None:
    client = register_dev(flask_app)
    query, saved = start_login(flask_app, client)
    with flask_app.test_request_context(path=f"/?code=a&state={query['state']}"):
        session.update(saved)
        with mock.patch("requests.sessions.Session.send") as send:
            send.return_value = mock_send_value({"error": "invalid_grant"}, 400, spec=MOCK_KINDS[kind])
            with pytest.raises(ProviderError) as info:
                client.authorize_access_token()
    assert info.value.error == "invalid_grant" and info.value.status_code == 400


def test_mock_without_a_status_code_is_a_bad_response(flask_app: Flask) -> None:
    client = register_dev(flask_app)
    with flask_app.test_request_context(), mock.patch("requests.sessions.Session.send") as send:
        send.return_value = mock.MagicMock()  # status_code is a MagicMock, not a number
        with pytest.raises(BadResponseError, match="no HTTP status"):
            client.fetch_access_token(code="a")


def test_mocked_json_nested_too_deeply_is_a_bad_response(flask_app: Flask) -> None:
    client = register_dev(flask_app)
    answer = mock_send_value({})
    answer.json = mock.Mock(side_effect=RecursionError("maximum recursion depth exceeded"))
    with (
        flask_app.test_request_context(),
        mock.patch("requests.sessions.Session.send", return_value=answer),
        pytest.raises(BadResponseError, match="nested too deeply"),
    ):
        client.fetch_access_token(code="a")


def test_real_response_built_by_hand_is_read_from_its_content(flask_app: Flask) -> None:
    """Some suites return a ``requests.Response()`` with ``_content`` set and no ``raw``."""
    answer = requests.Response()
    answer.status_code = 200
    answer.headers["Content-Type"] = "application/json"
    answer._content = b'{"access_token": "a", "token_type": "Bearer"}'
    client = register_dev(flask_app)
    with flask_app.test_request_context(), mock.patch("requests.sessions.Session.send", return_value=answer):
        assert client.fetch_access_token(code="a")["access_token"] == "a"


# -- discovery, JWKS, userinfo, API calls ---------------------------------------------------------


def oidc_client(app: Flask) -> Any:
    return OAuth(app).register(
        "prov", client_id=CLIENT_ID, client_secret="secret", server_metadata_url=DISCOVERY_URL,
        client_kwargs={"scope": "openid email profile"},
    )


@pytest.mark.parametrize("patch_style", list(PATCH_STYLES))
@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_mocked_discovery_is_read_at_once(flask_app: Flask, patch_style: str, kind: str) -> None:
    client = oidc_client(flask_app)
    with PATCH_STYLES[patch_style]() as send, flask_app.test_request_context():
        send.return_value = mock_send_value(discovery_document(), spec=MOCK_KINDS[kind])
        resp = client.authorize_redirect("https://b.com/bar")
    assert resp.headers["Location"].startswith(discovery_document()["authorization_endpoint"] + "?")
    assert client.load_server_metadata()["issuer"] == ISSUER


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_mocked_jwks_is_read_at_once(flask_app: Flask, kind: str) -> None:
    client = oidc_client(flask_app)
    key = rsa_key("rsa-1")
    spec = MOCK_KINDS[kind]
    with mock.patch("requests.sessions.Session.send") as send:
        send.side_effect = answers_by_url({
            DISCOVERY_URL: mock_send_value(discovery_document(), spec=spec),
            JWKS_URI: mock_send_value(jwks(key), spec=spec),
        })
        assert client.fetch_jwk_set()["keys"][0]["kid"] == "rsa-1"


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
@pytest.mark.parametrize("body", ["json lambda", "text"])
def test_mocked_userinfo_is_read_at_once(flask_app: Flask, kind: str, body: str) -> None:
    client = oidc_client(flask_app)
    claims = {"sub": SUBJECT, "email": "ada@example.test"}
    answer = claims if body == "json lambda" else json.dumps(claims)
    spec = MOCK_KINDS[kind]
    with mock.patch.object(requests.Session, "send") as send, flask_app.app_context():
        send.side_effect = answers_by_url({
            DISCOVERY_URL: mock_send_value(discovery_document(), spec=spec),
            USERINFO_ENDPOINT: mock_send_value(answer, spec=spec),
        })
        assert dict(client.userinfo(token={"access_token": "a", "token_type": "Bearer"})) == claims
    assert send.call_args.args[0].headers["Authorization"] == "Bearer a"


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_mocked_api_answer_reaches_the_caller_untouched(flask_app: Flask, kind: str) -> None:
    client = register_dev(flask_app)
    answer = mock_send_value({"login": "octocat"}, spec=MOCK_KINDS[kind])
    with mock.patch("requests.sessions.Session.send", return_value=answer), flask_app.app_context():
        resp = client.get("user", token=get_bearer_token())
    assert resp is answer and resp.json() == {"login": "octocat"}


# -- whole flows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_whole_oidc_login_userinfo_and_logout_with_mocked_send(kind: str) -> None:
    rp = make_relying_party()
    key = rsa_key("rsa-1")
    spec = MOCK_KINDS[kind]
    answers: dict[str, Any] = {
        DISCOVERY_URL: mock_send_value(discovery_document(), spec=spec),
        JWKS_URI: mock_send_value(jwks(key), spec=spec),
        USERINFO_ENDPOINT: mock_send_value({"sub": SUBJECT, "name": "Ada"}, spec=spec),
    }
    browser = rp.app.test_client()
    with mock.patch("requests.sessions.Session.send", side_effect=answers_by_url(answers)):
        query = query_of(browser.get("/login").headers["Location"])
        id_token = key.sign(id_token_claims(nonce=query["nonce"], at_hash=left_half_hash("a")))
        answers[TOKEN_ENDPOINT] = mock_send_value({**get_bearer_token(), "id_token": id_token}, spec=spec)
        callback = browser.get("/callback", query_string={"code": "a", "state": query["state"]})
        assert callback.status_code == 200, callback.get_json()
        assert callback.get_json()["userinfo"]["sub"] == SUBJECT
        with rp.app.app_context():
            assert rp.oauth.prov.userinfo(token=rp.tokens[0])["name"] == "Ada"
        logout = browser.get("/logout", query_string={"id_token_hint": id_token})
    assert logout.status_code == 302 and logout.headers["Location"].startswith(END_SESSION_ENDPOINT + "?")
    assert query_of(logout.headers["Location"])["id_token_hint"] == id_token


@pytest.mark.parametrize("kind", list(MOCK_KINDS))
def test_refresh_of_an_expired_token_with_mocked_send(kind: str) -> None:
    """Authlib's ``test_request_with_refresh_token``: the token endpoint answers ``json``, the API ``text``."""
    app = Flask(__name__)
    app.secret_key = "!"
    expired = {"token_type": "Bearer", "access_token": "expired-a", "refresh_token": "expired-b",
               "expires_in": "3600", "expires_at": 1566465749}
    updates: list[dict[str, Any]] = []
    oauth = OAuth(app, fetch_token=lambda name: dict(expired),
                  update_token=lambda name, token, refresh_token=None, access_token=None: updates.append(token))
    client = oauth.register("dev", client_id="dev", client_secret="dev", api_base_url="https://i.b/api/",
                            access_token_url="https://i.b/token", authorize_url="https://i.b/authorize")
    spec = MOCK_KINDS[kind]

    def fake_send(sess: Any, req: Any, **kwargs: Any) -> Any:
        if req.url == "https://i.b/token":
            assert parse_qs(req.body)["refresh_token"] == ["expired-b"]
            return mock_send_value(get_bearer_token(), spec=spec)
        assert req.headers["Authorization"] == "Bearer a"
        return mock_send_value("hi", spec=spec)

    with app.test_request_context(), mock.patch("requests.sessions.Session.send", fake_send):
        assert client.get("user").text == "hi"
    assert [u["access_token"] for u in updates] == ["a"]


def test_oauth1_login_with_mocked_text_answers(flask_app: Flask) -> None:
    """OAuth 1.0a credentials answers are form-encoded ``text``, as in Authlib's OAuth 1 tests."""
    client = OAuth(flask_app).register(
        "dev", client_id="dev", client_secret="dev", request_token_url="https://i.b/reqtoken",
        access_token_url="https://i.b/token", authorize_url="https://i.b/authorize",
    )
    with flask_app.test_request_context(), mock.patch("requests.sessions.Session.send") as send:
        send.return_value = mock_send_value("oauth_token=foo&oauth_token_secret=bar&oauth_callback_confirmed=true")
        resp = client.authorize_redirect("https://b.com/bar")
        saved = dict(session)
    assert "oauth_token=foo" in resp.headers["Location"]
    with flask_app.test_request_context(path="/?oauth_token=foo&oauth_verifier=baz"):
        session.update(saved)
        with mock.patch("requests.sessions.Session.send") as send:
            send.return_value = mock_send_value("oauth_token=a&oauth_token_secret=b")
            token = client.authorize_access_token()
    assert token["oauth_token"] == "a" and token["oauth_token_secret"] == "b"
