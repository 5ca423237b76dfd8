"""``python -m benchmarks --quick`` runs end to end and reports every row for our implementation.

A smoke test, not a timed one: it checks that the report is complete, never how fast anything was.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.scenarios import SCENARIOS
from benchmarks.storages import BACKENDS
from benchmarks.views import AUTHORIZED_SESSION_ROW, required_row

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout, json.loads(out.read_text())


def test_quick_run_prints_a_throughput_row_for_ours_in_every_scenario(quick_run: tuple[str, dict]) -> None:
    stdout, _ = quick_run
    rows = {line[:22].strip() for line in stdout.splitlines() if line[23:31].strip() == "ours"}
    assert {scenario.name for scenario in SCENARIOS} <= rows
    assert {"memory", "connections", "login costs"} <= rows


def test_quick_run_measures_ours_everywhere(quick_run: tuple[str, dict]) -> None:
    _, results = quick_run
    assert "ours" in results["names"] and "floor" in results["names"]
    for scenario in SCENARIOS:
        assert results["throughput"][scenario.name]["ours"], scenario.name
    assert results["memory"]["ours"]["calls"] > 0
    assert len(results["api_accounts"]["ours"]) == 4
    assert set(results["logins"]["ours"]) == {"metadata_fetches", "jwks_fetches", "jwks_parses", "connections"}


def test_quick_run_reports_provider_capacity_and_skips_targets(quick_run: tuple[str, dict]) -> None:
    stdout, _ = quick_run
    assert "provider capacity" in stdout
    assert "targets: not checked (--quick)" in stdout


def test_quick_run_measures_required_on_every_storage_it_can_start_and_says_why_it_skips_the_others(
    quick_run: tuple[str, dict],
) -> None:
    stdout, results = quick_run
    lines = stdout.splitlines()
    for backend in BACKENDS:
        row = required_row(backend)
        if row in results["skipped"]:
            assert results["skipped"][row], row
            assert any(line.startswith(row) and "skipped: " in line for line in lines), row
            continue
        assert {"ours", "floor"} <= set(results["throughput"][row]), row
        impls = {line[23:31].strip() for line in lines if line[:22].strip() == row}
        assert impls == {"ours", "bare"}, row
        assert any(line.split()[2:3] == [backend] for line in lines if line.startswith("required cost")), row
        assert results["storage_read_us"][backend] > 0, row
    # The ones that need no server always run.
    assert not {required_row("session"), required_row("simplecache")} & set(results["skipped"])


def test_quick_run_measures_authorized_session_against_the_bare_requests_session(quick_run: tuple[str, dict]) -> None:
    stdout, results = quick_run
    assert {"ours", "floor"} <= set(results["throughput"][AUTHORIZED_SESSION_ROW])
    impls = {line[23:31].strip() for line in stdout.splitlines() if line[:22].strip() == AUTHORIZED_SESSION_ROW}
    assert impls == {"ours", "floor"}
