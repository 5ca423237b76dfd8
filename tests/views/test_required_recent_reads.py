"""``required`` with a :class:`RecentReads` storage on Redis: decides from a recent read, uses only stored tokens.

Two registries on one redis-server stand for two worker processes; a hand-moved
clock stands for the seconds between requests.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry.storage import CacheStorage, RecentReads
from tests.fakes.oidc import USERINFO_ENDPOINT
from tests.redis_server import RedisServer
from tests.views.support import APP_SCOPE, GrantingProvider, make_app, register_prov

TTL = 2.0
USER = "u-1"


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class CountingRedisStorage(CacheStorage):
    """:class:`CacheStorage` on the test redis-server, counting its reads."""

    def __init__(self, server: RedisServer, prefix: str) -> None:
        super().__init__(server.cache(key_prefix=prefix))
        self.reads = 0

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        self.reads += 1
        return super().get(name, user, account)


class Worker:
    """One app process: its registry, its RecentReads in front of the shared Redis, and views behind ``required``."""

    def __init__(self, server: RedisServer, prefix: str, clock: Clock) -> None:
        self.redis = CountingRedisStorage(server, prefix)
        self.storage = RecentReads(self.redis, ttl=TTL, clock=clock)
        self.app, oauth = make_app(storage=self.storage, user_id=lambda: USER, routes=True)
        self.client = client = register_prov(oauth)
        self.api_tokens: list[str] = []
        add_views(self.app, client, self.api_tokens)
        self.web = self.app.test_client()


def add_views(app: Flask, client: Any, api_tokens: list[str]) -> None:
    """``/home`` does not use the token; ``/profile`` calls the API with it (recording which token it sent)."""

    @app.route("/home")
    @client.required
    def home() -> str:
        return "home"

    @app.route("/profile")
    @client.required
    def profile() -> str:
        answer = client.get(USERINFO_ENDPOINT)
        api_tokens.append(answer.request.headers["Authorization"].removeprefix("Bearer "))
        return str(answer.status_code)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def prefix() -> str:
    return f"views-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def worker(redis_server: RedisServer, prefix: str, clock: Clock, provider: GrantingProvider) -> Worker:
    return Worker(redis_server, prefix, clock)


@pytest.fixture
def other_worker(redis_server: RedisServer, prefix: str, clock: Clock, provider: GrantingProvider) -> Worker:
    return Worker(redis_server, prefix, clock)


def stored_token(provider: GrantingProvider, access_token: str, refresh_token: str, expires_in: int) -> dict[str, Any]:
    provider.access_tokens.append(access_token)
    provider.refresh_tokens.add(refresh_token)
    return {"access_token": access_token, "token_type": "Bearer", "refresh_token": refresh_token,
            "expires_at": int(time.time()) + expires_in, "scope": APP_SCOPE}


def test_the_view_runs_on_a_read_of_up_to_ttl_seconds_ago(
    worker: Worker, provider: GrantingProvider, clock: Clock
) -> None:
    worker.storage.set("prov", USER, stored_token(provider, "at-1", "rt-1", 3600))
    assert [worker.web.get("/home").status_code for _ in range(3)] == [200, 200, 200]
    assert worker.redis.reads == 1
    clock.now += TTL
    assert worker.web.get("/home").status_code == 200
    assert worker.redis.reads == 2


def test_a_logout_through_this_process_is_seen_by_the_next_request(
    worker: Worker, provider: GrantingProvider
) -> None:
    worker.storage.set("prov", USER, stored_token(provider, "at-1", "rt-1", 3600))
    assert worker.web.get("/home").status_code == 200
    assert worker.web.get("/oauth/logout/prov").status_code == 302
    assert worker.web.get("/home").status_code == 302


def test_a_token_deleted_by_another_process_lets_only_views_that_do_not_use_it_run_until_ttl(
    worker: Worker, other_worker: Worker, provider: GrantingProvider, clock: Clock
) -> None:
    worker.storage.set("prov", USER, stored_token(provider, "at-1", "rt-1", 3600))
    assert worker.web.get("/home").status_code == 200
    assert other_worker.web.get("/oauth/logout/prov").status_code == 302
    # The view that uses the token finds it gone: a login, not a 500.
    answer = worker.web.get("/profile")
    assert answer.status_code == 302 and "/authorize" in answer.headers["Location"]
    assert worker.web.get("/home").status_code == 200  # the documented window
    clock.now += TTL
    assert worker.web.get("/home").status_code == 302


def test_the_token_a_view_uses_is_the_stored_one_not_the_remembered_one(
    worker: Worker, other_worker: Worker, provider: GrantingProvider
) -> None:
    worker.storage.set("prov", USER, stored_token(provider, "at-1", "rt-1", 3600))
    assert worker.web.get("/home").status_code == 200  # remembers at-1
    other_worker.storage.set("prov", USER, stored_token(provider, "at-2", "rt-2", 3600))  # refreshed elsewhere
    assert worker.web.get("/profile").get_data(as_text=True) == "200"
    assert worker.api_tokens == ["at-2"]
    assert not provider.token_requests


def test_a_refresh_starts_from_the_stored_refresh_token_not_the_remembered_one(
    worker: Worker, other_worker: Worker, provider: GrantingProvider
) -> None:
    worker.storage.set("prov", USER, stored_token(provider, "at-1", "rt-1", 3600))
    assert worker.web.get("/home").status_code == 200  # remembers rt-1
    # Another process rotated the refresh token, and the new access token has expired since.
    other_worker.storage.set("prov", USER, stored_token(provider, "at-2", "rt-2", -60))
    provider.refresh_tokens.discard("rt-1")  # a rotating provider refuses the old one
    assert worker.web.get("/profile").get_data(as_text=True) == "200"
    [refresh] = [r for r in provider.token_requests if "grant_type=refresh_token" in r.text]
    assert "refresh_token=rt-2" in refresh.text
    assert worker.api_tokens == [provider.access_tokens[-1]]
    assert worker.redis.get("prov", USER)["access_token"] == provider.access_tokens[-1]  # type: ignore[index]
    assert worker.web.get("/home").status_code == 200
