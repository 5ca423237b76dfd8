"""Single-flight refresh: one refresh request per expired token, across threads and, with Redis, processes.

The dev provider rotates refresh tokens: a second refresh with the same refresh
token is refused (``refresh_refused``), so a broken single flight shows up as a
refused refresh and callers failing with ``invalid_grant``.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from typing import Any

import pytest

from flask_oauth_registry.devprovider import RunningProvider
from flask_oauth_registry.registry.tokens import SingleFlight, token_fingerprint
from tests.redis_server import RedisServer
from tests.scaleout.client_app import login_across, make_client_app
from tests.scaleout.refresh_worker import RefreshJob, run_callers

PROCESSES = 4
THREADS = 8


def expired_token(provider: RunningProvider) -> dict[str, Any]:
    """A real token of alice's; the provider's 30 s lifetime is inside the client's 60 s leeway."""
    app, _ = make_client_app(server_metadata_url=provider.metadata_url, name="token-source")
    response, _ = login_across(app, app)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def run_worker_processes(jobs: list[RefreshJob], timeout: float = 60) -> list[dict[str, Any]]:
    """Run one spawned process per job; release their threads together; return their reports."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    processes = [context.Process(target=run_callers, args=(job, ready, go, results)) for job in jobs]
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            process.start()
        for _ in processes:
            ready.get(timeout=max(0.1, deadline - time.monotonic()))
        go.set()
        reports = [results.get(timeout=max(0.1, deadline - time.monotonic())) for _ in processes]
        for process in processes:
            process.join(max(0.1, deadline - time.monotonic()))
        return reports
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)


@pytest.mark.slow
def test_four_processes_of_eight_threads_sharing_redis_refresh_once(
    redis_server: RedisServer, key_prefix: str, fresh_provider: RunningProvider
) -> None:
    token = expired_token(fresh_provider)
    job = RefreshJob(
        metadata_url=fresh_provider.metadata_url, api_url=fresh_provider.url_for("/api/me"), token=token,
        threads=THREADS, redis_port=redis_server.port, key_prefix=key_prefix,
    )
    fresh_provider.reset_stats()

    reports = run_worker_processes([job] * PROCESSES)

    outcomes = [outcome for report in reports for outcome in report["outcomes"]]
    assert len({report["pid"] for report in reports}) == PROCESSES
    assert len(outcomes) == PROCESSES * THREADS
    assert {(kind, status) for kind, status, _ in outcomes} == {("ok", 200)}
    new_access_tokens = {access_token for _, _, access_token in outcomes}
    assert len(new_access_tokens) == 1 and token["access_token"] not in new_access_tokens
    stats = fresh_provider.stats()
    assert (stats["refresh_requests"], stats["refresh_refused"]) == (1, 0)
    assert int(redis_server.client().get(job.update_counter_key)) == 1
    assert [update for report in reports for update in report["updates"]] == list(new_access_tokens)


@pytest.mark.slow
def test_without_a_shared_cache_one_process_of_eight_threads_refreshes_once(fresh_provider: RunningProvider) -> None:
    token = expired_token(fresh_provider)
    job = RefreshJob(
        metadata_url=fresh_provider.metadata_url, api_url=fresh_provider.url_for("/api/me"), token=token,
        threads=THREADS,
    )
    fresh_provider.reset_stats()

    (report,) = run_worker_processes([job])

    assert len(report["outcomes"]) == THREADS
    assert {(kind, status) for kind, status, _ in report["outcomes"]} == {("ok", 200)}
    assert len({access_token for _, _, access_token in report["outcomes"]}) == 1
    stats = fresh_provider.stats()
    assert (stats["refresh_requests"], stats["refresh_refused"]) == (1, 0)
    assert len(report["updates"]) == 1


class _OtherProcessFinishesFirst:
    """A cache that lets "another process" publish its refresh and drop its lock just before our ``add``.

    That is the window between reading the (still empty) result and taking the
    lock; a lock winner that does not look again would refresh a second time.
    """

    def __init__(self, cache: Any, result_key: str, result: dict[str, Any]) -> None:
        self.cache, self.result_key, self.result = cache, result_key, result
        self.interfered = False

    def get(self, key: str) -> Any:
        return self.cache.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self.cache.set(key, value, timeout=timeout)

    def delete(self, key: str) -> Any:
        return self.cache.delete(key)

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any:
        if not self.interfered:
            self.interfered = True
            self.cache.set(self.result_key, self.result, timeout=120)
        return self.cache.add(key, value, timeout=timeout)


def test_lock_winner_uses_a_result_published_just_before_it_took_the_lock(
    redis_server: RedisServer, key_prefix: str
) -> None:
    old = {"access_token": "old-at", "refresh_token": "old-rt"}
    theirs = {"access_token": "their-at", "refresh_token": "their-rt"}
    result_key = f"flask-oauth-registry:refresh:dev:{token_fingerprint(old)}:result"
    cache = _OtherProcessFinishesFirst(redis_server.cache(key_prefix), result_key, theirs)
    refreshes: list[int] = []

    new, performed = SingleFlight("dev", cache=cache).run(old, lambda: refreshes.append(1) or {"access_token": "x"})

    assert cache.interfered and refreshes == []
    assert (new, performed) == (theirs, False)
    assert redis_server.client().keys(f"{key_prefix}*:lock") == []  # the lock taken by mistake is released


def test_threads_waiting_for_a_failed_refresh_share_its_error_instead_of_retrying_in_turn() -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def failing_refresh() -> dict[str, Any]:
        calls.append(1)
        started.set()
        release.wait(5)
        raise RuntimeError("token endpoint failed")

    flight = SingleFlight("dev")
    old = {"access_token": "old-at", "refresh_token": "old-rt"}
    errors: queue.Queue[BaseException] = queue.Queue()

    def caller() -> None:
        try:
            flight.run(old, failing_refresh)
        except BaseException as exc:
            errors.put(exc)

    leader = threading.Thread(target=caller)
    leader.start()
    assert started.wait(5)
    followers = [threading.Thread(target=caller) for _ in range(7)]
    for thread in followers:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in [leader, *followers]:
        thread.join(5)
    assert calls == [1]
    assert [str(errors.get_nowait()) for _ in range(8)] == ["token endpoint failed"] * 8
    # A later caller tries again: a failure is shared with waiting callers, not remembered.
    release.set()
    with pytest.raises(RuntimeError):
        flight.run(old, failing_refresh)
    assert calls == [1, 1]
