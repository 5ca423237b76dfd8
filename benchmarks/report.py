"""The printed report: throughput table with ratios, memory and connection tables, and the targets."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from .accounting import ApiAccount, LoginAccount
from .implementations import REFERENCE
from .memory import MemoryReport
from .scenarios import Measurement
from .sender_constrained import DPOP_ROW, REFERENCE_LABELS
from .storages import BACKENDS, REQUIRED_TARGET_BACKENDS
from .views import AUTHORIZED_SESSION_ROW, required_row

API_RATIO_TARGET = 0.95
#: An API call with a DPoP proof against the same call with Bearer (issue 16: one ES256 signature per call).
DPOP_RATIO_TARGET = 0.5
LOGIN_RATIO_TARGET = 0.90
REQUIRED_RATIO_TARGET = 0.90
ALLOC_TARGET_KIB = 20.0
OURS = "ours"
#: The required rows' reference is the same view without the decorator.
REQUIRED_ROWS = {required_row(backend): backend for backend in BACKENDS}


@dataclass
class Results:
    """Everything one run measured, keyed by scenario and implementation name."""

    names: list[str]
    capacity: dict[str, float] = field(default_factory=dict)
    throughput: dict[str, dict[str, list[Measurement]]] = field(default_factory=dict)
    memory: dict[str, MemoryReport] = field(default_factory=dict)
    api_accounts: dict[str, list[ApiAccount]] = field(default_factory=dict)
    logins: dict[str, LoginAccount] = field(default_factory=dict)
    #: Share of one core the provider used while a scenario ran (all implementations).
    provider_busy: dict[str, float] = field(default_factory=dict)
    #: Rows that could not run here, with the reason (e.g. no redis-server).
    skipped: dict[str, str] = field(default_factory=dict)
    #: Microseconds of one storage.get of the user's token, per storage backend.
    storage_read_us: dict[str, float] = field(default_factory=dict)

    def median(self, scenario: str, name: str) -> float:
        return statistics.median(m.rate for m in self.throughput[scenario][name])

    def cpu(self, scenario: str, name: str) -> float:
        return statistics.median(m.cpu_us for m in self.throughput[scenario][name])

    def ratio(self, scenario: str, name: str, reference: str, cpu: bool = False) -> float | None:
        """Median over rounds of ``name``'s speed relative to ``reference``'s in the same round.

        Both ran seconds apart, so a slow spell of the machine cancels out of each
        round's ratio; the median then drops the rounds it did not.  ``cpu`` compares
        CPU time per operation instead (reference / name, so above 1 is still faster).
        """
        samples = self.throughput[scenario]
        if name not in samples or reference not in samples:
            return None
        pairs = zip(samples[name], samples[reference], strict=True)
        if cpu:
            return statistics.median(b.cpu_us / a.cpu_us for a, b in pairs if a.cpu_us)
        return statistics.median(a.rate / b.rate for a, b in pairs if b.rate)


@dataclass(frozen=True)
class Target:
    """One pass/fail line: what was measured against what was asked."""

    label: str
    passed: bool
    detail: str
    #: The row could not run here (it does not fail the run, but the report says so).
    skipped: bool = False


def ratio_target(scenario: str) -> float | None:
    """The least ``ours`` / reference ratio the issue asks of ``scenario``; ``None``: reported, no target."""
    if scenario == DPOP_ROW:
        return DPOP_RATIO_TARGET
    if scenario.startswith("api_call") or scenario == AUTHORIZED_SESSION_ROW:
        return API_RATIO_TARGET
    if scenario in ("redirect", "callback"):
        return LOGIN_RATIO_TARGET
    if REQUIRED_ROWS.get(scenario) in REQUIRED_TARGET_BACKENDS:
        return REQUIRED_RATIO_TARGET
    return None


def _ratio(value: float | None) -> str:
    return f"{value:5.2f}x" if value is not None else ""


def throughput_table(results: Results) -> list[str]:
    """Median rate, spread ((max - min) / median over rounds), CPU per operation and per-round ratios."""
    lines = [f"{'scenario':<22} {'impl':<8} {'ops/s':>9} {'spread':>7} {'vs floor':>9} {'vs authlib':>11} "
             f"{'CPU us/op':>10} {'CPU vs floor':>13}"]
    for scenario, samples in results.throughput.items():
        for name in results.names:
            if name not in samples:
                continue
            median = results.median(scenario, name)
            rates = [m.rate for m in samples[name]]
            spread = (max(rates) - min(rates)) / median if median else 0.0
            versus_authlib = results.ratio(scenario, name, "authlib") if name == OURS else None
            cpu_ratio = results.ratio(scenario, name, REFERENCE, cpu=True)
            shown = "bare" if scenario in REQUIRED_ROWS and name == REFERENCE else name
            shown = REFERENCE_LABELS.get(scenario, shown) if name == REFERENCE else shown
            lines.append(
                f"{scenario:<22} {shown:<8} {median:>9,.0f} {spread:>6.0%} "
                f"{_ratio(results.ratio(scenario, name, REFERENCE)):>9} {_ratio(versus_authlib):>11} "
                f"{results.cpu(scenario, name):>10,.0f} {_ratio(cpu_ratio):>13}"
            )
    for scenario, reason in results.skipped.items():
        lines.append(f"{scenario:<22} skipped: {reason}")
    if results.provider_busy:
        lines.append("provider CPU while measuring (share of one core): " + ", ".join(
            f"{scenario} {busy:.0%}" for scenario, busy in results.provider_busy.items()))
    return lines


def required_cost_table(results: Results) -> list[str]:
    """Per request (wall clock): the bare view, the view behind ``required``, the difference, one storage read alone."""
    lines = [f"{'required, per request':<22} {'storage':<12} {'bare us':>8} {'required us':>12} {'added us':>9} "
             f"{'read us':>8}"]
    for scenario, backend in REQUIRED_ROWS.items():
        if scenario not in results.throughput:
            continue
        samples = results.throughput[scenario]
        bare = 1e6 / results.median(scenario, REFERENCE)
        guarded = 1e6 / results.median(scenario, OURS)
        # Same-round differences, as the ratios: a slow spell of the machine hits both sides.
        pairs = zip(samples[OURS], samples[REFERENCE], strict=True)
        added = statistics.median(1e6 / a.rate - 1e6 / b.rate for a, b in pairs)
        read = results.storage_read_us.get(backend)
        lines.append(f"{'required cost':<22} {backend:<12} {bare:>8,.0f} {guarded:>12,.0f} {added:>9,.0f} "
                     f"{read if read is not None else float('nan'):>8,.1f}")
    return lines


def memory_table(results: Results) -> list[str]:
    lines = [f"{'memory':<22} {'impl':<8} {'peak RSS MiB':>12} {'alloc/call KiB median':>22} {'max':>7} "
             f"{'retained B/call':>16}"]
    for name in results.names:
        if name in results.memory:
            m = results.memory[name]
            lines.append(f"{'memory':<22} {name:<8} {m.peak_rss_mib:>12.1f} {m.alloc_peak_median_kib:>22.1f} "
                         f"{m.alloc_peak_max_kib:>7.1f} {m.retained_bytes_per_call:>16.1f}")
    return lines


def connection_tables(results: Results) -> list[str]:
    labels = [a.label for a in next(iter(results.api_accounts.values()), [])]
    lines = [f"{'new conns per call':<22} {'impl':<8} " + " ".join(f"{label[9:]:>10}" for label in labels)]
    for name in results.names:
        if name in results.api_accounts:
            cells = " ".join(f"{a.connections_per_call:>10.3f}" for a in results.api_accounts[name])
            lines.append(f"{'connections':<22} {name:<8} {cells}")
    lines += ["", f"{'per login':<22} {'impl':<8} {'metadata':>9} {'JWKS':>6} {'JWKS parses':>12} {'new conns':>10}"]
    for name in results.names:
        if name in results.logins:
            c = results.logins[name]
            lines.append(f"{'login costs':<22} {name:<8} {c.metadata_fetches:>9.2f} {c.jwks_fetches:>6.2f} "
                         f"{c.jwks_parses:>12.2f} {c.connections:>10.2f}")
    return lines


def targets(results: Results) -> list[Target]:
    """The issue's targets for our implementation."""
    found: list[Target] = []
    for scenario in [*results.throughput, *results.skipped]:
        minimum = ratio_target(scenario)
        if minimum is None:
            continue
        reference = "bare view" if scenario in REQUIRED_ROWS else REFERENCE_LABELS.get(scenario, "floor")
        label = f"{scenario} >= {minimum:.2f}x {reference}"
        if scenario in results.skipped:
            found.append(Target(label, True, f"skipped: {results.skipped[scenario]}", skipped=True))
            continue
        ratio = results.ratio(scenario, OURS, REFERENCE) or 0.0
        found.append(Target(label, ratio >= minimum, f"{ratio:.2f}x"))
    if OURS in results.memory:
        worst = results.memory[OURS].alloc_peak_max_kib
        found.append(Target(f"peak allocation per API call <= {ALLOC_TARGET_KIB:.0f} KiB (max of "
                            f"{results.memory[OURS].calls} calls)", worst <= ALLOC_TARGET_KIB, f"{worst:.1f} KiB"))
    for account in results.api_accounts.get(OURS, []):
        found.append(Target(f"0 new connections per {account.label} after warm-up",
                            account.connections_per_call == 0, f"{account.connections_per_call:.3f}"))
    if OURS in results.logins:
        c = results.logins[OURS]
        worst_fetch = max(c.metadata_fetches, c.jwks_fetches, c.jwks_parses)
        found.append(Target("no metadata/JWKS fetch and no JWKS parse per login after warm-up", worst_fetch == 0,
                            f"metadata {c.metadata_fetches:.2f}, JWKS {c.jwks_fetches:.2f}, "
                            f"parses {c.jwks_parses:.2f}"))
    return found


def render(results: Results, header: list[str], check_targets: bool, emit: Callable[[str], None] = print) -> bool:
    """Print the report; return whether every target passed (True when targets are not checked)."""
    for block in (header, [""], throughput_table(results), [""], required_cost_table(results), [""],
                  memory_table(results), [""], connection_tables(results)):
        for line in block:
            emit(line)
    if not check_targets:
        emit("\ntargets: not checked (--quick)")
        return True
    emit("\ntargets (ours):")
    checked = targets(results)
    for target in checked:
        status = "SKIP" if target.skipped else "PASS" if target.passed else "FAIL"
        emit(f"  [{status}] {target.label}: {target.detail}")
    return all(t.passed for t in checked)
