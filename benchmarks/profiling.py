"""``python -m benchmarks.profiling SCENARIO``: cProfile one implementation's hot path against the provider.

Prints the functions that cost most (own time by default), after a warm-up, so
the profile shows the steady state the benchmark measures.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from collections.abc import Callable
from pathlib import Path

from .implementations import Implementation, available_names, build
from .scenarios import Browser
from .server import ProviderProcess
from .tls import make_self_signed

CHOICES = ("redirect", "callback", "api_http", "api_https")


def profile(impl: Implementation, scenario: str, operations: int) -> cProfile.Profile:
    """Warm up, then profile ``operations`` runs of ``scenario``."""
    profiler = cProfile.Profile()
    if scenario.startswith("api"):
        with impl.api_client(tls=scenario == "api_https") as call:
            _run(call, operations, profiler)
    else:
        browser = Browser(impl.app)
        _run(browser.redirect if scenario == "redirect" else browser.login, operations, profiler)
    return profiler


def _run(operation: Callable[[], object], operations: int, profiler: cProfile.Profile) -> None:
    for _ in range(max(10, operations // 10)):
        operation()
    profiler.enable()
    for _ in range(operations):
        operation()
    profiler.disable()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=CHOICES)
    parser.add_argument("--impl", default="ours", choices=available_names())
    parser.add_argument("--ops", type=int, default=2000, help="operations profiled (default 2000)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative, ...)")
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oauth-bench-") as tmp:
        cert_path, key_path = make_self_signed(Path(tmp))
        with ProviderProcess(cert_path, key_path) as provider:
            assert provider.endpoints is not None
            profiler = profile(build(args.impl, provider.endpoints), args.scenario, args.ops)
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    print(f"{args.impl} {args.scenario}: {args.ops} operations")
    stats.print_stats(args.limit)


if __name__ == "__main__":
    main()
