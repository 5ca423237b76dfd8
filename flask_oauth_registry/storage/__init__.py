"""Token storage: one small interface, :class:`TokenStorage`, and its backends (DESIGN 12.1).

- :class:`SessionStorage`: the Flask session; the token rides in the signed cookie
  (readable by the user, about 4 KB at most), so only for small tokens.
- :class:`CacheStorage`: any cachelib cache, Redis in production; shared by every worker.
- :class:`SQLAlchemyStorage` with an :class:`OAuthTokenMixin` model: a database table
  (the ``[sqlalchemy]`` extra).  Both are imported on first use, so importing this
  package does not import SQLAlchemy.
- :class:`FileStorage`: one JSON file of the user's (mode 0600), shared by processes
  through a lock: for command-line tools and jobs.
- :class:`RecentReads`: in front of any of them, remembers its reads for a few seconds,
  so that ``required`` need not read a remote storage on every request.
- :class:`KeyringStorage`: the operating system's credential store (the ``[keyring]``
  extra), imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import DEFAULT_ACCOUNT, TokenStorage
from .cache import CacheStorage
from .file import FileStorage
from .recent import RecentReads
from .session import SessionStorage

if TYPE_CHECKING:
    from .keyring import KeyringStorage
    from .sqlalchemy import OAuthTokenMixin, SQLAlchemyStorage


def __getattr__(name: str) -> Any:
    # keyring is an optional dependency too.
    if name == "KeyringStorage":
        try:
            from . import keyring
        except ModuleNotFoundError as exc:
            if exc.name != "keyring":
                raise
            raise ModuleNotFoundError(
                "KeyringStorage needs keyring: pip install 'flask-oauth-registry[keyring]'", name=exc.name
            ) from exc
        return keyring.KeyringStorage
    # SQLAlchemy is an optional dependency: load it when its storage is asked for.
    if name in ("SQLAlchemyStorage", "OAuthTokenMixin"):
        try:
            from . import sqlalchemy
        except ModuleNotFoundError as exc:
            if exc.name != "sqlalchemy":
                raise
            raise ModuleNotFoundError(
                f"{name} needs SQLAlchemy: pip install 'flask-oauth-registry[sqlalchemy]'", name=exc.name
            ) from exc
        return getattr(sqlalchemy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ACCOUNT",
    "CacheStorage",
    "FileStorage",
    "KeyringStorage",
    "OAuthTokenMixin",
    "RecentReads",
    "SQLAlchemyStorage",
    "SessionStorage",
    "TokenStorage",
]
