"""``RecentReads``: reads remembered ``ttl`` seconds for ``get_recent`` only, forgotten on each write through it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import StorageError
from flask_oauth_registry.storage import CacheStorage, RecentReads, TokenStorage
from tests.redis_server import RedisServer

TOKEN = {"access_token": "at-1", "token_type": "Bearer", "refresh_token": "rt-1", "scope": "openid"}
ROTATED = {**TOKEN, "access_token": "at-2", "refresh_token": "rt-2"}


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingReads(CacheStorage):
    """A :class:`CacheStorage` on ``SimpleCache`` that counts its reads and can be made to fail them."""

    def __init__(self) -> None:
        super().__init__(SimpleCache())
        self.reads = 0
        self.failing = False
        self.during_read: list[Any] = []

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        self.reads += 1
        if self.failing:
            raise StorageError(description="the token cache could not be read")
        token = super().get(name, user, account)
        while self.during_read:  # something another thread does while this read is under way
            self.during_read.pop()()
        return token


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inner() -> CountingReads:
    return CountingReads()


@pytest.fixture
def recent(inner: CountingReads, clock: Clock) -> RecentReads:
    return RecentReads(inner, ttl=2.0, clock=clock)


def test_a_read_is_remembered_for_ttl_seconds_then_read_again(
    inner: CountingReads, recent: RecentReads, clock: Clock
) -> None:
    recent.set("prov", "u", TOKEN)
    assert recent.get_recent("prov", "u") == TOKEN
    inner.set("prov", "u", ROTATED)  # written by another process
    clock.now += 1.9
    assert recent.get_recent("prov", "u") == TOKEN
    assert inner.reads == 1
    clock.now += 0.1
    assert recent.get_recent("prov", "u") == ROTATED
    assert inner.reads == 2


def test_get_always_reads_the_storage(inner: CountingReads, recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    recent.get_recent("prov", "u")
    inner.set("prov", "u", ROTATED)
    assert recent.get("prov", "u") == ROTATED
    assert recent.get("prov", "u") == ROTATED
    assert inner.reads == 3


@pytest.mark.parametrize("write", ["set", "delete"])
def test_a_write_through_it_is_seen_at_once(recent: RecentReads, write: str) -> None:
    recent.set("prov", "u", TOKEN)
    assert recent.get_recent("prov", "u") == TOKEN
    if write == "set":
        recent.set("prov", "u", ROTATED)
        assert recent.get_recent("prov", "u") == ROTATED
    else:
        recent.delete("prov", "u")
        assert recent.get_recent("prov", "u") is None


def test_no_token_is_remembered_too_and_a_write_ends_it(
    inner: CountingReads, recent: RecentReads, clock: Clock
) -> None:
    assert recent.get_recent("prov", "u") is None
    inner.set("prov", "u", TOKEN)
    assert recent.get_recent("prov", "u") is None
    clock.now += 2.0
    assert recent.get_recent("prov", "u") == TOKEN


def test_entries_are_kept_apart_by_name_user_and_account(recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    recent.set("prov", "u", ROTATED, account="sub-2")
    recent.set("other", "u", ROTATED)
    assert recent.get_recent("prov", "u") == TOKEN
    recent.delete("prov", "u", account="sub-2")
    assert recent.get_recent("prov", "u") == TOKEN
    assert recent.get_recent("prov", "u", account="sub-2") is None
    assert recent.get_recent("other", "u") == ROTATED
    assert recent.get_recent("prov", "v") is None
    assert recent.accounts("prov", "u") == [""]


def test_a_failing_read_raises_and_is_not_remembered(inner: CountingReads, recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    inner.failing = True
    with pytest.raises(StorageError):
        recent.get_recent("prov", "u")
    inner.failing = False
    assert recent.get_recent("prov", "u") == TOKEN


def test_a_read_overtaken_by_a_write_through_it_is_not_remembered(inner: CountingReads, recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    # A logout in another thread lands while this read is on the wire: the old answer must not be kept.
    inner.during_read.append(lambda: recent.delete("prov", "u"))
    assert recent.get_recent("prov", "u") == TOKEN
    assert recent.get_recent("prov", "u") is None


def test_answers_are_copies(recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    first = recent.get_recent("prov", "u")
    assert first is not None
    first["access_token"] = "changed"
    first["scope"] += " email"
    assert recent.get_recent("prov", "u") == TOKEN


def test_the_oldest_entries_go_beyond_max_entries(inner: CountingReads, clock: Clock) -> None:
    recent = RecentReads(inner, ttl=60, max_entries=2, clock=clock)
    for user in ("a", "b", "c"):
        inner.set("prov", user, TOKEN)
        recent.get_recent("prov", user)
    assert inner.reads == 3
    recent.get_recent("prov", "c")
    recent.get_recent("prov", "b")
    assert inner.reads == 3
    recent.get_recent("prov", "a")  # forgotten: read again
    assert inner.reads == 4


def test_clear_forgets_every_read(inner: CountingReads, recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    recent.get_recent("prov", "u")
    recent.clear()
    recent.get_recent("prov", "u")
    assert inner.reads == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"storage": {}}, TypeError), ({"ttl": 0}, ValueError), ({"ttl": -1}, ValueError),
     ({"max_entries": 0}, ValueError)],
)
def test_bad_settings_are_refused(inner: CountingReads, kwargs: dict[str, Any], error: type[Exception]) -> None:
    settings: dict[str, Any] = {"storage": inner, **kwargs}
    with pytest.raises(error):
        RecentReads(**settings)


def test_it_does_not_wrap_itself(recent: RecentReads) -> None:
    with pytest.raises(TypeError):
        RecentReads(recent)


def test_owners_are_checked_as_by_every_storage(recent: RecentReads) -> None:
    with pytest.raises(ValueError):
        recent.get_recent("prov", None)  # type: ignore[arg-type]


def _redis_storage(server: RedisServer, prefix: str) -> TokenStorage:
    return CacheStorage(server.cache(key_prefix=prefix))


def test_on_redis_another_process_s_delete_is_seen_within_ttl(redis_server: RedisServer, clock: Clock) -> None:
    prefix = f"recent-{uuid.uuid4().hex[:12]}:"
    this_process = RecentReads(_redis_storage(redis_server, prefix), ttl=2.0, clock=clock)
    other_process = RecentReads(_redis_storage(redis_server, prefix), ttl=2.0, clock=clock)
    this_process.set("prov", "u", TOKEN)
    assert this_process.get_recent("prov", "u") == TOKEN
    other_process.delete("prov", "u")  # a logout on another worker
    assert other_process.get_recent("prov", "u") is None
    assert this_process.get("prov", "u") is None  # the storage itself, at once
    assert this_process.get_recent("prov", "u") == TOKEN  # the documented window
    clock.now += 2.0
    assert this_process.get_recent("prov", "u") is None


def test_on_redis_a_rotated_token_is_what_get_answers_while_the_old_is_remembered(
    redis_server: RedisServer, clock: Clock
) -> None:
    prefix = f"recent-{uuid.uuid4().hex[:12]}:"
    this_process = RecentReads(_redis_storage(redis_server, prefix), ttl=2.0, clock=clock)
    this_process.set("prov", "u", TOKEN)
    this_process.get_recent("prov", "u")
    _redis_storage(redis_server, prefix).set("prov", "u", ROTATED)  # another process refreshed it
    stored: Mapping[str, Any] | None = this_process.get("prov", "u")
    assert stored is not None and stored["refresh_token"] == "rt-2"
    assert this_process.get_recent("prov", "u") == TOKEN


def test_peek_is_the_remembered_read_read_only(inner: CountingReads, recent: RecentReads) -> None:
    recent.set("prov", "u", TOKEN)
    peeked = recent.peek("prov", "u")
    assert peeked == TOKEN
    with pytest.raises(TypeError):
        peeked["access_token"] = "changed"  # type: ignore[index]
    assert recent.peek("prov", "u") == TOKEN and inner.reads == 1
    assert RecentReads.cheap_peek and not CacheStorage.cheap_peek
