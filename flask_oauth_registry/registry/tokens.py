"""Token data: the token type, normalising token responses, deciding expiry, and single-flight refresh.

``SingleFlight`` makes concurrent callers that hold the same expired token share one
refresh: threads of a process wait for the one in flight and share its outcome (the
new token or the error), and, when a shared cache is given, processes coordinate
through a lock key and a short-lived result key in it.  The one caller that really
refreshed is told so, and only it notifies ``update_token``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from cachelib import SimpleCache

from .context import Cache
from .errors import BadResponseError, StorageError

logger = logging.getLogger("flask_oauth_registry")

#: Token members whose values are credentials (``dpop_key``: the private key a DPoP token is bound to,
#: :mod:`.dpop`): never shown by ``repr()``.
SECRET_MEMBERS = frozenset({"access_token", "refresh_token", "id_token", "dpop_key"})


class OAuth2Token(dict[str, Any]):
    """A token as the provider issued it: a plain ``dict`` whose ``repr()`` hides the credentials.

    It compares equal to a ``dict`` with the same items, pickles, and serialises to
    JSON (and into a Flask session) as a ``dict``; only ``repr()``/``str()`` differ,
    so a token that reaches a log line, a traceback or a debugger shows
    ``'access_token': '***'`` instead of the credential.
    """

    def __repr__(self) -> str:
        shown = {key: "***" if key in SECRET_MEMBERS and value else value for key, value in self.items()}
        return repr(shown)

    __str__ = __repr__


def _seconds(value: Any, member: str) -> int:
    """A finite number of seconds from a number or numeric string, else a broken provider answer."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int such as 10**400
        number = math.nan
    # NaN never compares as expired and Infinity never expires: both are refused.
    if not math.isfinite(number):
        raise BadResponseError(description=f"the token's {member} is not a number")
    return int(number)


def normalize_token(token: Mapping[str, Any], now: float | None = None) -> OAuth2Token:
    """A copy of a token response with ``expires_at`` (epoch seconds) filled in.

    ``expires_in`` and ``expires_at`` may come as numbers or numeric strings; a
    value that is not a finite number is a broken provider answer.
    """
    result = OAuth2Token(token)
    if result.get("expires_at") is not None:
        result["expires_at"] = _seconds(result["expires_at"], "expires_at")
    elif result.get("expires_in") not in (None, ""):
        expires_in = _seconds(result["expires_in"], "expires_in")
        result["expires_at"] = int((now if now is not None else time.time()) + expires_in)
    return result


def is_expired(token: Mapping[str, Any], leeway: float, now: float | None = None) -> bool:
    """True when the token expires within ``leeway`` seconds; a token without expiry never does.

    An ``expires_at`` that is not a finite number counts as expired: a token whose
    lifetime is unknown is renewed rather than trusted for ever.
    """
    expires_at = token.get("expires_at")
    if expires_at is None:
        return False
    try:
        seconds = float(expires_at)
    except (TypeError, ValueError, OverflowError):
        return True
    if not math.isfinite(seconds):
        return True
    return seconds - leeway < (now if now is not None else time.time())


def leeway_for(token: Mapping[str, Any], leeway: float) -> float:
    """The app's leeway, but at most half the token's lifetime when the token says it.

    A provider may issue tokens that live less than the leeway: by the leeway
    alone each would be expired at birth, never shared, and a provider that
    rotates refresh tokens would refuse every caller's refresh but the first.
    """
    lifetime_given: Any = token.get("expires_in")
    try:
        lifetime = float(lifetime_given)
    except (TypeError, ValueError, OverflowError):
        return leeway
    return min(leeway, lifetime / 2) if math.isfinite(lifetime) and lifetime > 0 else leeway


def token_fingerprint(token: Mapping[str, Any]) -> str:
    """A stable, non-reversible key for "this token" (access and refresh token), for locks and results.

    Both members count: with a provider that does not rotate refresh tokens, each
    refresh keeps the refresh token, and a key made of it alone would hand the
    previous (expired) result to the next refresh.
    """
    material = f"{token.get('access_token') or ''}\x00{token.get('refresh_token') or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class SingleFlight:
    """Run a refresh once per old token, however many callers ask at the same time.

    ``recent_ttl`` is how long the result stays available to late callers that
    still hold the old token (they get the new one instead of refreshing again,
    which a provider rotating refresh tokens would refuse).  A result that has
    itself expired (within ``leeway`` seconds, as the app decides expiry, or half
    the token's lifetime when that is shorter) is never handed out: the caller
    refreshes instead.
    """

    def __init__(
        self,
        namespace: str,
        cache: Cache | None = None,
        recent_ttl: int = 120,
        lock_ttl: float = 40.0,
        poll_interval: float = 0.05,
        leeway: float = 0,
    ) -> None:
        self.namespace = namespace
        self.leeway = leeway
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
            return OAuth2Token(new), False
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

    def _usable(self, done: Any) -> bool:
        """A shared or remembered result that another caller may still use."""
        return isinstance(done, Mapping) and not is_expired(done, self._leeway_for(done))

    def _leeway_for(self, token: Mapping[str, Any]) -> float:
        return leeway_for(token, self.leeway)

    def _refresh_once(self, key: str, refresh: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        done = self._recent.get(key)
        if self._usable(done):
            return OAuth2Token(done), False
        if self.cache is None:
            new = refresh()
            self._recent.set(key, new)
            return new, True
        return self._run_shared(self.cache, key, refresh)

    def _shared_key(self, key: str, part: str) -> str:
        return f"flask-oauth-registry:refresh:{self.namespace}:{key}:{part}"

    def _run_shared(
        self, cache: Cache, key: str, refresh: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], bool]:
        result_key, lock_key = self._shared_key(key, "result"), self._shared_key(key, "lock")
        deadline = time.monotonic() + self.lock_ttl
        try:
            while True:
                done = self._shared_result(cache, result_key)
                # The lock's value is when it was taken: a holder that died after an add()
                # whose expiry was never set (cachelib sends SETNX then EXPIRE) is detected.
                if done is None and cache.add(lock_key, time.time(), timeout=int(self.lock_ttl) + 1):
                    # Read again under the lock: the previous holder may have published
                    # its result and released the lock between our read and our add.
                    done = self._shared_result(cache, result_key)
                    if done is None:
                        break
                    self._release(cache, lock_key)
                if done is not None:
                    self._recent.set(key, done)
                    return OAuth2Token(done), False
                if time.monotonic() > deadline:
                    raise StorageError(description="timed out waiting for another process's token refresh")
                self._clear_if_stale(cache, lock_key)
                time.sleep(self.poll_interval)
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(description="the cache failed while coordinating a token refresh") from exc
        try:
            new = refresh()
            self._recent.set(key, new)
            try:
                cache.set(result_key, new, timeout=self.recent_ttl)
            except Exception:
                # The refresh happened: losing the new token now would be worse than
                # other processes failing to share it, so report and carry on.
                logger.warning("could not share a refreshed token of %r through the cache", self.namespace)
            return new, True
        finally:
            self._release(cache, lock_key)

    def _shared_result(self, cache: Cache, result_key: str) -> Any:
        done = cache.get(result_key)
        return done if self._usable(done) else None

    def _clear_if_stale(self, cache: Cache, lock_key: str) -> None:
        taken_at = cache.get(lock_key)
        if isinstance(taken_at, int | float) and time.time() - taken_at > self.lock_ttl + 1:
            self._release(cache, lock_key)

    def _release(self, cache: Cache, lock_key: str) -> None:
        try:
            cache.delete(lock_key)
        except Exception:  # the lock expires by itself; the refresh result stands
            pass
