"""Memory and swap use.

RAM "used" is total minus *available* (MemAvailable: free plus reclaimable
cache), the figure that predicts trouble; counting cache as used would
alarm on every healthy Linux box.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, judged, levels_param, msg
from fleetcheck.core.family import COMPUTER_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class MemInfo:
    """Bytes of RAM and swap (/proc/meminfo, psutil, vm_stat)."""

    total: int
    available: int
    swap_total: int
    swap_free: int


def check_memory(mem: MemInfo, thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    """`mem.used` and `swap.used`."""
    return [_ram(mem, thresholds, evidence), _swap(mem, thresholds, evidence)]


def _ram(mem: MemInfo, thresholds: Thresholds, evidence: EvidenceArg) -> CheckResult:
    check_id = "mem.used"
    if mem.total <= 0:
        return judged(check_id, State.UNKNOWN, msg("mem.used.zero"), evidence,
                      reason=msg("mem.used.zero.reason"))
    used = max(0, mem.total - mem.available)
    pct = 100.0 * used / mem.total
    levels = thresholds.levels("mem.used_pct")
    state = evaluate(pct, levels.warn, levels.crit)
    summary = msg("mem.used", used_pct=pct, used=used, total=mem.total, available=mem.available,
                  levels=levels_param(state, levels))
    metrics = (Metric.of("mem_used_pct", round(pct, 2), "%", levels.warn, levels.crit, 0, 100),
               Metric.of("mem_used", used, "B", min=0, max=mem.total),
               Metric.of("mem_total", mem.total, "B", min=0))
    return judged(check_id, state, summary, evidence, metrics=metrics)


def _swap(mem: MemInfo, thresholds: Thresholds, evidence: EvidenceArg) -> CheckResult:
    check_id = "swap.used"
    if mem.swap_total <= 0:
        # A real answer, not a failure: many servers and VMs run without swap.
        return judged(check_id, State.OK, msg("swap.used.none"), evidence,
                      metrics=(Metric.of("swap_total", 0, "B", min=0),))
    used = max(0, mem.swap_total - mem.swap_free)
    pct = 100.0 * used / mem.swap_total
    levels = thresholds.levels("swap.used_pct")
    state = evaluate(pct, levels.warn, levels.crit)
    summary = msg("swap.used", used_pct=pct, used=used, total=mem.swap_total,
                  levels=levels_param(state, levels))
    metrics = (Metric.of("swap_used_pct", round(pct, 2), "%", levels.warn, levels.crit, 0, 100),
               Metric.of("swap_used", used, "B", min=0, max=mem.swap_total),
               Metric.of("swap_total", mem.swap_total, "B", min=0))
    return judged(check_id, state, summary, evidence, metrics=metrics)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("mem.used", "Memory usage", "Arbeitsspeicher-Belegung", Category.CAPACITY, COMPUTER_KINDS,
           thresholds={"mem.used_pct": levels("80", "90")}),
    Family("swap.used", "Swap usage", "Auslagerungsspeicher-Belegung", Category.CAPACITY, COMPUTER_KINDS,
           thresholds={"swap.used_pct": levels("80", "90")}),
)
