"""Discovery metadata and JWKS that are slow, failing or broken.

A failed fetch ends the step in an ``OAuthError`` subclass within the
configured timeout, is not remembered (neither in the process nor in the shared
cache), and the next attempt fetches again and works once the provider does.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry.devprovider import RunningProvider
from tests.faults.faulty_server import FaultyServer
from tests.faults.harness import TIMEOUT, assert_within_timeout, client_via, login
from tests.redis_server import RedisServer
from tests.scaleout.client_app import Browser

BROKEN: dict[str, tuple[str, dict[str, Any], str]] = {
    "stalls": ("stall", {}, "timeout"),
    "answers 500": ("status", {"status": 500}, "bad_response"),
    "answers an HTML 502": (
        "status", {"status": 502, "body_out": b"<html>Bad Gateway</html>", "content_type": "text/html"},
        "bad_response",
    ),
    "sends truncated JSON": ("truncated", {"body_out": b'{"issuer": "http://127.0.0.1'}, "bad_response"),
    "sends a JSON list": ("status", {"status": 200, "body_out": b"[]", "content_type": "application/json"},
                          "bad_response"),
    "streams an endless body": ("flood", {}, "bad_response"),
    "drops the connection": ("drop", {}, "connection_error"),
}


def discovering_client(faulty: FaultyServer, provider: RunningProvider, cache: Any = None) -> Flask:
    """A client that learns every endpoint from the discovery document behind the faulty server."""
    return client_via(
        faulty, provider, cache=cache, authorize_url=None, access_token_url=None, jwks_uri=None, issuer=None,
        server_metadata_url=faulty.url_for("/discovery"),
    )


def timed_login_start(app: Flask) -> tuple[Any, float]:
    """GET ``/login`` in a fresh browser; the response and how long it took."""
    started = time.monotonic()
    response = Browser().get(app, "/login")
    return response, time.monotonic() - started


@pytest.mark.parametrize("fault", list(BROKEN))
def test_broken_discovery_fails_the_login_start_and_is_fetched_again_later(
    fault: str, faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    mode, options, code = BROKEN[fault]
    cache = redis_server.cache(key_prefix)
    app = discovering_client(faulty, provider, cache)
    faulty.set("/discovery", mode, **options)

    for attempt in (1, 2):
        response, elapsed = timed_login_start(app)
        assert response.status_code == 400
        assert response.get_json()["error"] == code
        assert_within_timeout(elapsed)
        assert faulty.hits["/discovery"] == attempt  # a failure is not cached
    assert redis_server.client().keys(f"{key_prefix}*metadata*") == []

    faulty.set("/discovery", "relay", upstream_path="/.well-known/openid-configuration")
    done = login(app)
    assert done.response.status_code == 200, done.response.get_json()
    assert len(redis_server.client().keys(f"{key_prefix}*metadata*")) == 1


@pytest.mark.parametrize("fault", [f for f in BROKEN if f != "sends truncated JSON"])
def test_broken_jwks_fails_the_callback_in_time_and_the_next_login_works(
    fault: str, faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    mode, options, code = BROKEN[fault]
    app = client_via(faulty, provider, cache=redis_server.cache(key_prefix))
    faulty.set("/jwks", mode, **options)

    failed = login(app)

    assert failed.response.status_code == 400 and failed.error == code
    assert_within_timeout(failed.elapsed)
    # The code was exchanged before the keys were needed: the flow is spent, nothing was kept.
    assert failed.browser.get(app, failed.callback).get_json()["error"] == "mismatching_state"
    assert redis_server.client().keys(f"{key_prefix}*jwks*") == []

    faulty.set("/jwks", "relay")
    done = login(app)
    assert done.response.status_code == 200, done.response.get_json()
    assert done.response.get_json()["sub"] == "alice"


def test_a_jwk_set_without_keys_is_not_shared_with_other_workers(
    faulty: FaultyServer, provider: RunningProvider, redis_server: RedisServer, key_prefix: str
) -> None:
    first = client_via(faulty, provider, cache=redis_server.cache(key_prefix), name="w1")
    second = client_via(faulty, provider, cache=redis_server.cache(key_prefix), name="w2")
    faulty.set("/jwks", "status", status=200, body_out=b'{"keys": "none"}', content_type="application/json")

    failed = login(first)
    assert failed.error == "bad_response"
    faulty.set("/jwks", "relay")
    done = login(first, finish=second)
    assert done.response.status_code == 200, done.response.get_json()
    assert faulty.hits["/jwks"] == 2


def test_slow_discovery_is_bounded_by_the_client_timeout_not_by_the_server(
    faulty: FaultyServer, provider: RunningProvider
) -> None:
    app = discovering_client(faulty, provider)
    faulty.set("/discovery", "stall", seconds=8)
    response, elapsed = timed_login_start(app)
    assert response.get_json()["error"] == "timeout"
    assert TIMEOUT[1] <= elapsed < sum(TIMEOUT) + 1.0
