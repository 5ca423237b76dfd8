"""Thread-safe request counters served at ``/_dev/stats`` so tests can observe client behaviour."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Named integer counters; ``token_requests.<grant_type>`` keys are grouped in snapshots."""

    SCALARS = (
        "refresh_requests",
        "refresh_refused",
        "authorizations",
        "incremental_authorizations",
        "userinfo_requests",
        "revocations",
        "logouts",
        "device_authorizations",
        "oauth1_request_tokens",
        "oauth1_access_tokens",
        "oauth1_resource_requests",
        "pushed_authorization_requests",
        "dpop_proofs",
        "dpop_proofs_refused",
        "dpop_nonce_challenges",
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def incr(self, name: str, by: int = 1) -> None:
        """Add ``by`` to counter ``name``."""
        with self._lock:
            self._counts[name] += by

    def count_token_request(self, grant_type: str | None, ok: bool) -> None:
        """Count one ``/token`` call; refresh attempts are also counted as used/refused."""
        grant = grant_type or "missing"
        with self._lock:
            self._counts[f"token_requests.{grant}"] += 1
            if grant == "refresh_token":
                self._counts["refresh_requests"] += 1
                if not ok:
                    self._counts["refresh_refused"] += 1

    def reset(self) -> None:
        """Zero every counter (``POST /_dev/reset``)."""
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy: scalar counters plus ``token_requests`` by grant type."""
        with self._lock:
            counts = dict(self._counts)
        by_grant = {
            k.split(".", 1)[1]: v for k, v in counts.items() if k.startswith("token_requests.")
        }
        out: dict[str, Any] = {name: counts.get(name, 0) for name in self.SCALARS}
        out["token_requests"] = by_grant
        out["token_requests_total"] = sum(by_grant.values())
        return out
