"""Boot time and uptime: informational, always OK when read.

Whether the last boot was *expected* is a separate, evidence-based check
(boot.unexpected); a long or short uptime alone is no finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fleetcheck.core.checks import EvidenceArg, judged, msg
from fleetcheck.core.family import COMPUTER_KINDS, Category, Family
from fleetcheck.core.results import CheckResult, Metric, iso
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class BootInfo:
    """When the host booted, as seen at `observed` (both timezone-aware)."""

    boot_time: datetime
    observed: datetime

    @classmethod
    def from_uptime(cls, uptime_seconds: float, observed: datetime) -> BootInfo:
        """From /proc/uptime-style seconds since boot."""
        return cls(observed - timedelta(seconds=uptime_seconds), observed)

    @property
    def uptime_seconds(self) -> float:
        return (self.observed - self.boot_time).total_seconds()


def check_uptime(boot: BootInfo, thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    """`system.uptime`; `thresholds` is unused (kept for a uniform signature)."""
    check_id = "system.uptime"
    seconds = boot.uptime_seconds
    if seconds < 0:
        return [judged(check_id, State.UNKNOWN, msg("system.uptime.future", boot=iso(boot.boot_time)),
                       evidence, reason=msg("system.uptime.future.reason"),
                       fix=msg("system.uptime.future.fix"))]
    boot_utc = boot.boot_time.astimezone(UTC)
    summary = msg("system.uptime", uptime=seconds, booted=f"{boot_utc:%Y-%m-%d %H:%M}")
    metrics = (Metric.of("uptime", round(seconds), "s", min=0),
               Metric.of("boot_time", round(boot.boot_time.timestamp()), "s"))
    return [judged(check_id, State.OK, summary, evidence, metrics=metrics,
                   details=f"boot time {iso(boot.boot_time)}")]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("system.uptime", "Uptime", "Betriebszeit", Category.FAILURE, COMPUTER_KINDS),
)
