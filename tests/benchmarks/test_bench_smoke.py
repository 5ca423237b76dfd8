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
    rows = {line[:20].strip() for line in stdout.splitlines() if line[21:29].strip() == "ours"}
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
