"""The timed loops: logins through Flask's test client, and API calls from one or many threads.

Each function runs one batch for about ``duration`` seconds and returns a
:class:`Measurement` (operations per second, CPU per operation).  :func:`interleave`
runs batches of every contender (an implementation, or a view with and without
``required``) in turn, rotating the order, so that machine noise hits them all alike.
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

from flask import Flask

from .implementations import ApiCall, Implementation
from .protocol import SUBJECT, encode_code


class ApiClient(Protocol):
    """What the API loop needs: an implementation, or the user of ``authorized_session``."""

    def api_client(self, tls: bool) -> AbstractContextManager[ApiCall]: ...


class LoginFailed(AssertionError):
    """A login did not end with the user's ``sub``: the benchmark would measure an error path."""


class Browser:
    """A fresh browser per login: no cookie but the one the redirect set; the provider step is faked."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client(use_cookies=False)

    def redirect(self) -> tuple[str, str]:
        """GET /login; return the authorization URL and the session cookie."""
        response = self.client.get("/login")
        if response.status_code != 302:
            raise LoginFailed(f"/login answered {response.status_code}")
        return response.headers["Location"], response.headers["Set-Cookie"].split(";", 1)[0]

    def login(self) -> None:
        """A whole login: /login, the provider's answer (code carries nonce and challenge), /callback."""
        location, cookie = self.redirect()
        params = dict(parse_qsl(urlsplit(location).query))
        code = encode_code(params["nonce"], params["code_challenge"])
        response = self.client.get(
            "/callback", query_string={"code": code, "state": params["state"]}, headers={"Cookie": cookie}
        )
        if response.status_code != 200 or response.get_data() != SUBJECT.encode():
            raise LoginFailed(f"/callback answered {response.status_code}: {response.get_data()[:200]!r}")


@dataclass(frozen=True)
class Measurement:
    """One batch: wall-clock rate, and this process's CPU time per operation (all its threads).

    CPU time leaves out the provider process and, mostly, other programs on the
    machine: on a noisy machine it is the steadier of the two.
    """

    rate: float
    cpu_us: float


def _loop(operation: Callable[[], object], duration: float) -> tuple[int, float]:
    """Run ``operation`` for about ``duration`` seconds; return (operations, seconds)."""
    done = 0
    start = time.perf_counter()
    deadline = start + duration
    while True:
        operation()
        done += 1
        now = time.perf_counter()
        if now >= deadline:
            return done, now - start


def operations_per_second(operation: Callable[[], object], duration: float) -> Measurement:
    """Run ``operation`` for about ``duration`` seconds."""
    gc.collect()
    cpu = time.process_time()
    done, elapsed = _loop(operation, duration)
    return Measurement(done / elapsed, (time.process_time() - cpu) / done * 1e6)


def redirects_per_second(impl: Implementation, duration: float) -> Measurement:
    return operations_per_second(Browser(impl.app).redirect, duration)


def logins_per_second(impl: Implementation, duration: float) -> Measurement:
    return operations_per_second(Browser(impl.app).login, duration)


def api_calls_per_second(impl: ApiClient, duration: float, tls: bool, threads: int = 1) -> Measurement:
    """API calls per second over ``threads`` threads, each with its own app context and loop."""
    counts: list[tuple[int, float]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads + 1, timeout=60)

    def worker() -> None:
        try:
            with impl.api_client(tls) as call:
                def checked() -> None:
                    if call().status_code != 200:
                        raise AssertionError("the API call did not answer 200")

                checked()
                barrier.wait()
                counts.append(_loop(checked, duration))
        except BaseException as exc:
            barrier.abort()
            errors.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    gc.collect()
    cpu = 0.0
    try:
        barrier.wait()
        cpu = time.process_time()
    except threading.BrokenBarrierError:
        pass  # a worker failed: its error is raised below
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    done = sum(n for n, _ in counts)
    return Measurement(sum(n / elapsed for n, elapsed in counts), (time.process_time() - cpu) / done * 1e6)


@dataclass(frozen=True)
class Scenario:
    """A named measurement that one implementation can run for a duration."""

    name: str
    run: Callable[[Implementation, float], Measurement]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("redirect", redirects_per_second),
    Scenario("callback", logins_per_second),
    Scenario("api_call http", lambda impl, d: api_calls_per_second(impl, d, tls=False)),
    Scenario("api_call https", lambda impl, d: api_calls_per_second(impl, d, tls=True)),
    Scenario("api_call http x8", lambda impl, d: api_calls_per_second(impl, d, tls=False, threads=8)),
    Scenario("api_call https x8", lambda impl, d: api_calls_per_second(impl, d, tls=True, threads=8)),
)


#: Runs one contender for a duration: ``scenario.run`` bound to an implementation, or a view's request.
Runner = Callable[[float], Measurement]


def runners(scenario: Scenario, impls: Mapping[str, Implementation]) -> dict[str, Runner]:
    """``scenario`` bound to each implementation."""
    return {name: functools.partial(scenario.run, impl) for name, impl in impls.items()}


def interleave(contenders: Mapping[str, Runner], repetitions: int, duration: float) -> dict[str, list[Measurement]]:
    """Run ``repetitions`` rounds; each round runs every contender once, in a rotated order."""
    names = list(contenders)
    samples: dict[str, list[Measurement]] = {name: [] for name in names}
    for name in names:  # warm-up: pools, metadata, JWKS, code paths
        contenders[name](min(duration, 0.05))
    for round_ in range(repetitions):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(contenders[name](duration))
    return samples
