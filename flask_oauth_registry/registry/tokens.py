"""Token data: normalising token responses, deciding expiry, and single-flight refresh.

``SingleFlight`` makes concurrent callers that hold the same expired token share one
refresh: threads of a process wait for the one in flight and share its outcome (the
new token or the error), and, when a shared cache is given, processes coordinate
through a lock key and a short-lived result key in it.  The one caller that really
refreshed is told so, and only it notifies ``update_token``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from cachelib import SimpleCache

from .errors import BadResponseError, StorageError

logger = logging.getLogger("flask_oauth_registry")


def normalize_token(token: Mapping[str, Any], now: float | None = None) -> dict[str, Any]:
    """A copy of a token response with ``expires_at`` (epoch seconds) filled in.

    ``expires_in`` may come as a number or a numeric string; an unusable value
    (not a finite number) is a broken provider answer.
    """
    result = dict(token)
    if result.get("expires_at") is None and result.get("expires_in") not in (None, ""):
        try:
            expires_in = int(float(result["expires_in"]))
        except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity, 1e999
            raise BadResponseError(description="the token's expires_in is not a number") from None
        result["expires_at"] = int((now if now is not None else time.time()) + expires_in)
    elif result.get("expires_at") is not None:
        try:
            result["expires_at"] = int(float(result["expires_at"]))
        except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity, 1e999
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
        self._flights: dict[str, Future[tuple[dict[str, Any], bool]]] = {}
        self._flights_guard = threading.Lock()

    def run(self, old_token: Mapping[str, Any], refresh: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """Return ``(new_token, performed)``; ``performed`` is True for the one real refresh.

        Callers that arrive while a refresh of the same token is in flight get its
        outcome, the new token or the same exception: a failing or stalled token
        endpoint costs them one wait, not one timeout each in turn.
        """
        key = token_fingerprint(old_token)
        with self._flights_guard:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = Future()
        if not leader:
            new, _ = flight.result()
            return dict(new), False
        try:
            outcome = self._refresh_once(key, refresh)
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        else:
            flight.set_result(outcome)
            return outcome
        finally:
            with self._flights_guard:
                del self._flights[key]

    def _refresh_once(self, key: str, refresh: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
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
                # The lock's value is when it was taken: a holder that died after an add()
                # whose expiry was never set (cachelib sends SETNX then EXPIRE) is detected.
                if done is None and self.cache.add(lock_key, time.time(), timeout=int(self.lock_ttl) + 1):
                    # Read again under the lock: the previous holder may have published
                    # its result and released the lock between our read and our add.
                    done = self.cache.get(result_key)
                    if done is None:
                        break
                    self._release(lock_key)
                if done is not None:
                    self._recent.set(key, done)
                    return dict(done), False
                if time.monotonic() > deadline:
                    raise StorageError(description="timed out waiting for another process's token refresh")
                self._clear_if_stale(lock_key)
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
            self._release(lock_key)

    def _clear_if_stale(self, lock_key: str) -> None:
        taken_at = self.cache.get(lock_key)
        if isinstance(taken_at, int | float) and time.time() - taken_at > self.lock_ttl + 1:
            self._release(lock_key)

    def _release(self, lock_key: str) -> None:
        try:
            self.cache.delete(lock_key)
        except Exception:  # the lock expires by itself; the refresh result stands
            pass
