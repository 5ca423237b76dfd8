"""Redis going away (stopped, or paused) at each point where the library needs it, and coming back.

While Redis is unreachable every step that needs it fails with ``StorageError``
(``storage_unavailable``, a 400 here) within the Redis client's timeout; nothing
falls back to the session cookie or to unlocked refreshes; when Redis is back,
logins and refreshes work again.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import StorageError
from flask_oauth_registry.devprovider import RunningProvider
from tests.faults.faulty_server import FaultyServer
from tests.faults.harness import client_via, login
from tests.redis_server import RedisServer
from tests.scaleout.client_app import Browser, approve_at_provider

REDIS_TIMEOUT = 0.25  # per attempt; fail_fast_redis_options retries once
REDIS_BUDGET = 2 * REDIS_TIMEOUT + 1.0


def worker(faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str) -> Flask:
    return client_via(faulty, provider, cache=redis_server.cache(key_prefix, timeout=REDIS_TIMEOUT))


def timed_get(browser: Browser, app: Flask, path: str) -> tuple[Any, float]:
    started = time.monotonic()
    response = browser.get(app, path)
    return response, time.monotonic() - started


def test_login_start_with_redis_down_fails_and_nothing_goes_into_the_cookie_instead(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    app = worker(faulty, provider, redis_server, key_prefix)
    redis_server.stop()
    browser = Browser()

    response, elapsed = timed_get(browser, app, "/login")

    assert response.status_code == 400 and response.get_json()["error"] == "storage_unavailable"
    assert response.get_json()["type"] == "StorageError"
    assert elapsed < REDIS_BUDGET
    assert browser.cookie is None and browser.set_cookie_sizes == []  # no flow state fell back to the session

    redis_server.start()
    assert login(app).response.status_code == 200


def test_redis_restarting_between_redirect_and_callback_fails_that_login_and_the_next_one_works(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    app = worker(faulty, provider, redis_server, key_prefix)
    browser = Browser()
    callback = approve_at_provider(browser.get(app, "/login").headers["Location"])
    provider.reset_stats()
    redis_server.stop()

    down, elapsed = timed_get(browser, app, callback)
    assert down.status_code == 400 and down.get_json()["error"] == "storage_unavailable"
    assert elapsed < REDIS_BUDGET
    assert provider.stats()["token_requests"] == {}  # the code was not spent while the state was unreadable

    redis_server.start()  # same port, empty: the flow state went with the old process (nothing persisted)
    lost = browser.get(app, callback)
    assert lost.status_code == 400 and lost.get_json()["error"] == "mismatching_state"
    assert "already used or has expired" in lost.get_json()["description"]

    done = login(app)
    assert done.response.status_code == 200 and done.response.get_json()["sub"] == "alice"


def test_redis_pausing_between_redirect_and_callback_then_the_same_callback_completes(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    app = worker(faulty, provider, redis_server, key_prefix)
    browser = Browser()
    callback = approve_at_provider(browser.get(app, "/login").headers["Location"])
    pause = 1.2
    resumes_at = time.monotonic() + pause
    redis_server.client().execute_command("CLIENT", "PAUSE", int(pause * 1000), "ALL")

    paused, elapsed = timed_get(browser, app, callback)
    assert paused.status_code == 400 and paused.get_json()["error"] == "storage_unavailable"
    assert elapsed < REDIS_BUDGET

    time.sleep(max(0.0, resumes_at - time.monotonic()) + 0.1)
    retried = browser.get(app, callback)  # the flow state is still in Redis, the marker still in the cookie
    assert retried.status_code == 200, retried.get_json()
    assert browser.get(app, callback).get_json()["error"] == "mismatching_state"  # and still single use


def test_refresh_with_redis_down_fails_without_an_uncoordinated_refresh_and_works_when_it_is_back(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    app = worker(faulty, provider, redis_server, key_prefix)
    done = login(app)
    assert done.response.status_code == 200
    token = done.response.get_json()["token"]  # 30 s lifetime: expired by the 60 s leeway
    client = app.extensions["oauth_registry"].registry.create_client("dev")
    provider.reset_stats()
    redis_server.stop()

    started = time.monotonic()
    with pytest.raises(StorageError) as failure:
        client.get(provider.url_for("/api/me"), token=dict(token))
    assert failure.value.error == "storage_unavailable"
    assert time.monotonic() - started < REDIS_BUDGET
    assert provider.stats()["refresh_requests"] == 0

    redis_server.start()
    assert client.get(provider.url_for("/api/me"), token=dict(token)).status_code == 200
    assert provider.stats()["refresh_requests"] == 1 and provider.stats()["refresh_refused"] == 0


def test_discovery_with_redis_down_fails_and_works_when_it_is_back(
    provider: RunningProvider, faulty: FaultyServer, redis_server: RedisServer, key_prefix: str
) -> None:
    app = client_via(
        faulty, provider, cache=redis_server.cache(key_prefix, timeout=REDIS_TIMEOUT),
        authorize_url=None, access_token_url=None, jwks_uri=None, issuer=None,
        server_metadata_url=provider.metadata_url,
    )
    redis_server.stop()
    response, elapsed = timed_get(Browser(), app, "/login")
    assert response.status_code == 400 and response.get_json()["error"] == "storage_unavailable"
    assert elapsed < REDIS_BUDGET

    redis_server.start()
    assert login(app).response.status_code == 200
