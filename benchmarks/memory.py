"""Memory of one implementation, measured in a child process that loads only that implementation.

Peak RSS is read after a few logins and ``calls`` API calls (before tracemalloc
starts: its own bookkeeping would inflate it); then each of ``calls`` more API
calls is traced on its own: its peak allocation above what was live before it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

from .implementations import build
from .protocol import Endpoints
from .scenarios import Browser


def peak_rss_kib() -> float:
    """This process's peak RSS in KiB.

    ``VmHWM`` rather than ``getrusage``: on Linux ``ru_maxrss`` survives ``exec``, so
    a child would report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


@dataclass(frozen=True)
class MemoryReport:
    """Peak RSS of the process, and per-API-call allocation figures from tracemalloc."""

    peak_rss_mib: float
    alloc_peak_median_kib: float
    alloc_peak_max_kib: float
    retained_bytes_per_call: float
    calls: int


def measure_here(name: str, endpoints: Endpoints, calls: int) -> MemoryReport:
    """Run in the child: set up ``name``, log in a few times, then measure API calls."""
    impl = build(name, endpoints)
    browser = Browser(impl.app)
    for _ in range(5):
        browser.login()
    with impl.api_client(tls=False) as call:
        for _ in range(calls):
            call()
        rss_kib = peak_rss_kib()
        tracemalloc.start()
        peaks = []
        first = tracemalloc.get_traced_memory()[0]
        for _ in range(calls):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            response = call()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
            del response
        retained = tracemalloc.get_traced_memory()[0] - first
        tracemalloc.stop()
    return MemoryReport(
        peak_rss_mib=rss_kib / 1024,
        alloc_peak_median_kib=statistics.median(peaks) / 1024,
        alloc_peak_max_kib=max(peaks) / 1024,
        retained_bytes_per_call=retained / calls,
        calls=calls,
    )


def measure(name: str, endpoints: Endpoints, calls: int, timeout: float = 120.0) -> MemoryReport:
    """Measure ``name`` in a fresh child process (so RSS is its own, not the whole run's)."""
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", name, endpoints.to_json(), str(calls)],
        cwd=root, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"memory measurement of {name} failed:\n{completed.stderr[-2000:]}")
    return MemoryReport(**json.loads(completed.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("endpoints", help="Endpoints as JSON")
    parser.add_argument("calls", type=int)
    args = parser.parse_args()
    report = measure_here(args.name, Endpoints.from_json(args.endpoints), args.calls)
    print(json.dumps(asdict(report)))


if __name__ == "__main__":
    main()
