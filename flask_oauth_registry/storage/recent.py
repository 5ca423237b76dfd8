"""``RecentReads``: a storage in front of another that remembers its reads for a few seconds, for ``required``.

A view behind ``required`` that does not itself use the token still needs to
know that the user has one; on a remote storage (Redis, a database) that check
is a network round trip per request, which can cost more than the view.  Wrapped
in :class:`RecentReads`, the storage keeps what it read in this process for
``ttl`` seconds, and ``required`` decides from that copy (:meth:`RecentReads.peek`).  Everything else reads
the storage itself: :meth:`RecentReads.get` is never answered from memory, so the
token a view uses, sends or refreshes is always the stored one, and a token
another process refreshed (and its rotated refresh token) is never lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from .base import TokenStorage, account_key, check_owner, copy_token

#: How long, in seconds, a read is remembered unless ``ttl=`` says otherwise.
DEFAULT_RECENT_TTL = 2.0
#: How many ``(name, user, account)`` entries are remembered at most; the oldest go first.
DEFAULT_MAX_ENTRIES = 10_000

_Key = tuple[str, str, str]


class RecentReads(TokenStorage):
    """``storage``, plus :meth:`get_recent`: its answer of at most ``ttl`` seconds ago, from this process's memory.

    ``get``, ``set``, ``delete`` and ``accounts`` go to ``storage`` as they are.
    ``set`` and ``delete`` through this object forget the remembered entry at
    once, so this process sees its own writes (a login, a logout, a refresh)
    immediately.  A write by another process, or straight to ``storage``, is seen
    by :meth:`get_recent` within ``ttl`` seconds: for that long a token deleted
    elsewhere (a logout on another worker) still lets ``required`` run the view.
    "No token" is remembered too, for the same time, and a failing read is not.

    ``clock`` (monotonic seconds) is for tests; ``max_entries`` bounds the memory.
    """

    def __init__(
        self,
        storage: TokenStorage,
        ttl: float = DEFAULT_RECENT_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(storage, TokenStorage):
            raise TypeError(f"RecentReads wraps a TokenStorage, not {type(storage).__name__}")
        if isinstance(storage, RecentReads):
            raise TypeError("RecentReads would wrap another RecentReads: wrap its storage instead")
        if not ttl > 0:
            raise ValueError("ttl must be a positive number of seconds")
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.storage = storage
        self.ttl = float(ttl)
        self.max_entries = max_entries
        self.clock = clock
        # (name, user, account) -> (read at, token or None); oldest first, as inserted.
        self._entries: dict[_Key, tuple[float, dict[str, Any] | None]] = {}
        self._lock = threading.Lock()
        # Counts writes through this object: a read that a write overtook is not remembered.
        self._writes = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.storage!r}, ttl={self.ttl:g} s>"

    def get_recent(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The token as :meth:`get` answered it at most ``ttl`` seconds ago (a fresh copy), else read now.

        For deciding whether a user has a token, never for using one: the answer may
        be up to ``ttl`` seconds old.
        """
        found = self._recent(name, user, account)
        return copy_token(found) if found is not None else None

    #: ``required`` checks with :meth:`peek`: the point of this class.
    cheap_peek = True

    def peek(self, name: str, user: str, account: str | None = None) -> Mapping[str, Any] | None:
        """:meth:`get_recent` without the copy: a read-only view of the remembered token, for a check that only reads.

        ``required`` decides on every request from it; the copy would cost more than the check.
        """
        found = self._recent(name, user, account)
        return MappingProxyType(found) if found is not None else None

    def _recent(self, name: str, user: str, account: str | None) -> dict[str, Any] | None:
        check_owner(name, user)
        key = (name, user, account_key(account))
        now = self.clock()
        found = self._entries.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        writes = self._writes
        token = self.storage.get(name, user, account)  # a fresh copy (TokenStorage's contract): ours to keep
        with self._lock:
            if writes == self._writes:  # no write through us since the read began
                self._remember(key, now, token)
        return token

    def _remember(self, key: _Key, now: float, token: dict[str, Any] | None) -> None:
        self._entries.pop(key, None)  # re-inserted last: the dict stays oldest first
        self._entries[key] = (now, token)
        while len(self._entries) > self.max_entries:
            del self._entries[next(iter(self._entries))]

    def forget(self, name: str, user: str, account: str | None = None) -> None:
        """Drop what is remembered for ``(name, user, account)``: the next :meth:`get_recent` reads the storage."""
        with self._lock:
            self._writes += 1
            self._entries.pop((name, user, account_key(account)), None)

    def clear(self) -> None:
        """Drop everything remembered."""
        with self._lock:
            self._writes += 1
            self._entries.clear()

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The stored token, read from the storage now (never from memory)."""
        return self.storage.get(name, user, account)

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token`` in the storage and forget the remembered read."""
        self.forget(name, user, account)
        try:
            self.storage.set(name, user, token, account)
        finally:
            self.forget(name, user, account)  # a read that ran during the write is not kept either

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Delete the token in the storage and forget the remembered read."""
        self.forget(name, user, account)
        try:
            self.storage.delete(name, user, account)
        finally:
            self.forget(name, user, account)

    def accounts(self, name: str, user: str) -> list[str]:
        """The storage's accounts of ``user`` for ``name``."""
        return self.storage.accounts(name, user)

