"""CPU load: the 15-minute load average per core (Checkmk's measure).

1- and 5-minute averages are reported as metrics only: short spikes are
normal, a machine busy for a quarter of an hour is the finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, judged, levels_param, msg
from fleetcheck.core.family import POSIX_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class LoadAvg:
    """Load averages (/proc/loadavg, os.getloadavg, sysctl vm.loadavg) and logical CPUs."""

    one: float
    five: float
    fifteen: float
    cores: int | None  # logical CPUs; None when it could not be read


def check_load(load: LoadAvg, thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    """`cpu.load`: 15-minute load per core against cpu.load15_per_core."""
    check_id = "cpu.load"
    raw = (Metric.of("load1", load.one, "", min=0), Metric.of("load5", load.five, "", min=0),
           Metric.of("load15", load.fifteen, "", min=0))
    if not load.cores or load.cores < 1:
        return [judged(check_id, State.UNKNOWN, msg("cpu.load.nocores", load15=load.fifteen), evidence,
                       metrics=raw, reason=msg("cpu.load.nocores.reason"))]
    per_core = load.fifteen / load.cores
    levels = thresholds.levels("cpu.load15_per_core")
    state = evaluate(per_core, levels.warn, levels.crit)
    summary = msg("cpu.load", per_core=per_core, load15=load.fifteen, cores=load.cores,
                  levels=levels_param(state, levels))
    metrics = (Metric.of("load15_per_core", round(per_core, 3), "", levels.warn, levels.crit, 0),
               *raw, Metric.of("cores", load.cores, "", min=1))
    details = f"load average 1/5/15 min: {load.one:.2f} {load.five:.2f} {load.fifteen:.2f}"
    return [judged(check_id, state, summary, evidence, metrics=metrics, details=details)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("cpu.load", "Processor load", "Prozessorauslastung", Category.CAPACITY, POSIX_KINDS,
           thresholds={"cpu.load15_per_core": levels("5", "10")}),
)
