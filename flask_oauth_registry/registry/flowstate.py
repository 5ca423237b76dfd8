"""``FlowStateStore``: what a login must remember between redirect and callback.

Per ``(app name, state)`` we keep the redirect URI, PKCE verifier, nonce and the
like (OAuth 1.0a: the temporary credentials), never the whole URL.  Without a
cache it lives in the Flask session; with one it lives in the cache and the
session keeps only a marker that binds the flow to this browser (login CSRF
defence, RFC 6749 section 10.12).  Entries expire, are read once, and at most
``max_pending`` per app stay in the session so the cookie cannot grow without bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from .context import DEFAULT_STATE_TTL, Cache
from .errors import MismatchingStateError, StorageError

DEFAULT_MAX_PENDING = 8
#: Where a flow keeps what ``save_authorize_data()`` was given beyond the protocol's own keys.
EXTRA_DATA_KEY = "extra"


def with_extra_data(flow: dict[str, Any], data: Mapping[str, Any], known: Iterable[str]) -> dict[str, Any]:
    """``flow``, plus the items of ``data`` whose keys are not ``known`` under :data:`EXTRA_DATA_KEY`.

    Authlib's ``save_authorize_data(**data)`` keeps every key it is given; so do we
    (the ready routes keep the return path there), apart from the protocol's.
    Values must be JSON-serialisable: without a cache they ride in the session cookie.
    """
    skip = set(known)
    extra = {key: value for key, value in data.items() if key not in skip}
    return {**flow, EXTRA_DATA_KEY: extra} if extra else flow


def extra_data_of(flow: Mapping[str, Any]) -> dict[str, Any]:
    """The extra data a popped flow was saved with (:func:`with_extra_data`); ``{}`` when none."""
    extra = flow.get(EXTRA_DATA_KEY)
    return dict(extra) if isinstance(extra, Mapping) else {}


def _escape_name(name: str) -> str:
    """The app name (or kind) without "_", so that the first "_" after it ends it in a key.

    The state after it comes from the callback, so it may hold anything: with app
    names ``corp`` and ``corp_eu``, a state ``eu_x`` at corp's callback must not
    name corp_eu's flow ``x``.  Names without "_" or "%" keep their plain form.
    """
    return name.replace("%", "%25").replace("_", "%5F")


class FlowStateStore:
    """Save and pop flow state for one remote app.

    ``session`` is a mutable mapping (the Flask session); ``cache`` anything with
    ``get``, ``set`` and ``delete`` (cachelib, Flask-Caching) or ``None``.
    """

    def __init__(
        self,
        name: str,
        session: MutableMapping[str, Any],
        cache: Cache | None = None,
        ttl: int = DEFAULT_STATE_TTL,
        max_pending: int = DEFAULT_MAX_PENDING,
        kind: str = "state",
    ) -> None:
        self.name = name
        self.session = session
        self.cache = cache
        self.ttl = ttl
        self.max_pending = max_pending
        # Session key "_state_<name>_<state>", cache key the same under our namespace;
        # the escaped name holds no "_", so no other app's key starts with this prefix.
        self.prefix = f"_{_escape_name(kind)}_{_escape_name(name)}_"

    def _cache_key(self, state: str) -> str:
        return f"flask-oauth-registry:{self.prefix}{state}"

    def save(self, state: str, data: dict[str, Any]) -> None:
        """Remember ``data`` for ``state`` until it is popped or expires."""
        now = time.time()
        expires_at = int(now + self.ttl)
        data = {**data, "created_at": int(now)}
        if self.cache is not None:
            try:
                stored = self.cache.set(self._cache_key(state), data, timeout=self.ttl)
            except Exception as exc:  # any cache backend error: never fall back silently
                raise StorageError(description="the cache refused the login state") from exc
            if stored is False:
                raise StorageError(description="the cache refused the login state")
            entry: dict[str, Any] = {"exp": expires_at}
        else:
            entry = {"data": data, "exp": expires_at}
        # "n" orders this app's pending flows by age, even within one second (the
        # session serializer sorts keys, so insertion order does not survive).
        entry["n"] = self._prune(now) + 1
        self.session[self.prefix + state] = entry

    def _prune(self, now: float) -> int:
        """Drop expired entries of this app, keep the newest ``max_pending - 1``; return the last "n"."""
        live = []
        for key, entry in [(k, v) for k, v in self.session.items() if k.startswith(self.prefix)]:
            if not isinstance(entry, dict) or entry.get("exp", 0) < now:
                self.session.pop(key, None)
            else:
                live.append((entry.get("n", 0), key))
        live.sort()
        for _, key in live[: max(0, len(live) - self.max_pending + 1)]:
            self.session.pop(key, None)
        return live[-1][0] if live else 0

    def pop(self, state: str | None) -> dict[str, Any]:
        """Return and forget the data saved for ``state``, or raise MismatchingStateError.

        The description says which check failed: no state, unknown to this
        browser session, expired, already used, or started in another browser.
        When the cache fails, :class:`StorageError` is raised and the flow is kept.
        """
        if not state:
            raise MismatchingStateError(description="CSRF warning: the callback has no state")
        entry = self.session.pop(self.prefix + state, None)
        if self.cache is not None:
            try:
                return self._pop_from_cache(self.cache, state, entry)
            except StorageError:
                # The cache failed, not the user: keep the marker so the same callback can be
                # retried once the cache is back.  Single use still holds: delete() decides.
                if entry is not None:
                    self.session[self.prefix + state] = entry
                raise
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            raise MismatchingStateError(
                description="CSRF warning: this state is unknown to this browser session (already used, "
                "or started in another browser)"
            )
        if entry.get("exp", 0) < time.time():
            raise MismatchingStateError(description="CSRF warning: the login took too long and its state expired")
        return entry["data"]

    def _pop_from_cache(self, cache: Cache, state: str, marker: Any) -> dict[str, Any]:
        key = self._cache_key(state)
        try:
            if marker is None:
                foreign = cache.get(key) is not None
                data, owned = None, False
            else:
                data = cache.get(key)
                # delete() answers truthy for exactly one caller: that caller owns the flow.
                owned = data is not None and bool(cache.delete(key))
        except Exception as exc:
            raise StorageError(description="the cache could not be read for the login state") from exc
        if marker is None:
            if foreign:
                raise MismatchingStateError(description="CSRF warning: this state belongs to another browser session")
            raise MismatchingStateError(
                description="CSRF warning: this state is unknown to this browser session (already used, "
                "or started in another browser)"
            )
        if not isinstance(marker, dict) or marker.get("exp", 0) < time.time():
            raise MismatchingStateError(description="CSRF warning: the login took too long and its state expired")
        if data is None or not owned:
            raise MismatchingStateError(
                description="CSRF warning: this state was already used or has expired in the cache"
            )
        return data

    def discard(self, state: str | None) -> None:
        """Forget ``state`` without checking it (the provider answered with an error)."""
        if not state:
            return
        if self.session.pop(self.prefix + state, None) is not None and self.cache is not None:
            try:
                self.cache.delete(self._cache_key(state))
            except Exception as exc:
                raise StorageError(description="the cache could not be written") from exc
