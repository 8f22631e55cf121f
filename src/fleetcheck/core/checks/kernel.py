"""Kernel oopses, panics, lockups, hardware (MCE/EDAC) and storage errors (journalctl(1) -k, dmesg(1)).

Each kernel log line is classified; OOM-killer lines belong to oom.kills and
are left out. Panic/oops/lockup/hardware/read-only-remount lines are CRIT
whatever the levels say; other err-level lines and storage errors count
against `kernel.errors` (WARN on any by default). Known-harmless lines (VM
and firmware noise, after Linuxfabrik's ignore list) are skipped. Only the
headline line of a multi-line report counts ("Call Trace:" does not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from fleetcheck.core.checks import EvidenceArg, msg, resummarised
from fleetcheck.core.checks.crash_events import CrashEvent, in_window, judge_events
from fleetcheck.core.checks.journal import LogEntry
from fleetcheck.core.checks.oom import is_oom_line
from fleetcheck.core.family import POSIX_KINDS, Category, Family, levels
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "kernel.errors"
_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("panic", re.compile(r"Kernel panic|\bBUG:|\bOops\b|general protection fault|kernel BUG at")),
    ("lockup", re.compile(r"soft lockup|hard LOCKUP|blocked for more than \d+ seconds|rcu_\w+ detected"
                          r"( expedited)? stalls?")),
    ("hardware", re.compile(r"mce: \[Hardware Error\]|Machine check|EDAC .*\b(CE|UE)\b|Hardware Error"
                            r"|Core temperature above threshold|Package temperature above threshold")),
    ("filesystem", re.compile(r"Remounting filesystem read-only|EXT4-fs error|XFS .*(Corruption|Shutting down"
                              r" filesystem)|BTRFS (error|critical)")),
    ("storage", re.compile(r"I/O error|blk_update_request|nvme.*(timeout|reset)|ata\d+.*(exception|failed)")),
)
SEVERE = frozenset({"panic", "lockup", "hardware", "filesystem"})
_IGNORE = re.compile(
    r"i8042: No controller found|ERST: Failed to get Error Log Address Range|unchecked MSR access"
    r"|ACPI (BIOS )?Error \(bug\)|SMBus base address uninitialized|software IO TLB|clocksource.*unstable"
    r"|RETBleed|Spectre|MDS CPU bug|MMIO Stale Data|TAA CPU bug|GDS|SRSO|x86/cpu: VMX \(outside TXT\)")


def classify(entry: LogEntry) -> str | None:
    """The class of a kernel log line, or None when it is not a finding."""
    msg = entry.message
    if _IGNORE.search(msg) or is_oom_line(msg):
        return None
    for name, pattern in _CLASSES:
        if pattern.search(msg):
            return name
    if entry.priority is not None and entry.priority <= 3:
        return "error"
    return None


def kernel_events(entries: Sequence[LogEntry]) -> list[CrashEvent]:
    """One event per report: finding lines within 2 s of a report's first line belong to it
    (an oops prints "BUG: ...", "#PF: ..." and "Oops: ..." together; an MCE several lines).
    The report keeps its first line and the most severe class among its lines."""
    out: list[CrashEvent] = []
    first: LogEntry | None = None
    for e in entries:
        cls = classify(e)
        if cls is None:
            continue
        if first is not None and out and abs((e.time - first.time).total_seconds()) <= 2:
            if cls in SEVERE and out[-1].category not in SEVERE:
                out[-1] = CrashEvent.of(first.time, f"{cls}: {first.message}", cls)
            continue
        first = e
        out.append(CrashEvent.of(e.time, f"{cls}: {e.message}", cls))
    return out


def check_kernel(entries: Sequence[LogEntry], since: datetime, until: datetime, thresholds: Thresholds,
                 evidence: EvidenceArg, coverage: str = "",
                 hardware_corrupted_kb: int | None = None, scope: str = "") -> list[CheckResult]:
    """`kernel.errors`; `hardware_corrupted_kb` is /proc/meminfo HardwareCorrupted (> 0 = bad RAM).

    `coverage` explains in the details what the log covered; `scope` says it in the summary of
    a clean result (e.g. "dmesg: current boot only"), so no one reads it as a 7-day all-clear.
    """
    events = in_window(kernel_events(entries), since, until)
    severe = sorted({ev.category for ev in events if ev.category in SEVERE})
    extra = []
    if severe:
        extra.append("severe classes: " + ", ".join(severe))
    if hardware_corrupted_kb:
        extra.append(f"/proc/meminfo HardwareCorrupted: {hardware_corrupted_kb} kB of RAM poisoned")
    if coverage:
        extra.append(coverage)
    floor = State.CRIT if severe or hardware_corrupted_kb else State.OK
    result = judge_events(CHECK_ID, events, "kernel.errors", thresholds, "kernel error", since, until,
                          evidence, extra_details="\n".join(extra), floor=floor)
    if scope and not events:
        result = resummarised(result, msg("kernel.scoped", base=result.code, scope=scope))
    if hardware_corrupted_kb and not events:
        result = resummarised(result, msg("kernel.hwcorrupt", kb=hardware_corrupted_kb), State.CRIT)
    return [result]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("kernel.errors", "Kernel errors", "Kernel-Fehler", Category.CRASH, POSIX_KINDS,
           thresholds={"kernel.errors": levels("0", None)}),
)
