"""``CacheStorage``: tokens in a shared cache (cachelib's ``RedisCache`` in production).

Every process and host that shares the cache sees the same tokens, so a token
refreshed by one worker is the one the next request uses on another.  The cache
must keep what it is given: an evicting cache (``SimpleCache`` beyond its
threshold, Redis with an eviction policy and ``maxmemory``) forgets tokens, and
their users must authorize again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..registry.errors import StorageError
from .base import TokenStorage, account_key, check_owner, copy_token, escape_key_part, plain_token

DEFAULT_PREFIX = "flask-oauth-registry:token:"


class KeyValueCache(Protocol):
    """What :class:`CacheStorage` asks of a cache: cachelib's caches and Flask-Caching's have it."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def delete(self, key: str) -> Any: ...


class CacheStorage(TokenStorage):
    """Keeps each user's tokens for one remote app in one cache entry, ``{account: token}``.

    One entry per ``(name, user)`` makes every write a single ``set``: a failing cache
    leaves the old entry or the new one, never part of each, and ``accounts`` needs
    no key listing (which cachelib does not offer).  The price: two writes for
    different accounts of one user at the same instant may lose one of them.

    ``prefix`` starts every key (keep apps sharing a cache apart with it); the rest of
    the key is the escaped ``name`` and ``user``, so names that prefix each other
    never meet.  ``timeout`` is how long, in seconds, an entry lives after its last
    write; ``None`` keeps it until it is deleted (passed to the cache as ``0``, as
    cachelib's own default timeout, 300 s, would silently drop tokens).  Entries are
    plain ``dict`` values, which every cachelib serializer handles.

    Any exception from the cache, or a ``set`` answered with ``False``, becomes
    :class:`~flask_oauth_registry.StorageError` (``__cause__`` is the cache's error).
    """

    def __init__(self, cache: KeyValueCache, prefix: str = DEFAULT_PREFIX, timeout: int | None = None) -> None:
        self.cache = cache
        self.prefix = prefix
        self.timeout = timeout

    def _key(self, name: str, user: str) -> str:
        check_owner(name, user)
        return f"{self.prefix}{escape_key_part(name)}_{escape_key_part(user)}"

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The cached token, as a fresh ``dict``, or ``None``."""
        account = account_key(account)
        return copy_token(self._read(self._key(name, user)).get(account))

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token``, keeping the user's other accounts for ``name`` as they are."""
        key, account, value = self._key(name, user), account_key(account), plain_token(token)
        entry = self._read(key)
        entry[account] = value
        self._write(key, entry)

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Forget one account's token; the entry goes when its last account does."""
        key, account = self._key(name, user), account_key(account)
        entry = self._read(key)
        if account not in entry:
            return
        del entry[account]
        if entry:
            self._write(key, entry)
        else:
            self._remove(key)

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts of ``user`` for ``name``, sorted."""
        return sorted(self._read(self._key(name, user)))

    def _read(self, key: str) -> dict[str, dict[str, Any]]:
        """The entry at ``key`` as ``{account: token}``; empty when absent (or not ours)."""
        try:
            entry = self.cache.get(key)
        except Exception as exc:  # any cache backend error: a failure must never read as "no token"
            raise StorageError(description="the token cache could not be read") from exc
        if not isinstance(entry, dict):
            return {}
        return {account: token for account, token in entry.items() if isinstance(token, dict)}

    def _write(self, key: str, entry: dict[str, dict[str, Any]]) -> None:
        # 0 is cachelib's (and Flask-Caching's) "never expires".
        timeout = 0 if self.timeout is None else self.timeout
        try:
            stored = self.cache.set(key, entry, timeout=timeout)
        except Exception as exc:
            raise StorageError(description="the token cache refused the token") from exc
        if stored is False:
            raise StorageError(description="the token cache refused the token")

    def _remove(self, key: str) -> None:
        try:
            self.cache.delete(key)
        except Exception as exc:
            raise StorageError(description="the token cache could not delete the token") from exc
