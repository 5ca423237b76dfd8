"""``authorized_session()``: a requests session on the app's pool that calls as the user and refreshes once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from flask import Flask

from flask_oauth_registry import MissingTokenError, OAuth
from flask_oauth_registry.registry import http
from flask_oauth_registry.views import AuthorizedSession
from tests.fakes.oidc import USERINFO_ENDPOINT
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
