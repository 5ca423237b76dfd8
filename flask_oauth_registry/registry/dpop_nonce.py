"""DPoP server nonces (RFC 9449 8, 9): the latest ``DPoP-Nonce`` each origin sent, and reading a nonce challenge.

A server may answer any request with a ``DPoP-Nonce`` header, and refuse a proof
without its current nonce with ``use_dpop_nonce``: from a token endpoint as a 400
OAuth error, from a resource as a 401 ``WWW-Authenticate: DPoP error="use_dpop_nonce"``.
:class:`DPoPNonces` keeps the latest nonce per origin, in the process and, when the
registry has a cache, in the cache for every process.  A stale copy costs one retry,
never a failure, so reads prefer the process's copy.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .context import Cache
from .retry import parse_www_authenticate

#: The OAuth error a server answers when a proof lacks its current nonce.
USE_DPOP_NONCE = "use_dpop_nonce"
#: How long a nonce is shared through the cache; servers rotate theirs more often than this.
SHARED_NONCE_TTL = 600
#: How long "no nonce known for this origin" is believed before the cache is asked again.
MISS_TTL = 30.0
#: Origins remembered in the process.
MAX_ORIGINS = 256


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL, lower case: nonces are per server (RFC 9449 8)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def headers_of(response: Any) -> Mapping[str, Any]:
    """An answer's headers; none for a test double without them (a ``MagicMock(spec=requests.Response)``)."""
    headers = getattr(response, "headers", None)
    return headers if isinstance(headers, Mapping) else {}


def nonce_of(headers: Mapping[str, Any]) -> str | None:
    """The ``DPoP-Nonce`` of an answer's headers, when it has a usable one."""
    value = headers.get("DPoP-Nonce")
    return value.strip() if isinstance(value, str) and value.strip() and value.isprintable() else None


def resource_asks_for_nonce(status: int, headers: Mapping[str, Any]) -> bool:
    """Whether a resource's answer is 401 ``WWW-Authenticate: DPoP error="use_dpop_nonce"`` (RFC 9449 9)."""
    if status != 401:
        return False
    challenges = parse_www_authenticate(headers.get("WWW-Authenticate", "") or "")
    return any(c.scheme == "dpop" and c.params.get("error") == USE_DPOP_NONCE for c in challenges)


class DPoPNonces:
    """The latest nonce per origin: in the process, and in ``cache`` (when given) for every process."""

    def __init__(self, cache: Cache | None = None, clock: Any = time.monotonic) -> None:
        self._cache = cache
        self._clock = clock
        #: origin -> (nonce or None, when it was read from the cache)
        self._known: dict[str, tuple[str | None, float]] = {}

    @staticmethod
    def _key(server: str) -> str:
        return f"flask-oauth-registry:dpop-nonce:{server}"

    def get(self, url: str) -> str | None:
        """The nonce to put in a proof for ``url``, ``None`` when its server sent none."""
        server = origin(url)
        known = self._known.get(server)
        if known is not None and (known[0] is not None or self._clock() - known[1] < MISS_TTL):
            return known[0]
        shared = None
        if self._cache is not None:
            try:
                found = self._cache.get(self._key(server))
            except Exception:  # a missed shared copy costs one retry
                found = None
            shared = found if isinstance(found, str) and found else None
        self._remember(server, shared)
        return shared

    def update(self, url: str, headers: Mapping[str, Any]) -> str | None:
        """Keep the ``DPoP-Nonce`` an answer from ``url`` carries; return it (``None`` when it has none)."""
        nonce = nonce_of(headers)
        if nonce is None:
            return None
        server = origin(url)
        known = self._known.get(server)
        if known is not None and known[0] == nonce:
            return nonce
        self._remember(server, nonce)
        if self._cache is not None:
            try:
                self._cache.set(self._key(server), nonce, timeout=SHARED_NONCE_TTL)
            except Exception:  # other processes learn it from their own first challenge
                pass
        return nonce

    def _remember(self, server: str, nonce: str | None) -> None:
        if len(self._known) >= MAX_ORIGINS and server not in self._known:
            self._known.clear()
        self._known[server] = (nonce, self._clock())
