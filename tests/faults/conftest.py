"""Fixtures for fault tests: the dev provider, a faulty server in front of it, a Redis of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, serve
from tests.faults.faulty_server import FaultyServer
from tests.redis_server import RedisServer, running_redis


@pytest.fixture(scope="package")
def provider() -> Iterator[RunningProvider]:
    with serve(ProviderSettings(access_token_ttl=30)) as running:
        yield running


@pytest.fixture
def faulty(provider: RunningProvider) -> Iterator[FaultyServer]:
    """A faulty server relaying ``/token``, ``/jwks`` and ``/discovery`` to the provider until told otherwise."""
    server = FaultyServer(provider.url)
    server.set("/token", "relay")
    server.set("/jwks", "relay")
    server.set("/discovery", "relay", upstream_path="/.well-known/openid-configuration")
    yield server
    server.stop()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis of this test alone: fault tests stop and restart it."""
    yield from running_redis()


@pytest.fixture
def key_prefix() -> str:
    return f"fault-{uuid.uuid4().hex[:12]}:"
