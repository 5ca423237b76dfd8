"""Fixtures of the storage tests: every backend, each in a request of a Flask app, and the servers behind them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.postgres_server import PostgresServer, running_postgres
from tests.redis_server import RedisServer, running_redis
from tests.storage import backends
from tests.storage.backends import Backend

ALL_BACKENDS = ["session", "simplecache", "redis", "sqlite", "postgresql", "flask-sqlalchemy", "file", "keyring"]
#: The backends whose reads can fail (a session cannot fail to read).
FAILING_READ_BACKENDS = [name for name in ALL_BACKENDS if name != "session"]
SQL_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="package")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the package; backends keep apart by key prefix."""
    yield from running_redis()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run; each test gets a fresh table."""
    yield from running_postgres()


def make_backend(name: str, request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Backend:
    """The backend called ``name``; the servers it needs start on first use."""
    if name == "session":
        return backends.session_backend(app)
    if name == "simplecache":
        return backends.simplecache_backend()
    if name == "redis":
        return backends.redis_backend(request.getfixturevalue("redis_server"))
    if name == "sqlite":
        return backends.sqlite_backend(tmp_path / "tokens.sqlite3")
    if name == "postgresql":
        return backends.postgresql_backend(request.getfixturevalue("postgres_server"))
    if name == "flask-sqlalchemy":
        pytest.importorskip("flask_sqlalchemy", reason="Flask-SQLAlchemy is not installed")
        return backends.flask_sqlalchemy_backend(app, tmp_path / "flask-tokens.sqlite3")
    if name == "file":
        return backends.file_backend(tmp_path / "tokens.json")
    if name == "keyring":
        return backends.keyring_backend()
    raise AssertionError(f"unknown backend {name}")


def backend_in_request(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    backend = make_backend(request.param, request, app, tmp_path)
    try:
        with app.test_request_context("/"):
            yield backend
    finally:
        backend.close()


@pytest.fixture(params=ALL_BACKENDS)
def backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    """Each backend in turn, used within a test request of ``app``."""
    yield from backend_in_request(request, app, tmp_path)


@pytest.fixture(params=FAILING_READ_BACKENDS)
def failing_reads_backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    """The backends whose reads can fail, within a test request of ``app``."""
    yield from backend_in_request(request, app, tmp_path)


@pytest.fixture(params=SQL_BACKENDS)
def sql_backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    """SQLAlchemyStorage on SQLite and on PostgreSQL, with the engine under it."""
    yield from backend_in_request(request, app, tmp_path)
