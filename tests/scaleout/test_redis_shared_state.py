"""Flow state, discovery metadata, JWKS and the refresh lock shared through cachelib's RedisCache.

Each "worker" is its own Flask app with its own registry and its own
``RedisCache`` object: nothing is shared in process memory, only the
``SECRET_KEY`` and the Redis server, as between real worker processes.
"""

from __future__ import annotations

import pickle
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import RunningProvider
from tests.redis_server import RedisServer
from tests.scaleout.client_app import Browser, approve_at_provider, login_across, make_client_app

FLOW_KEY = "flask-oauth-registry:_state_dev_"


def two_workers(
    redis_server: RedisServer, key_prefix: str, provider: RunningProvider, **kwargs: Any
) -> tuple[tuple[Flask, OAuth], tuple[Flask, OAuth]]:
    """Two independent workers sharing only the secret key and the Redis server."""
    return tuple(  # type: ignore[return-value]
        make_client_app(
            redis_server.cache(key_prefix), name=f"worker-{n}", server_metadata_url=provider.metadata_url, **kwargs
        )
        for n in (1, 2)
    )


def record_requests(oauth: OAuth) -> list[str]:
    """The URLs (without query) that the ``dev`` remote app sends from now on."""
    seen: list[str] = []
    oauth.create_client("dev").session.hooks["response"].append(  # type: ignore[union-attr]
        lambda response, *args, **kwargs: seen.append(response.url.split("?")[0])
    )
    return seen


def test_cachelib_redis_cache_pickles_values_and_add_is_set_if_not_exists(
    redis_server: RedisServer, key_prefix: str
) -> None:
    cache = redis_server.cache(key_prefix)
    raw = redis_server.client()
    value = {"redirect_uri": "https://rp.test/cb", "code_verifier": "v" * 64, "created_at": 1}
    assert cache.set("flow", value, timeout=600)
    stored = raw.get(key_prefix + "flow")
    assert stored[:1] == b"!" and pickle.loads(stored[1:]) == value  # cachelib's marker byte, then a pickle
    assert cache.get("flow") == value and 590 <= raw.ttl(key_prefix + "flow") <= 600

    barrier = threading.Barrier(16)
    won: list[bool] = []

    def contend() -> None:
        barrier.wait()
        won.append(bool(cache.add("lock", 1, timeout=41)))

    threads = [threading.Thread(target=contend) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(won) == [False] * 15 + [True]  # SETNX: exactly one caller takes the lock
    assert 0 < raw.ttl(key_prefix + "lock") <= 41  # the lock expires (EXPIRE follows SETNX)
    # Single use of a flow state rests on delete() being true for exactly one caller.
    assert cache.delete("flow") is True and cache.delete("flow") is False


def test_login_started_on_one_worker_finishes_on_another_and_the_session_holds_only_a_marker(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    (first, _), (second, _) = two_workers(redis_server, key_prefix, fresh_provider)
    browser = Browser()
    redirect = browser.get(first, "/login")
    assert redirect.status_code == 302
    state = parse_qs(urlsplit(redirect.headers["Location"]).query)["state"][0]

    session = first.session_interface.get_signing_serializer(first).loads(browser.cookie)  # type: ignore[union-attr]
    assert list(session) == [f"_state_dev_{state}"]
    marker = session[f"_state_dev_{state}"]
    assert "exp" in marker and not {"data", "code_verifier", "nonce", "redirect_uri"} & set(marker)
    in_redis = redis_server.cache(key_prefix).get(FLOW_KEY + state)
    assert {"redirect_uri", "code_verifier", "nonce", "created_at"} <= set(in_redis)
    assert 0 < redis_server.client().ttl(key_prefix + FLOW_KEY + state) <= 600

    callback = approve_at_provider(redirect.headers["Location"])
    finished = browser.get(second, callback)
    assert finished.status_code == 200, finished.get_json()
    assert finished.get_json()["sub"] == "alice"
    assert redis_server.cache(key_prefix).get(FLOW_KEY + state) is None

    for worker in (first, second):
        replay = browser.get(worker, callback)
        assert replay.status_code == 400
        assert replay.get_json()["error"] == "mismatching_state"
    assert fresh_provider.stats()["token_requests"] == {"authorization_code": 1}


def test_a_worker_with_another_secret_key_cannot_finish_the_login(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    first, _ = make_client_app(redis_server.cache(key_prefix), server_metadata_url=fresh_provider.metadata_url)
    other, _ = make_client_app(
        redis_server.cache(key_prefix), secret_key="another-key", server_metadata_url=fresh_provider.metadata_url
    )
    response, _ = login_across(first, other)
    assert response.status_code == 400
    assert response.get_json()["error"] == "mismatching_state"
    assert fresh_provider.stats()["token_requests"] == {}


def test_second_worker_takes_discovery_metadata_and_keys_from_the_cache(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    (first, first_oauth), (second, second_oauth) = two_workers(redis_server, key_prefix, fresh_provider)
    first_requests, second_requests = record_requests(first_oauth), record_requests(second_oauth)
    warm, _ = login_across(first, first)
    assert warm.status_code == 200
    assert first_requests == [
        fresh_provider.metadata_url, fresh_provider.url_for("/token"), fresh_provider.url_for("/jwks")
    ]

    response, _ = login_across(first, second)
    assert response.status_code == 200 and response.get_json()["sub"] == "alice"
    assert second_requests == [fresh_provider.url_for("/token")]  # no discovery, no JWKS fetch


def expired_token(provider: RunningProvider, redis_server: RedisServer, key_prefix: str) -> dict[str, Any]:
    """A real token of alice's, already expired by the client's 60 s leeway (the provider issues 30 s)."""
    app, _ = make_client_app(redis_server.cache(key_prefix + "login:"), server_metadata_url=provider.metadata_url)
    response, _ = login_across(app, app)
    token = response.get_json()["token"]
    assert token["refresh_token"] and token["expires_in"] < 60
    return token


def call_api_concurrently(
    clients: list[Any], token: dict[str, Any], url: str, per_client: int
) -> tuple[list[str], list[BaseException]]:
    """``per_client`` threads per remote app call ``url`` with copies of ``token`` at once."""
    barrier = threading.Barrier(len(clients) * per_client)
    used: list[str] = []
    errors: list[BaseException] = []

    def call(client: Any) -> None:
        mine = dict(token)
        barrier.wait()
        try:
            response = client.get(url, token=mine)
            assert response.status_code == 200, response.text
            used.append(mine["access_token"])
        except BaseException as exc:  # collected and asserted on by the test
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(c,)) for c in clients for _ in range(per_client)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return used, errors


def test_refresh_lock_is_shared_between_workers(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    token = expired_token(fresh_provider, redis_server, key_prefix)
    updates: list[str] = []

    def update_token(name: str, token: dict, refresh_token: str | None = None, access_token: str | None = None) -> None:
        updates.append(token["access_token"])

    workers = two_workers(redis_server, key_prefix, fresh_provider, update_token=update_token)
    clients = [oauth.create_client("dev") for _, oauth in workers]
    for client in clients:
        client.load_server_metadata()  # type: ignore[union-attr]
    fresh_provider.reset_stats()

    used, errors = call_api_concurrently(clients, token, fresh_provider.url_for("/api/me"), per_client=4)
    assert errors == []
    assert len(used) == 8 and len(set(used)) == 1 and used[0] != token["access_token"]
    stats = fresh_provider.stats()
    assert (stats["refresh_requests"], stats["refresh_refused"]) == (1, 0)
    assert updates == used[:1]


def test_without_a_shared_cache_each_worker_refreshes_and_a_rotating_provider_refuses_one(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    token = expired_token(fresh_provider, redis_server, key_prefix)
    workers = [make_client_app(name=f"alone-{n}", server_metadata_url=fresh_provider.metadata_url) for n in (1, 2)]
    clients = [oauth.create_client("dev") for _, oauth in workers]
    for client in clients:
        client.load_server_metadata()  # type: ignore[union-attr]
    fresh_provider.reset_stats()

    used, errors = call_api_concurrently(clients, token, fresh_provider.url_for("/api/me"), per_client=4)
    stats = fresh_provider.stats()
    # One refresh per process (its threads share it); across processes nothing coordinates them.
    assert (stats["refresh_requests"], stats["refresh_refused"]) == (2, 1)
    assert len(used) == 4 and len(set(used)) == 1
    assert len(errors) == 4 and {getattr(e, "error", None) for e in errors} == {"invalid_grant"}

