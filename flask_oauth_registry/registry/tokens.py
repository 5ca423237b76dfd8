"""Token data: normalising token responses, deciding expiry, and single-flight refresh.

``SingleFlight`` makes concurrent callers that hold the same expired token share one
refresh: threads of a process wait on a lock, and, when a shared cache is given,
processes coordinate through a lock key and a short-lived result key in it.  The
one caller that really refreshed is told so, and only it notifies ``update_token``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cachelib import SimpleCache

from .errors import BadResponseError, StorageError

logger = logging.getLogger("flask_oauth_registry")


def normalize_token(token: Mapping[str, Any], now: float | None = None) -> dict[str, Any]:
    """A copy of a token response with ``expires_at`` (epoch seconds) filled in.

    ``expires_in`` may come as a number or a numeric string; an unusable value is
    a broken provider answer.
    """
    result = dict(token)
    if result.get("expires_at") is None and result.get("expires_in") not in (None, ""):
        try:
            expires_in = int(float(result["expires_in"]))
        except (TypeError, ValueError):
            raise BadResponseError(description="the token's expires_in is not a number") from None
        result["expires_at"] = int((now if now is not None else time.time()) + expires_in)
    elif result.get("expires_at") is not None:
        try:
            result["expires_at"] = int(float(result["expires_at"]))
        except (TypeError, ValueError):
            raise BadResponseError(description="the token's expires_at is not a number") from None
    return result


def is_expired(token: Mapping[str, Any], leeway: int, now: float | None = None) -> bool:
    """True when the token expires within ``leeway`` seconds; a token without expiry never does."""
    expires_at = token.get("expires_at")
    if expires_at is None:
        return False
    return float(expires_at) - leeway < (now if now is not None else time.time())


def token_fingerprint(token: Mapping[str, Any]) -> str:
    """A stable, non-reversible key for "this token", for locks and shared results."""
    material = token.get("refresh_token") or token.get("access_token") or ""
    return hashlib.sha256(str(material).encode()).hexdigest()[:32]


class SingleFlight:
    """Run a refresh once per old token, however many callers ask at the same time.

    ``recent_ttl`` is how long the result stays available to late callers that
    still hold the old token (they get the new one instead of refreshing again,
    which a provider rotating refresh tokens would refuse).
    """

    def __init__(
        self,
        namespace: str,
        cache: Any = None,
        recent_ttl: int = 120,
        lock_ttl: float = 40.0,
        poll_interval: float = 0.05,
    ) -> None:
        self.namespace = namespace
        self.cache = cache
        self.recent_ttl = recent_ttl
        self.lock_ttl = lock_ttl
        self.poll_interval = poll_interval
        self._recent = SimpleCache(threshold=1000, default_timeout=recent_ttl)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            lock = self._locks.get(key)
            if lock is None:
                if len(self._locks) > 1000:
                    self._locks = {k: v for k, v in self._locks.items() if v.locked()}
                lock = self._locks[key] = threading.Lock()
            return lock

    def run(self, old_token: Mapping[str, Any], refresh: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """Return ``(new_token, performed)``; ``performed`` is True for the one real refresh."""
        key = token_fingerprint(old_token)
        with self._lock_for(key):
            done = self._recent.get(key)
            if done is not None:
                return dict(done), False
            if self.cache is None:
                new = refresh()
                self._recent.set(key, new)
                return new, True
            return self._run_shared(key, refresh)

    def _shared_key(self, key: str, part: str) -> str:
        return f"flask-oauth-registry:refresh:{self.namespace}:{key}:{part}"

    def _run_shared(self, key: str, refresh: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        result_key, lock_key = self._shared_key(key, "result"), self._shared_key(key, "lock")
        deadline = time.monotonic() + self.lock_ttl
        try:
            while True:
                done = self.cache.get(result_key)
                if done is not None:
                    self._recent.set(key, done)
                    return dict(done), False
                if self.cache.add(lock_key, 1, timeout=int(self.lock_ttl) + 1):
                    break
                if time.monotonic() > deadline:
                    raise StorageError(description="timed out waiting for another process's token refresh")
                time.sleep(self.poll_interval)
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(description="the cache failed while coordinating a token refresh") from exc
        try:
            new = refresh()
            self._recent.set(key, new)
            try:
                self.cache.set(result_key, new, timeout=self.recent_ttl)
            except Exception:
                # The refresh happened: losing the new token now would be worse than
                # other processes failing to share it, so report and carry on.
                logger.warning("could not share a refreshed token of %r through the cache", self.namespace)
            return new, True
        finally:
            try:
                self.cache.delete(lock_key)
            except Exception:  # the lock expires by itself; the refresh result stands
                pass
