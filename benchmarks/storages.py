"""The token storages the ``required`` rows run on, each with what it needs started, or a reason to skip it.

``session``: :class:`SessionStorage` (the token in the signed cookie);
``simplecache`` and ``redis``: :class:`CacheStorage` on cachelib's ``SimpleCache``
and ``RedisCache`` (a real ``redis-server`` on loopback); ``redis-recent``: the same
Redis storage behind :class:`RecentReads` (``required`` decides from a read of up to
2 s ago, as the docs suggest for a remote storage); ``sqlite`` and
``postgresql``: :class:`SQLAlchemyStorage` with a ``sessionmaker`` (a session of
its own per operation) on a file database and on a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

from flask_oauth_registry.storage import CacheStorage, RecentReads, SessionStorage, TokenStorage

from .services import Unavailable, postgres_server, redis_server

#: Every backend, in report order; ``REQUIRED_TARGET_BACKENDS`` are the ones the issue sets a target for.
BACKENDS = ("session", "simplecache", "redis", "redis-recent", "sqlite", "postgresql")
REQUIRED_TARGET_BACKENDS = ("session", "redis-recent")


@contextlib.contextmanager
def _session(tmp: Path) -> Iterator[TokenStorage]:
    yield SessionStorage()


@contextlib.contextmanager
def _simplecache(tmp: Path) -> Iterator[TokenStorage]:
    from cachelib import SimpleCache

    yield CacheStorage(SimpleCache())


@contextlib.contextmanager
def _redis(tmp: Path) -> Iterator[TokenStorage]:
    if importlib.util.find_spec("redis") is None:
        raise Unavailable("the redis package is not installed (pip install redis)")
    from cachelib import RedisCache

    with redis_server() as port:
        yield CacheStorage(RedisCache(host="127.0.0.1", port=port, key_prefix="bench:"))


@contextlib.contextmanager
def _redis_recent(tmp: Path) -> Iterator[TokenStorage]:
    with _redis(tmp) as storage:
        yield RecentReads(storage)


@contextlib.contextmanager
def _sqlalchemy(url: str) -> Iterator[TokenStorage]:
    """A :class:`SQLAlchemyStorage` on a new ``oauth_token`` table at ``url``; the engine is closed afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import DeclarativeBase, sessionmaker

    from flask_oauth_registry.storage import OAuthTokenMixin, SQLAlchemyStorage

    class Base(DeclarativeBase):
        pass

    class OAuthToken(OAuthTokenMixin, Base):
        __tablename__ = "oauth_token"

    engine = create_engine(url)
    try:
        Base.metadata.create_all(engine)
        yield SQLAlchemyStorage(sessionmaker(engine), OAuthToken)
    finally:
        engine.dispose()


def _needs_sqlalchemy(driver: str | None = None) -> None:
    for module, package in (("sqlalchemy", "sqlalchemy"), (driver, "psycopg[binary]")):
        if module is not None and importlib.util.find_spec(module) is None:
            raise Unavailable(f"{package} is not installed (pip install -e '.[dev]')")


@contextlib.contextmanager
def _sqlite(tmp: Path) -> Iterator[TokenStorage]:
    _needs_sqlalchemy()
    with _sqlalchemy(f"sqlite:///{tmp / 'tokens.sqlite3'}") as storage:
        yield storage


@contextlib.contextmanager
def _postgresql(tmp: Path) -> Iterator[TokenStorage]:
    _needs_sqlalchemy("psycopg")
    with postgres_server() as url, _sqlalchemy(url) as storage:
        yield storage


_FACTORIES: dict[str, Callable[[Path], contextlib.AbstractContextManager[TokenStorage]]] = {
    "session": _session, "simplecache": _simplecache, "redis": _redis, "redis-recent": _redis_recent,
    "sqlite": _sqlite, "postgresql": _postgresql,
}


def open_storage(backend: str, tmp: Path) -> contextlib.AbstractContextManager[TokenStorage]:
    """The storage ``backend``, ready to use in the block; :class:`Unavailable` (with the reason) if it cannot run."""
    return _FACTORIES[backend](tmp)

