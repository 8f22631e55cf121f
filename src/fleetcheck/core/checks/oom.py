"""OOM kills: the kernel killed a process because memory ran out (Linux mm/oom_kill.c, proc(5) vmstat).

Matches both the old "Kill process N (name) score" and the new "Killed
process N (name) total-vm..." formats, global and cgroup OOM. Each kill is
one event (fingerprint timestamp|message); any kill in the window is WARN
by default (oom.kills levels).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from fleetcheck.core.checks import EvidenceArg, judged, levels_param, msg
from fleetcheck.core.checks.crash_events import CrashEvent, in_window, judge_events
from fleetcheck.core.checks.journal import LogEntry
from fleetcheck.core.family import LINUX_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "oom.kills"
OOM_KILL = re.compile(
    r"(?:Out of memory|Memory cgroup out of memory)[^:]*:\s+Kill(?:ed)?\s+process\s+(\d+)\s+\(([^)]+)\)")


def oom_events(entries: Sequence[LogEntry]) -> list[CrashEvent]:
    out = []
    for e in entries:
        m = OOM_KILL.search(e.message)
        if m:
            out.append(CrashEvent.of(e.time, e.message, f"oom:{m.group(2)}"))
    return out


def is_oom_line(message: str) -> bool:
    return OOM_KILL.search(message) is not None


def check_oom(entries: Sequence[LogEntry], since: datetime, until: datetime, thresholds: Thresholds,
              evidence: EvidenceArg, counter_since_boot: int | None = None,
              coverage: str = "") -> list[CheckResult]:
    """`oom.kills` from kernel log entries; `counter_since_boot` is /proc/vmstat oom_kill."""
    events = in_window(oom_events(entries), since, until)
    extra = []
    if events:
        victims = sorted({ev.category.removeprefix("oom:") for ev in events})
        extra.append("killed: " + ", ".join(victims))
    if counter_since_boot is not None:
        extra.append(f"/proc/vmstat oom_kill = {counter_since_boot} since the current boot")
    if coverage:
        extra.append(coverage)
    return [judge_events(CHECK_ID, events, "oom.kills", thresholds, "OOM kill", since, until, evidence,
                         extra_details="\n".join(extra))]


def check_oom_counter(counter: int, boot: datetime, since: datetime, thresholds: Thresholds,
                      evidence: EvidenceArg, log_problem: str) -> CheckResult | None:
    """`oom.kills` from /proc/vmstat's oom_kill (world-readable, counts since boot) when the kernel
    log cannot be read: a full answer when the boot lies inside the window, or when the counter
    is 0 (none since boot is none in the window). Otherwise None: the kills cannot be placed."""
    if boot < since and counter > 0:
        return None
    levels = thresholds.levels("oom.kills")
    state = evaluate(counter, levels.warn, levels.crit)
    summary = msg("oom.counter.none" if counter == 0 else "oom.counter", count=counter,
                  boot=f"{boot:%Y-%m-%d %H:%M}", levels=levels_param(state, levels))
    details = (f"/proc/vmstat oom_kill = {counter} since the current boot; the kernel log, which would name "
               f"the killed processes, was not read: {log_problem}")
    metric = Metric.of("oom_kills", counter, "", levels.warn, levels.crit, 0)
    return judged(CHECK_ID, state, summary, evidence, metrics=(metric,), details=details)


def check_oom_delta(now: int, then: int, then_read: datetime, boot_id: str, thresholds: Thresholds,
                    evidence: EvidenceArg, log_problem: str) -> CheckResult:
    """`oom.kills` from two readings of /proc/vmstat's oom_kill in the same boot (same boot id): the
    previous scan's, where the window starts, and this one's. The counter only grows within a boot."""
    count = now - then
    levels = thresholds.levels("oom.kills")
    state = evaluate(count, levels.warn, levels.crit)
    summary = msg("oom.delta.none" if count == 0 else "oom.delta", count=count,
                  then=f"{then_read:%Y-%m-%d %H:%M}", levels=levels_param(state, levels))
    details = (f"/proc/vmstat oom_kill = {now} now, {then} at the previous scan "
               f"({then_read:%Y-%m-%d %H:%M:%S} UTC), same boot id {boot_id}: {count} since then; "
               f"the kernel log, which would name the "
               f"killed processes, was not read: {log_problem}")
    metric = Metric.of("oom_kills", count, "", levels.warn, levels.crit, 0)
    return judged(CHECK_ID, state, summary, evidence, metrics=(metric,), details=details)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("oom.kills", "Out-of-memory kills", "Speichermangel-Abbrüche (OOM)", Category.CRASH, LINUX_KINDS,
           thresholds={"oom.kills": levels("0", None)}),
)
