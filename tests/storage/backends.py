"""The storage backends the contract tests run against, each with a real way to make it fail.

- ``session``: :class:`SessionStorage` in a test request; it "fails" when the token
  would not fit under ``MAX_COOKIE_SIZE`` (the session itself cannot fail to read).
- ``simplecache``: :class:`CacheStorage` on cachelib's ``SimpleCache`` behind a switch
  that makes every call raise, as a lost connection does.
- ``redis``: :class:`CacheStorage` on the real redis-server, paused with ``CLIENT PAUSE``
  (the old data is still there when it resumes).
- ``sqlite``: :class:`SQLAlchemyStorage` on a SQLite file through a ``sessionmaker``,
  locked by another connection (``database is locked``).
- ``postgresql``: :class:`SQLAlchemyStorage` on the test PostgreSQL server through a
  ``scoped_session``, its connection killed by ``pg_terminate_backend``.
- ``flask-sqlalchemy``: :class:`SQLAlchemyStorage` on Flask-SQLAlchemy's ``db`` (SQLite file).
- ``file``: :class:`FileStorage` on a file in a temporary folder, replaced by a symbolic link to
  itself while broken (which it refuses to follow).
- ``keyring``: :class:`KeyringStorage` on :class:`MemoryKeyring`, set with ``keyring.set_keyring``
  (never the system keyring), that raises ``KeyringLocked`` while ``locked``.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
from cachelib import SimpleCache
from flask import Flask
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

from flask_oauth_registry.storage import (
    CacheStorage,
    FileStorage,
    KeyringStorage,
    OAuthTokenMixin,
    SessionStorage,
    SQLAlchemyStorage,
    TokenStorage,
)
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer

REDIS_TIMEOUT = 0.2  # per attempt; the client retries once
REDIS_PAUSE = 1.2  # longer than a failing call takes (two attempts), short enough for a test
SQLITE_BUSY_TIMEOUT = 0.2
POSTGRES_LOCK_TIMEOUT_MS = 300


class Base(DeclarativeBase):
    pass


class OAuthToken(OAuthTokenMixin, Base):
    __tablename__ = "oauth_token"


Breaker = Callable[[], AbstractContextManager[None]]


@dataclass
class Backend:
    """A storage under test; inside ``broken()`` its next operation fails for a real reason."""

    storage: TokenStorage
    broken: Breaker
    reads_can_fail: bool = True
    #: SQL backends: the engine, and a breaker under which reads work and writes fail.
    engine: Engine | None = None
    writes_blocked: Breaker | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            cleanup()


class FlakyCache:
    """A cachelib cache that raises ``ConnectionError`` on every call while ``down``."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("the cache is unreachable")

    def get(self, key: str) -> Any:
        self._check()
        return self.cache.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        self._check()
        return self.cache.set(key, value, timeout=timeout)

    def delete(self, key: str) -> Any:
        self._check()
        return self.cache.delete(key)


def session_backend(app: Flask) -> Backend:
    @contextmanager
    def broken() -> Iterator[None]:
        saved = app.config["MAX_COOKIE_SIZE"]
        app.config["MAX_COOKIE_SIZE"] = 64  # no session with a token in it fits
        try:
            yield
        finally:
            app.config["MAX_COOKIE_SIZE"] = saved

    return Backend(SessionStorage(), broken, reads_can_fail=False)


def simplecache_backend() -> Backend:
    cache = FlakyCache(SimpleCache())

    @contextmanager
    def broken() -> Iterator[None]:
        cache.down = True
        try:
            yield
        finally:
            cache.down = False

    return Backend(CacheStorage(cache), broken)


def redis_backend(server: RedisServer) -> Backend:
    storage = CacheStorage(server.cache(key_prefix=f"storage-{uuid.uuid4().hex[:12]}:", timeout=REDIS_TIMEOUT))

    @contextmanager
    def broken() -> Iterator[None]:
        resumes_at = time.monotonic() + REDIS_PAUSE
        server.client().execute_command("CLIENT", "PAUSE", int(REDIS_PAUSE * 1000), "ALL")
        try:
            yield
        finally:
            time.sleep(max(0.0, resumes_at - time.monotonic()) + 0.05)

    return Backend(storage, broken)


def sqlite_backend(path: Path) -> Backend:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
    Base.metadata.create_all(engine)
    backend = Backend(
        SQLAlchemyStorage(sessionmaker(engine), OAuthToken),
        sqlite_locked(path, "EXCLUSIVE"),
        engine=engine,
        writes_blocked=sqlite_locked(path, "IMMEDIATE"),
    )
    backend.cleanups.append(engine.dispose)
    return backend


def sqlite_locked(path: Path, mode: str) -> Breaker:
    """Another connection holds a lock: EXCLUSIVE keeps out readers and writers, IMMEDIATE writers only."""

    @contextmanager
    def locked() -> Iterator[None]:
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute(f"BEGIN {mode}")
        try:
            yield
        finally:
            locker.execute("ROLLBACK")
            locker.close()

    return locked


def postgresql_backend(server: PostgresServer) -> Backend:
    options = f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"
    engine = create_engine(server.url, connect_args={"options": options})
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(engine))
    storage = SQLAlchemyStorage(session, OAuthToken)

    @contextmanager
    def broken() -> Iterator[None]:
        storage.accounts("warm", "up")  # the session now holds a connection: the one to kill
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ))
        yield

    @contextmanager
    def writes_blocked() -> Iterator[None]:
        with engine.connect() as connection, connection.begin():  # not admin: AUTOCOMMIT would drop the lock
            connection.execute(text("SELECT 1 FROM oauth_token FOR UPDATE"))  # every row locked: updates time out
            yield

    backend = Backend(storage, broken, engine=engine, writes_blocked=writes_blocked)
    backend.cleanups += [engine.dispose, admin.dispose, session.remove]
    return backend


def flask_sqlalchemy_backend(app: Flask, path: Path) -> Backend:
    from tests.storage.flask_models import FlaskOAuthToken, db

    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT}}
    db.init_app(app)
    with app.app_context():
        db.create_all()
    backend = Backend(SQLAlchemyStorage(db, FlaskOAuthToken), sqlite_locked(path, "EXCLUSIVE"))

    def close() -> None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    backend.cleanups.append(close)
    return backend


def file_backend(path: Path) -> Backend:
    storage = FileStorage(path)

    @contextmanager
    def broken() -> Iterator[None]:
        aside = path.with_name(path.name + ".aside")
        path.rename(aside)
        path.symlink_to(aside)
        try:
            yield
        finally:
            path.unlink()
            aside.rename(path)

    return Backend(storage, broken)


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, for tests: raises ``KeyringLocked`` on every call while ``locked``."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.locked = False

    def _check(self) -> None:
        if self.locked:
            raise KeyringLocked("the keyring is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if (service, username) not in self.entries:
            raise PasswordDeleteError("no such password")
        del self.entries[(service, username)]


def keyring_backend() -> Backend:
    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)

    @contextmanager
    def broken() -> Iterator[None]:
        memory.locked = True
        try:
            yield
        finally:
            memory.locked = False

    backend = Backend(KeyringStorage("flask-oauth-registry-tests"), broken)
    backend.cleanups.append(lambda: keyring.set_keyring(previous))
    return backend
