"""Fixtures for scale-out tests: a real redis-server and the development provider on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, serve
from tests.redis_server import RedisServer, running_redis

#: Below the library's default 60 s leeway: every token the provider issues counts as expired at once.
SHORT_ACCESS_TOKEN_TTL = 30


@pytest.fixture(scope="package")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the package; tests keep apart by key prefix."""
    yield from running_redis()


@pytest.fixture
def key_prefix() -> str:
    """A cache key prefix of this test alone."""
    return f"test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture(scope="package")
def provider() -> Iterator[RunningProvider]:
    """The dev provider (rotating refresh tokens) with short-lived access tokens."""
    with serve(ProviderSettings(access_token_ttl=SHORT_ACCESS_TOKEN_TTL)) as running:
        yield running


@pytest.fixture
def fresh_provider(provider: RunningProvider) -> RunningProvider:
    """The provider with its counters at zero."""
    provider.reset_stats()
    return provider
