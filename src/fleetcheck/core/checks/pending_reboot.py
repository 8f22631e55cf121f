"""A reboot the system is waiting for (health.md §6.1 L8).

Debian/Ubuntu: /run/reboot-required (its mtime = since when; .pkgs lists
why). RHEL family: `needs-restarting -r` exits 1 when a reboot is needed.
Pending longer than `reboot.pending_days` is WARN; freshly pending is OK
with the fact stated. With neither mechanism the answer is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fleetcheck.core.checks import EvidenceArg, human_duration, judged, levels_note
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "reboot.pending"


@dataclass(frozen=True, slots=True)
class PendingReboot:
    required: bool | None  # None: could not tell
    since: datetime | None = None  # when it became pending, if known
    packages: tuple[str, ...] = ()
    source: str = ""  # which mechanism answered


def check_pending_reboot(pending: PendingReboot, now: datetime, thresholds: Thresholds,
                         evidence: EvidenceArg) -> list[CheckResult]:
    if pending.required is None:
        return [judged(CHECK_ID, State.UNKNOWN, "pending reboot not checked: no way to tell on this host",
                       evidence, reason="neither /run/reboot-required (Debian) nor needs-restarting (RHEL)",
                       fix="install dnf-utils/yum-utils (needs-restarting) on RHEL-family hosts")]
    if not pending.required:
        return [judged(CHECK_ID, State.OK, f"no reboot pending ({pending.source})", evidence)]
    pkgs = f" for {', '.join(pending.packages[:5])}" if pending.packages else ""
    if pending.since is None:
        return [judged(CHECK_ID, State.WARN, f"reboot pending{pkgs} ({pending.source}, since unknown)",
                       evidence, details="\n".join(pending.packages))]
    days = max(0.0, (now - pending.since).total_seconds() / 86400)
    levels = thresholds.levels("reboot.pending_days")
    state = evaluate(days, levels.warn, levels.crit)
    summary = (f"reboot pending{pkgs} for {human_duration(days * 86400)} ({pending.source}) "
               f"{levels_note(state, levels)} days")
    return [judged(CHECK_ID, state, summary, evidence, details="\n".join(pending.packages),
                   metrics=(Metric.of("pending_days", round(days, 2), "d", levels.warn, levels.crit, 0),))]


def packages_from(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({line.removeprefix("pkg=").strip() for line in lines if line.startswith("pkg=")}))
