"""Pushed authorization requests (RFC 9126): the pushed parameters, kept by ``request_uri``, short-lived and single use.

The ``/par`` endpoint (:mod:`.par_views`) stores what a client pushed; the
authorization endpoint reads it back with :meth:`PushedRequests.peek` while the
user looks at the consent page (a reload is allowed, RFC 9126 4) and claims it
with :meth:`PushedRequests.claim` when it answers the client, after which the
``request_uri`` is spent.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: RFC 9126 2.2: the ``request_uri`` is a URN with this prefix and an unguessable reference.
REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
#: Pushed requests kept at most (the oldest are dropped), so a busy dev server stays small.
MAX_PUSHED = 10_000


@dataclass(frozen=True)
class PushedRequest:
    """The authorization parameters a client pushed, for one authorization request."""

    request_uri: str
    client_id: str
    expires_at: float
    params: Mapping[str, str] = field(default_factory=dict)


class PushedRequests:
    """Pushed requests by ``request_uri``, bound to the client that pushed them; one lock for all."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pushed: dict[str, PushedRequest] = {}

    def push(self, client_id: str, params: Mapping[str, str], ttl: int) -> PushedRequest:
        """Store ``params`` under a fresh ``request_uri`` that expires in ``ttl`` seconds."""
        pushed = PushedRequest(
            REQUEST_URI_PREFIX + secrets.token_urlsafe(32), client_id, self._clock() + ttl, dict(params)
        )
        with self._lock:
            now = self._clock()
            self._pushed = {uri: p for uri, p in self._pushed.items() if p.expires_at > now}
            while len(self._pushed) >= MAX_PUSHED:
                del self._pushed[next(iter(self._pushed))]
            self._pushed[pushed.request_uri] = pushed
        return pushed

    def peek(self, request_uri: str, client_id: str | None) -> PushedRequest | None:
        """The live request pushed by ``client_id`` under ``request_uri``, left in place."""
        with self._lock:
            return self._live(request_uri, client_id)

    def claim(self, request_uri: str, client_id: str | None) -> PushedRequest | None:
        """Take the live request (single use): a second claim, even a concurrent one, gets None."""
        with self._lock:
            pushed = self._live(request_uri, client_id)
            if pushed is not None:
                del self._pushed[request_uri]
            return pushed

    def _live(self, request_uri: str, client_id: str | None) -> PushedRequest | None:
        pushed = self._pushed.get(request_uri)
        if pushed is None or pushed.client_id != client_id or pushed.expires_at <= self._clock():
            return None
        return pushed
