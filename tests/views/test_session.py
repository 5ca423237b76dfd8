"""``authorized_session()``: a requests session on the app's pool that calls as the user and refreshes once."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import requests_mock as rm
from flask import Flask

from flask_oauth_registry import MissingTokenError, OAuth
from flask_oauth_registry.registry import http
from flask_oauth_registry.views import AuthorizedSession
from tests.fakes.manual import API, TOKEN_URL, fresh_response, register_app
from tests.fakes.oidc import USERINFO_ENDPOINT
from tests.flows.test_retry_on_401 import INVALID, live_token, refuse_old_token
from tests.views.support import APP_SCOPE, CountingStorage, GrantingProvider, make_app, register_prov


def expired_token(refresh_token: str = "refresh-1") -> dict[str, Any]:
    return {"access_token": "expired", "token_type": "Bearer", "refresh_token": refresh_token,
            "expires_at": int(time.time()) - 5, "scope": APP_SCOPE}


@pytest.fixture
def stored(provider: GrantingProvider, storage: CountingStorage) -> tuple[Flask, OAuth]:
    """An app whose user ``u-1`` has an expired, refreshable token in the storage."""
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1")
    register_prov(oauth, api_base_url="https://op.example.test/")
    provider.refresh_tokens.add("refresh-1")
    storage.set("prov", "u-1", expired_token())
    storage.writes.clear()
    return app, oauth


def test_the_session_shares_the_apps_pool_and_sends_the_users_token(
    stored: tuple[Flask, OAuth], provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = stored
    with app.test_request_context():
        session = oauth.prov.authorized_session()
        assert isinstance(session, requests.Session) and isinstance(session, AuthorizedSession)
        assert session.adapters["https://"] is oauth.prov.session.adapters["https://"]
        assert session.get(USERINFO_ENDPOINT).json()["sub"] == "user-248289761001"
        assert session.get("userinfo").status_code == 200  # relative to api_base_url
    sent = provider.requests_to(USERINFO_ENDPOINT)
    assert [r.headers["Authorization"] for r in sent] == ["Bearer " + provider.access_tokens[-1]] * 2
    assert len(storage.writes) == 1


def test_closing_the_session_keeps_the_apps_pool_open(stored: tuple[Flask, OAuth]) -> None:
    app, oauth = stored
    with app.test_request_context():
        with oauth.prov.authorized_session() as session:
            session.get(USERINFO_ENDPOINT)
        assert oauth.prov.get(USERINFO_ENDPOINT).status_code == 200


def test_without_a_token_there_is_no_session(app: Flask, oauth: OAuth) -> None:
    with app.test_request_context(), pytest.raises(MissingTokenError):
        oauth.prov.authorized_session()


def test_a_refresh_in_another_thread_is_written_to_the_sessions_user(
    stored: tuple[Flask, OAuth], provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = stored
    with app.test_request_context():
        session = oauth.prov.authorized_session()
    statuses: list[int] = []
    worker = threading.Thread(target=lambda: statuses.append(session.get(USERINFO_ENDPOINT).status_code))
    worker.start()
    worker.join(timeout=30)
    assert statuses == [200]
    [(name, user, token)] = storage.writes
    assert (name, user, token["access_token"]) == ("prov", "u-1", provider.access_tokens[-1])


def test_refreshing_a_token_passed_for_someone_else_leaves_the_users_token_alone(
    stored: tuple[Flask, OAuth], provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = stored
    provider.refresh_tokens.add("service-refresh")
    with app.test_request_context():
        assert oauth.prov.get(USERINFO_ENDPOINT, token=expired_token("service-refresh")).status_code == 200
    assert storage.writes == []
    assert storage.get("prov", "u-1") == expired_token()


def test_new_sessions_do_not_read_the_environment_again(
    stored: tuple[Flask, OAuth], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, oauth = stored
    reads: list[str] = []
    original = http.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return original(url, no_proxy)

    monkeypatch.setattr(http, "get_environ_proxies", counted)
    with app.test_request_context():
        for _ in range(3):
            assert oauth.prov.authorized_session().get(USERINFO_ENDPOINT).status_code == 200

    assert len(reads) == 1  # once for the origin, shared with the app's own session


# -- retrying once on 401 invalid_token (DESIGN 13, as for oauth.<name>.request) ----------------
@pytest.fixture
def refused(requests_mock: rm.Mocker, storage: CountingStorage) -> tuple[Flask, OAuth]:
    """User ``u-1`` holds a live token (``old-at``) that the API refuses as invalid; a refresh answers ``new-at-1``."""
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1")
    register_app(oauth)
    storage.set("prov", "u-1", live_token())
    storage.writes.clear()
    requests_mock.post(TOKEN_URL, json=fresh_response(1))
    for method in ("GET", "POST"):
        requests_mock.register_uri(method, API + "me", json=refuse_old_token)
    return app, oauth


def api_calls(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.url != TOKEN_URL]


def token_requests(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.url == TOKEN_URL]


def test_a_refused_token_is_refreshed_once_stored_and_the_call_sent_again(
    refused: tuple[Flask, OAuth], requests_mock: rm.Mocker, storage: CountingStorage
) -> None:
    app, oauth = refused
    with app.test_request_context():
        session = oauth.prov.authorized_session()
        response = session.get("me", headers={"X-Trace": "1"})
        assert session.get("me").status_code == 200  # the renewed token is the one kept
    assert response.status_code == 200 and response.json() == {"ok": True}
    sent = api_calls(requests_mock)
    assert [r.headers["Authorization"] for r in sent] == ["Bearer old-at", "Bearer new-at-1", "Bearer new-at-1"]
    assert sent[1].headers["X-Trace"] == "1"
    assert [parse_qs(r.text)["grant_type"] for r in token_requests(requests_mock)] == [["refresh_token"]]
    [(name, user, token)] = storage.writes
    assert (name, user, token["access_token"]) == ("prov", "u-1", "new-at-1")
    assert session.oauth_token["access_token"] == "new-at-1"


def test_a_second_401_after_the_sessions_retry_is_returned_as_is(
    refused: tuple[Flask, OAuth], requests_mock: rm.Mocker
) -> None:
    app, oauth = refused
    requests_mock.get(API + "me", status_code=401, headers=INVALID, json={"error": "invalid_token"})
    with app.test_request_context():
        assert oauth.prov.authorized_session().get("me").status_code == 401
    assert len(api_calls(requests_mock)) == 2 and len(token_requests(requests_mock)) == 1


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (401, {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="files.read"'}),
        (403, INVALID),
        (401, {}),
        (401, {"WWW-Authenticate": 'Bearer realm="api", error="invalid_request"'}),
    ],
    ids=["insufficient-scope", "invalid-token-403", "no-challenge", "invalid-request"],
)
def test_other_refusals_reach_the_session_without_a_retry(
    refused: tuple[Flask, OAuth], requests_mock: rm.Mocker, storage: CountingStorage, status: int,
    headers: dict[str, str],
) -> None:
    app, oauth = refused
    requests_mock.get(API + "me", status_code=status, headers=headers, json={})
    with app.test_request_context():
        assert oauth.prov.authorized_session().get("me").status_code == status
    assert len(api_calls(requests_mock)) == 1 and token_requests(requests_mock) == [] and storage.writes == []


def test_retry_on_401_false_turns_the_sessions_retry_off(
    requests_mock: rm.Mocker, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1")
    register_app(oauth, client_kwargs={"retry_on_401": False})
    storage.set("prov", "u-1", live_token())
    requests_mock.get(API + "me", json=refuse_old_token)
    with app.test_request_context():
        assert oauth.prov.authorized_session().get("me").status_code == 401
    assert len(api_calls(requests_mock)) == 1 and token_requests(requests_mock) == []


def test_the_session_sends_a_form_body_again_but_not_a_generator_or_a_file_upload(
    refused: tuple[Flask, OAuth], requests_mock: rm.Mocker
) -> None:
    app, oauth = refused
    with app.test_request_context():
        session = oauth.prov.authorized_session()
        assert session.post("me", data={"name": "x"}).status_code == 200
        assert [r.text for r in api_calls(requests_mock)] == ["name=x", "name=x"]
        session.oauth_token.update(live_token())  # refused again
        streamed = session.post("me", data=(chunk for chunk in [b"a", b"b"]))
        positional = session.request("POST", "me", None, (chunk for chunk in [b"a"]))
        uploaded = session.post("me", files={"f": ("f.txt", b"data")})
    assert (streamed.status_code, positional.status_code, uploaded.status_code) == (401, 401, 401)
    assert len(token_requests(requests_mock)) == 1


def test_sessions_refused_with_one_token_in_several_threads_refresh_and_store_it_once(
    refused: tuple[Flask, OAuth], requests_mock: rm.Mocker, storage: CountingStorage
) -> None:
    app, oauth = refused

    def slow_refresh(request: Any, context: Any) -> dict[str, Any]:
        time.sleep(0.2)
        return fresh_response(1)

    requests_mock.post(TOKEN_URL, json=slow_refresh)
    with app.test_request_context():
        sessions = [oauth.prov.authorized_session() for _ in range(4)]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda s=s: statuses.append(s.get("me").status_code)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert statuses == [200] * 4
    assert len(token_requests(requests_mock)) == 1
    [(name, user, token)] = storage.writes  # outside any request: written to the sessions' user
    assert (name, user, token["access_token"]) == ("prov", "u-1", "new-at-1")
