"""The body of one worker process in the cross-process refresh test (started with ``spawn``).

Each process builds its own Flask app, registry and ``RedisCache``; its threads
wait at a start line, then all call the API with copies of the same expired
token.  The outcome of every call goes back to the test through a queue.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RefreshJob:
    """What a worker process needs: where the provider and Redis are, the token, how many threads."""

    metadata_url: str
    api_url: str
    token: dict[str, Any]
    threads: int
    redis_port: int | None = None
    key_prefix: str = ""

    @property
    def update_counter_key(self) -> str:
        return f"{self.key_prefix}update_token_calls"


def run_callers(job: RefreshJob, ready: Any, go: Any, results: Any) -> None:
    """Start ``job.threads`` callers, report ready, wait for ``go``, call, report the outcomes."""
    from cachelib import RedisCache

    from flask_oauth_registry import OAuthError
    from tests.redis_server import HOST, fail_fast_redis_options
    from tests.scaleout.client_app import make_client_app

    cache = counter = None
    if job.redis_port is not None:
        import redis

        cache = RedisCache(host=HOST, port=job.redis_port, key_prefix=job.key_prefix, **fail_fast_redis_options())
        counter = redis.Redis(host=HOST, port=job.redis_port)
    local_updates: list[str] = []

    def update_token(name: str, token: dict, refresh_token: str | None = None, access_token: str | None = None) -> None:
        local_updates.append(token["access_token"])
        if counter is not None:
            counter.incr(job.update_counter_key)

    _, oauth = make_client_app(cache, update_token=update_token, server_metadata_url=job.metadata_url)
    client = oauth.create_client("dev")
    client.load_server_metadata()  # type: ignore[union-attr]  # the race under test is the refresh, not discovery
    start_line = threading.Barrier(job.threads + 1)
    outcomes: list[tuple[str, Any, str | None]] = []

    def call() -> None:
        mine = dict(job.token)
        start_line.wait()
        go.wait(60)
        try:
            response = client.get(job.api_url, token=mine)  # type: ignore[union-attr]
            outcomes.append(("ok", response.status_code, mine["access_token"]))
        except OAuthError as exc:
            outcomes.append(("error", exc.error, None))
        except Exception as exc:  # anything else is a library bug: report it, do not hang the test
            outcomes.append(("crash", repr(exc), None))

    threads = [threading.Thread(target=call) for _ in range(job.threads)]
    for thread in threads:
        thread.start()
    start_line.wait()
    ready.put(os.getpid())
    for thread in threads:
        thread.join(60)
    results.put({"pid": os.getpid(), "outcomes": outcomes, "updates": local_updates})
