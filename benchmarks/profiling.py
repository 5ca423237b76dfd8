"""``python -m benchmarks.profiling SCENARIO``: cProfile one implementation's hot path against the provider.

Prints the functions that cost most (own time by default), after a warm-up, so
the profile shows the steady state the benchmark measures.  ``required`` profiles
the view behind ``@oauth.prov.required`` on one storage (``--storage``; ``--bare``
for the same view without it); ``authorized_session`` the API call through
``oauth.prov.authorized_session()``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from collections.abc import Callable
from pathlib import Path

from .implementations import Implementation, available_names, build
from .protocol import Endpoints
from .scenarios import Browser
from .server import ProviderProcess
from .storages import BACKENDS, open_storage
from .tls import make_self_signed
from .views import AuthorizedSessionUser, ViewApp

CHOICES = ("redirect", "callback", "api_http", "api_https", "required", "authorized_session")


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


def profile_views(args: argparse.Namespace, endpoints: Endpoints, tmp: Path) -> cProfile.Profile:
    """Profile ``required`` (or the bare view) on ``args.storage``, or ``authorized_session``."""
    profiler = cProfile.Profile()
    storage_name = "session" if args.scenario == "authorized_session" else args.storage
    with open_storage(storage_name, tmp) as storage:
        view_app = ViewApp(endpoints, storage, storage_name)
        if args.scenario == "authorized_session":
            with AuthorizedSessionUser(view_app).api_client(tls=False) as call:
                _run(call, args.ops, profiler)
        else:
            _run(view_app.bare if args.bare else view_app.guarded, args.ops, profiler)
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
    parser.add_argument("--storage", default="session", choices=BACKENDS, help="the storage of required")
    parser.add_argument("--bare", action="store_true", help="required: profile the view without the decorator")
    parser.add_argument("--ops", type=int, default=2000, help="operations profiled (default 2000)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative, ...)")
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oauth-bench-") as tmp:
        cert_path, key_path = make_self_signed(Path(tmp))
        with ProviderProcess(cert_path, key_path) as provider:
            assert provider.endpoints is not None
            if args.scenario in ("required", "authorized_session"):
                profiler = profile_views(args, provider.endpoints, Path(tmp))
            else:
                profiler = profile(build(args.impl, provider.endpoints), args.scenario, args.ops)
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    what = f"{'bare view' if args.bare else 'required'} on {args.storage}" if args.scenario == "required" else (
        f"{args.impl} {args.scenario}")
    print(f"{what}: {args.ops} operations")
    stats.print_stats(args.limit)


if __name__ == "__main__":
    main()
