"""Fixtures of the view tests: the fake OpenID provider, a counting storage, a registry with the ready routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from tests.fakes.keys import rsa_key
from tests.fakes.oidc import FakeOpenIDProvider
from tests.redis_server import RedisServer, running_redis
from tests.views.support import Browser, CountingStorage, GrantingProvider, register_prov


@pytest.fixture
def provider(requests_mock: Any) -> GrantingProvider:
    return GrantingProvider(requests_mock, rsa_key("rsa-1"))


@pytest.fixture
def storage() -> CountingStorage:
    return CountingStorage()


@pytest.fixture
def oauth(app: Flask, storage: CountingStorage, provider: FakeOpenIDProvider) -> OAuth:
    """A registry with the ready routes and the counting storage, ``prov`` registered on the fake provider."""
    registry = OAuth(app, storage=storage, routes=True)
    register_prov(registry)
    return registry


@pytest.fixture
def browser(app: Flask, oauth: OAuth, provider: FakeOpenIDProvider) -> Browser:
    return Browser(app.test_client(), provider)


@pytest.fixture(scope="package")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the package (the ``required`` tests with a storage on Redis)."""
    yield from running_redis()
