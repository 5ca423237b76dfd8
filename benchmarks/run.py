"""``python -m benchmarks``: start the provider, measure every implementation side by side, print the report."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import accounting, capacity, memory, sender_constrained, views
from .implementations import REFERENCE, authlib_installed, available_names, build
from .report import Results, render
from .scenarios import SCENARIOS, interleave, runners
from .server import ProviderProcess
from .tls import make_self_signed


@dataclass(frozen=True)
class Settings:
    """How long to measure: the full run and ``--quick`` (the smoke test's) differ only here."""

    repetitions: int
    duration: float
    capacity_duration: float
    memory_calls: int
    account_calls: int
    account_logins: int
    storage_reads: int


FULL = Settings(repetitions=15, duration=0.2, capacity_duration=1.0, memory_calls=1000, account_calls=100,
                account_logins=50, storage_reads=2000)
QUICK = Settings(repetitions=1, duration=0.05, capacity_duration=0.1, memory_calls=50, account_calls=8,
                 account_logins=3, storage_reads=50)


def _versions() -> str:
    found = []
    for package in ("flask-oauth-registry", "flask", "requests", "urllib3", "pyjwt", "cryptography", "authlib",
                    "cachelib", "redis", "sqlalchemy", "psycopg"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            continue
    return ", ".join(found)


def _header(settings: Settings) -> list[str]:
    return [
        f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"packages: {_versions()}",
        f"method: {settings.repetitions} interleaved rounds of {settings.duration} s per implementation and scenario; "
        "ops/s and CPU us/op (this process, all threads) are medians, ratios medians of same-round ratios",
    ]


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


def measure(settings: Settings) -> tuple[Results, list[str]]:
    """Run everything against one provider process; return the results and the header lines."""
    header = _header(settings)
    names = available_names()
    if not authlib_installed():
        header.append("authlib not installed (pip install -e '.[bench]' to compare with Authlib's Flask client)")
    results = Results(names=names)
    with tempfile.TemporaryDirectory(prefix="oauth-bench-") as tmp:
        cert_path, key_path = make_self_signed(Path(tmp))
        with ProviderProcess(cert_path, key_path) as provider:
            assert provider.endpoints is not None
            endpoints = provider.endpoints
            results.capacity = capacity.measure(endpoints, settings.capacity_duration)
            header.append("provider capacity (raw socket client, one connection at a time): " + ", ".join(
                f"{path} {rate:,.0f}/s" for path, rate in results.capacity.items()))
            impls = {name: build(name, endpoints) for name in names}
            for scenario in SCENARIOS:
                _progress(f"measuring {scenario.name} ...")
                before, started = provider.stats(), time.perf_counter()
                results.throughput[scenario.name] = interleave(
                    runners(scenario, impls), settings.repetitions, settings.duration
                )
                spent = provider.stats() - before
                results.provider_busy[scenario.name] = spent.cpu_seconds / (time.perf_counter() - started)
            rows = views.measure(endpoints, impls[REFERENCE], provider, Path(tmp), settings.repetitions,
                                 settings.duration, settings.storage_reads, _progress)
            results.throughput.update(rows.throughput)
            results.provider_busy.update(rows.provider_busy)
            results.skipped, results.storage_read_us = rows.skipped, rows.storage_read_us
            results.throughput.update(sender_constrained.measure(endpoints, settings.repetitions, settings.duration,
                                                                 _progress))
            _progress("counting connections and fetches ...")
            for name, impl in impls.items():
                results.api_accounts[name] = [
                    accounting.api_connections(impl, provider, tls, settings.account_calls, threads)
                    for threads in (1, 8) for tls in (False, True)
                ]
                results.logins[name] = accounting.login_costs(impl, provider, settings.account_logins)
            for name in names:
                _progress(f"measuring memory of {name} ...")
                results.memory[name] = memory.measure(name, endpoints, settings.memory_calls)
            totals = provider.stats()
            header.append("provider connections over the run: " + ", ".join(
                f"{listener} {count}" for listener, count in sorted(totals.connections.items())
            ) + "; by first request: " + ", ".join(
                f"{path} {count}" for path, count in totals.first_path.most_common()
            ))
    return results, header


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few iterations, no targets (the smoke test)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target fails")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    results, header = measure(settings)
    passed = render(results, header, check_targets=not args.quick)
    if args.json:
        args.json.write_text(json.dumps({
            "header": header, "names": results.names, "capacity": results.capacity,
            "throughput": {scenario: {name: [asdict(m) for m in samples] for name, samples in by_name.items()}
                           for scenario, by_name in results.throughput.items()},
            "memory": {k: asdict(v) for k, v in results.memory.items()},
            "api_accounts": {k: [asdict(a) for a in v] for k, v in results.api_accounts.items()},
            "logins": {k: asdict(v) for k, v in results.logins.items()},
            "skipped": results.skipped, "storage_read_us": results.storage_read_us,
        }, indent=2))
    return 1 if args.strict and not passed else 0
