"""Pending reboot: Component Based Servicing, Windows Update, PendingFileRenameOperations.

Windows does not record since when a reboot is pending. It cannot have been
pending longer than the machine has been up (a real reboot clears it; Fast
Startup never resets LastBootUpTime without a real reboot either), so the
time since boot is an upper bound: `reboot.pending_days` is judged on that
bound and the summary says it is one. PendingFileRenameOperations alone is
often left by installers and antivirus; it is reported as the weaker source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fleetcheck.core.checks import judged, levels_param, msg, unknown
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "reboot.pending"


@dataclass(frozen=True)
class PendingFlags:
    """The registry's reboot-pending markers as the probe read them."""

    cbs: bool  # Component Based Servicing\RebootPending
    wu: bool  # WindowsUpdate\Auto Update\RebootRequired
    pfro: int  # PendingFileRenameOperations entries
    pfro_sample: tuple[str, ...] = ()


def check_pending_reboot(flags: PendingFlags, last_boot: datetime | None, observed: datetime,
                         thresholds: Thresholds, evidence: Evidence) -> list[CheckResult]:
    cbs, wu, pfro = flags.cbs, flags.wu, flags.pfro
    sources = [name for name, on in (("Component Based Servicing", cbs), ("Windows Update", wu)) if on]
    if pfro:
        sources.append(f"PendingFileRenameOperations ({pfro} entries)")
    levels = thresholds.levels("reboot.pending_days")
    if not sources:
        return [judged(CHECK_ID, State.OK, msg("win.reboot.none"), evidence,
                       metrics=(Metric.of("reboot_pending", 0, "", min=0, max=1),))]
    if last_boot is None:
        return [unknown(CHECK_ID, msg("win.reboot.unbounded", sources=sources),
                        msg("win.reboot.unbounded.reason", sources=sources), evidence=(evidence,))]
    bound_days = max(0.0, (observed - last_boot).total_seconds() / 86400)
    state = evaluate(bound_days, levels.warn, levels.crit)
    summary = msg("win.reboot.pending", sources=sources, days=bound_days, levels=levels_param(state, levels))
    sample = "; ".join(flags.pfro_sample)
    details = f"sample of PendingFileRenameOperations: {sample}"
    metrics = (Metric.of("reboot_pending", 1, "", min=0, max=1),
               Metric.of("pending_days_max", round(bound_days, 2), "d", levels.warn, levels.crit, 0))
    return [judged(CHECK_ID, state, summary, evidence, metrics=metrics, details=details if pfro else "")]
