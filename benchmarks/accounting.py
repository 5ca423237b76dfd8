"""Counting what each operation costs the provider: new connections, metadata and JWKS fetches, JWKS parses.

Counts come from the provider process (see ``server``) and are taken after a
warm-up, so they show the steady state a long-running app lives in.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .implementations import Implementation
from .scenarios import Browser
from .server import ProviderProcess

METADATA_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks"


@dataclass(frozen=True)
class ApiAccount:
    """New connections per API call after warm-up, for one setting (scheme and threads)."""

    label: str
    connections_per_call: float


@dataclass(frozen=True)
class LoginAccount:
    """Per login after warm-up: provider documents fetched, key sets parsed, new connections."""

    metadata_fetches: float
    jwks_fetches: float
    jwks_parses: float
    connections: float


def api_connections(
    impl: Implementation, provider: ProviderProcess, tls: bool, calls: int, threads: int = 1
) -> ApiAccount:
    """New connections per call over ``calls`` calls per thread, after ``calls // 4`` warm-up calls."""
    barrier = threading.Barrier(threads + 1, timeout=120)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with impl.api_client(tls) as call:
                for _ in range(max(1, calls // 4)):
                    call()
                barrier.wait()  # everyone warmed up: the main thread takes the "before" snapshot
                barrier.wait()
                for _ in range(calls):
                    call()
        except BaseException as exc:
            barrier.abort()
            errors.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start = None
    try:
        barrier.wait()
        start = provider.stats()
        barrier.wait()
    except threading.BrokenBarrierError:
        pass  # a worker failed: its error is raised below
    for thread in pool:
        thread.join()
    if errors or start is None:
        raise errors[0] if errors else RuntimeError("API workers did not start in time")
    delta = provider.stats() - start
    label = f"api_call {'https' if tls else 'http'}" + (f" x{threads}" if threads > 1 else "")
    return ApiAccount(label, delta.total_connections / (calls * threads))


def login_costs(impl: Implementation, provider: ProviderProcess, logins: int) -> LoginAccount:
    """What ``logins`` logins after three warm-up logins cost, per login."""
    browser = Browser(impl.app)
    for _ in range(3):
        browser.login()
    start = provider.stats()
    with impl.jwks_parses() as parses:
        for _ in range(logins):
            browser.login()
    delta = provider.stats() - start
    return LoginAccount(
        metadata_fetches=delta.requests[METADATA_PATH] / logins,
        jwks_fetches=delta.requests[JWKS_PATH] / logins,
        jwks_parses=parses.count / logins,
        connections=delta.total_connections / logins,
    )
