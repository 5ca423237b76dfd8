"""``CacheStorage``: what it puts in a real Redis, how long it stays, and a cache that refuses a write."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import StorageError
from flask_oauth_registry.registry.tokens import OAuth2Token
from flask_oauth_registry.storage import CacheStorage
from flask_oauth_registry.storage.cache import DEFAULT_PREFIX
from tests.redis_server import RedisServer

TOKEN = {"access_token": "at-1", "token_type": "Bearer", "expires_at": 1900000000}


class RefusingCache(SimpleCache):
    """A cache whose ``set`` answers ``False``, as cachelib's file and memcached caches do when a write fails."""

    def set(self, key: str, value: Any, timeout: Any = None) -> bool:
        return False


@pytest.fixture
def redis_cache(redis_server: RedisServer) -> Any:
    return redis_server.cache(key_prefix=f"cache-{uuid.uuid4().hex[:12]}:")


def test_redis_keeps_tokens_without_expiry_unless_a_timeout_is_given(
    redis_server: RedisServer, redis_cache: Any
) -> None:
    CacheStorage(redis_cache).set("google", "alice", TOKEN)
    CacheStorage(redis_cache, timeout=60).set("google", "bob", TOKEN)

    client = redis_server.client()
    assert client.ttl(f"{redis_cache.key_prefix}{DEFAULT_PREFIX}google_alice") == -1  # no expiry
    assert 0 < client.ttl(f"{redis_cache.key_prefix}{DEFAULT_PREFIX}google_bob") <= 60


def test_redis_holds_plain_dicts_of_one_users_accounts(redis_cache: Any) -> None:
    storage = CacheStorage(redis_cache)
    storage.set("google", "alice", OAuth2Token(TOKEN))
    storage.set("google", "alice", TOKEN, account="sub-2")

    entry = redis_cache.get(f"{DEFAULT_PREFIX}google_alice")

    assert type(entry) is dict and entry == {"": TOKEN, "sub-2": TOKEN}
    assert all(type(value) is dict for value in entry.values())


def test_the_entry_goes_when_its_last_account_is_deleted(redis_cache: Any) -> None:
    storage = CacheStorage(redis_cache)
    storage.set("google", "alice", TOKEN)

    storage.delete("google", "alice")

    assert not redis_cache.has(f"{DEFAULT_PREFIX}google_alice")


def test_prefixes_keep_two_storages_on_one_cache_apart() -> None:
    cache = SimpleCache()
    one, other = CacheStorage(cache, prefix="app-one:"), CacheStorage(cache, prefix="app-two:")

    one.set("google", "alice", TOKEN)

    assert one.get("google", "alice") == TOKEN
    assert other.get("google", "alice") is None


def test_a_cache_that_refuses_the_write_is_a_storage_error() -> None:
    storage = CacheStorage(RefusingCache())

    with pytest.raises(StorageError, match="refused the token"):
        storage.set("google", "alice", TOKEN)

    assert storage.get("google", "alice") is None


def test_a_foreign_value_under_the_key_reads_as_no_token() -> None:
    cache = SimpleCache()
    cache.set(f"{DEFAULT_PREFIX}google_alice", "not ours")
    storage = CacheStorage(cache)

    assert storage.get("google", "alice") is None
    storage.set("google", "alice", TOKEN)
    assert storage.get("google", "alice") == TOKEN


def test_an_entry_json_would_change_comes_back_as_json_gives_it_and_nested_values_are_copies() -> None:
    cache = SimpleCache()
    storage = CacheStorage(cache)
    storage.set("google", "alice", {"access_token": "at-1", "claims": {"groups": ["a"]}})
    found = storage.get("google", "alice")
    assert found is not None
    found["claims"]["groups"].append("changed by the caller")
    # Written by something else than set(): a tuple and an int key, which pickle keeps and JSON does not.
    cache.set(f"{DEFAULT_PREFIX}google_bob", {"": {"access_token": "at-2", "aud": ("a", "b"), "n": {1: "x"}}})

    assert storage.get("google", "alice") == {"access_token": "at-1", "claims": {"groups": ["a"]}}
    assert storage.get("google", "bob") == {"access_token": "at-2", "aud": ["a", "b"], "n": {"1": "x"}}
