"""A token endpoint that stalls, fails, lies about its length, floods, or is not there.

Every fault must end the login (or the refresh) in the documented ``OAuthError``
subclass within the configured timeout, the app answers 400 (never 500), the
flow state is spent (a replay is refused), and the next login works as soon as
the endpoint does.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from flask_oauth_registry import (
    BadResponseError,
    ConnectionFailedError,
    OAuthError,
    ProviderError,
    RequestTimeoutError,
)
from flask_oauth_registry.devprovider import DEMO_CLIENT_SECRET, RunningProvider
from flask_oauth_registry.registry.answers import MAX_PROTOCOL_BODY
from tests.faults.faulty_server import FaultyServer, closed_port
from tests.faults.harness import TIMEOUT, assert_within_timeout, client_via, login
from tests.redis_server import RedisServer

FAULTS: dict[str, tuple[str, dict[str, Any], type[OAuthError], str]] = {
    "stalls": ("stall", {}, RequestTimeoutError, "timeout"),
    "answers 500 in plain text": ("status", {"status": 500}, BadResponseError, "bad_response"),
    "answers 500 with an OAuth error": (
        "status", {"status": 500, "body_out": b'{"error": "server_error"}', "content_type": "application/json"},
        ProviderError, "server_error",
    ),
    "answers an HTML 502": (
        "status", {"status": 502, "body_out": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                   "content_type": "text/html"},
        BadResponseError, "bad_response",
    ),
    "sends truncated JSON": ("truncated", {}, BadResponseError, "bad_response"),
    "sends invalid JSON": (
        "status", {"status": 200, "body_out": b'{"access_token": "at", ', "content_type": "application/json"},
        BadResponseError, "bad_response",
    ),
    "declares a 64 MB body": ("flood", {"declare": True}, BadResponseError, "bad_response"),
    "streams an endless body": ("flood", {"declare": False}, BadResponseError, "bad_response"),
    "drops the connection": ("drop", {}, ConnectionFailedError, "connection_error"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_token_endpoint_fault_fails_the_login_in_time_and_the_next_login_works(
    fault: str, faulty: FaultyServer, provider: RunningProvider
) -> None:
    mode, options, error_class, code = FAULTS[fault]
    app = client_via(faulty, provider)
    faulty.set("/token", mode, **options)

    failed = login(app)

    assert failed.response.status_code == 400
    assert failed.error == code and failed.response.get_json()["type"] == error_class.__name__
    assert_within_timeout(failed.elapsed)
    body = failed.response.get_data(as_text=True)
    assert DEMO_CLIENT_SECRET not in body and failed.callback.split("code=")[1].split("&")[0] not in body
    assert failed.browser.get(app, failed.callback).get_json()["error"] == "mismatching_state"

    faulty.set("/token", "relay")
    recovered = login(app)
    assert recovered.response.status_code == 200, recovered.response.get_json()
    assert recovered.response.get_json()["sub"] == "alice"


def test_an_endless_body_is_abandoned_after_the_size_cap(faulty: FaultyServer, provider: RunningProvider) -> None:
    app = client_via(faulty, provider)
    faulty.set("/token", "flood", declare=False)
    failed = login(app)
    assert failed.error == "bad_response" and failed.elapsed < 1.0
    deadline = time.monotonic() + 5
    while not faulty.flood_sent and time.monotonic() < deadline:
        time.sleep(0.01)
    # The server stopped because the client hung up, far short of the 64 MB it meant to send
    # (what it did send includes the loopback socket buffers, a few MB at most).
    print(f"\nendless body: the server had written {faulty.flood_sent[0]} bytes when the client hung up")
    assert faulty.flood_sent and MAX_PROTOCOL_BODY < faulty.flood_sent[0] < 16 * 1024 * 1024


def test_refused_connections_fail_fast_and_the_login_works_once_the_endpoint_listens(
    provider: RunningProvider,
) -> None:
    port = closed_port()
    down = FaultyServer(provider.url)
    app = client_via(
        down, provider, access_token_url=f"http://127.0.0.1:{port}/token", jwks_uri=provider.url_for("/jwks")
    )
    down.stop()

    failed = login(app)
    assert failed.error == "connection_error" and failed.response.get_json()["type"] == "ConnectionFailedError"
    assert_within_timeout(failed.elapsed)

    back = FaultyServer(provider.url, port=port)
    try:
        back.set("/token", "relay")
        recovered = login(app)
        assert recovered.response.status_code == 200, recovered.response.get_json()
    finally:
        back.stop()


def real_token(faulty: FaultyServer, provider: RunningProvider) -> dict[str, Any]:
    """Alice's token, expired for the client (30 s lifetime, 60 s leeway)."""
    done = login(client_via(faulty, provider))
    assert done.response.status_code == 200, done.response.get_json()
    return done.response.get_json()["token"]


def refresh_from_threads(clients: list[Any], token: dict[str, Any], url: str, per_client: int) -> list[tuple]:
    """Call ``url`` with copies of ``token`` from ``per_client`` threads per client; (error code, seconds) each."""
    barrier = threading.Barrier(len(clients) * per_client)
    outcomes: list[tuple] = []

    def call(client: Any) -> None:
        barrier.wait()
        started = time.monotonic()
        try:
            client.get(url, token=dict(token))
            outcomes.append(("ok", time.monotonic() - started))
        except OAuthError as exc:
            outcomes.append((exc.error, time.monotonic() - started))

    threads = [threading.Thread(target=call, args=(c,)) for c in clients for _ in range(per_client)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_stalled_refresh_fails_every_waiting_thread_within_one_timeout(
    faulty: FaultyServer, provider: RunningProvider
) -> None:
    token = real_token(faulty, provider)
    app = client_via(faulty, provider)
    client = app.extensions["oauth_registry"].registry.create_client("dev")
    faulty.set("/token", "stall")
    hits = faulty.hits["/token"]

    with app.app_context():
        outcomes = refresh_from_threads([client], token, provider.url_for("/api/me"), per_client=8)

    assert [code for code, _ in outcomes] == ["timeout"] * 8
    assert max(seconds for _, seconds in outcomes) < sum(TIMEOUT) + 1.5  # not 8 timeouts one after another
    assert faulty.hits["/token"] - hits == 1

    faulty.set("/token", "relay")
    with app.app_context():
        assert client.get(provider.url_for("/api/me"), token=dict(token)).status_code == 200


def test_stalled_refresh_with_a_shared_cache_costs_each_worker_at_most_two_timeouts(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    token = real_token(faulty, provider)
    apps = [client_via(faulty, provider, cache=redis_server.cache(key_prefix), name=f"w{n}") for n in (1, 2)]
    clients = [a.extensions["oauth_registry"].registry.create_client("dev") for a in apps]
    faulty.set("/token", "stall")
    hits = faulty.hits["/token"]

    outcomes = refresh_from_threads(clients, token, provider.url_for("/api/me"), per_client=4)

    assert [code for code, _ in outcomes] == ["timeout"] * 8
    # The second worker waits for the first worker's refresh, then tries once itself.
    assert max(seconds for _, seconds in outcomes) < 2 * sum(TIMEOUT) + 1.5
    assert faulty.hits["/token"] - hits == 2
    assert redis_server.client().keys(f"{key_prefix}*lock") == []
