"""macOS families: panic reports, shutdown causes, SMART status, memory pressure (log(1), diskutil(8)).

- Panic reports (`*.panic`, `Kernel*.ips`, `panic*.ips` in /Library/Logs/DiagnosticReports):
  one event per file (fingerprint path|mtime) inside the window, CRIT.
- "Previous shutdown cause" (AppleSMC, `log show`): 5 (normal), 7, 1 and -20 (seen during
  OS updates / T2) are orderly; every other cause (negative = hardware/thermal/watchdog,
  3 = power button held, 0 = power lost, 2 = battery) is an unexpected shutdown.
- `diskutil info` "SMART Status": Verified OK, Failing CRIT, Not Supported is *not
  applicable* (UNKNOWN with that reason, never a green OK), anything else UNKNOWN.
- Memory pressure is the kernel's own verdict (kern.memorystatus_vm_pressure_level:
  1 normal, 2 warning, 4 critical).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fleetcheck.core.checks import EvidenceArg, judged, msg
from fleetcheck.core.checks.crash_events import CrashEvent, in_window, judge_events
from fleetcheck.core.family import MACOS_KINDS, Category, Family
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

ORDERLY_CAUSES = frozenset({5, 7, 1, -20})
CAUSE_TEXT = {
    5: "normal shutdown", 3: "power button held (forced off)", 0: "power disconnected", 2: "low battery",
    -3: "temperature limit", -60: "bad master directory block / low battery", -61: "watchdog timeout",
    -62: "watchdog: unresponsive application", -103: "battery under-voltage", -127: "PMU forced shutdown",
    -128: "unknown (possibly RAM)",
}
_CAUSE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?([+-]\d{4})"
                    r".*Previous shutdown cause:\s*(-?\d+)")
PRESSURE = {1: (State.OK, "normal"), 2: (State.WARN, "warning"), 4: (State.CRIT, "critical")}


@dataclass(frozen=True, slots=True)
class PanicReport:
    path: str
    time: datetime
    headline: str  # the panic(...) line or the .ips header


def parse_panics(files: Sequence[tuple[str, str]]) -> list[PanicReport]:
    """From the probe's `@@file <mtime> <path>` blocks (first line and the panic( line)."""
    out = []
    for arg, body in files:
        mtime, _, path = arg.partition(" ")
        if not mtime.isdigit():
            raise ValueError(f"panic report without a time: {arg[:100]!r}")
        lines = [line for line in body.splitlines() if line.strip()]
        panic = next((line for line in lines if line.startswith("panic(")), lines[0] if lines else "")
        out.append(PanicReport(path, datetime.fromtimestamp(int(mtime), UTC), panic.strip()[:300]))
    return out


def check_panics(reports: Sequence[PanicReport], since: datetime, until: datetime, thresholds: Thresholds,
                 evidence: EvidenceArg) -> list[CheckResult]:
    events = in_window((CrashEvent.of(r.time, f"kernel panic: {r.headline or r.path} ({r.path})", "panic",
                                      key=f"{r.path}|{r.time.isoformat()}") for r in reports), since, until)
    note = f"{len(reports)} panic report(s) on disk in total"
    return [judge_events("kernel.errors", events, "kernel.errors", thresholds, "kernel panic", since, until,
                         evidence, extra_details=note, floor=State.CRIT)]


def parse_shutdown_causes(text: str) -> list[tuple[datetime, int]]:
    out = []
    for line in text.splitlines():
        m = _CAUSE.match(line.strip())
        if m:
            when = datetime.strptime(f"{m.group(1)}{m.group(2)}", "%Y-%m-%d %H:%M:%S%z")
            out.append((when.astimezone(UTC), int(m.group(3))))
        elif "shutdown cause" in line:
            raise ValueError(f"unrecognised shutdown cause line: {line[:120]!r}")
    return out


def check_shutdown_causes(causes: Sequence[tuple[datetime, int]], since: datetime, until: datetime,
                          thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    events = in_window((CrashEvent.of(when, f"previous shutdown cause {code}: "
                                      f"{CAUSE_TEXT.get(code, 'abnormal (hardware/thermal/watchdog)')}",
                                      "unclean", key=f"macos-shutdown:{when.isoformat()}|{code}")
                        for when, code in causes if code not in ORDERLY_CAUSES), since, until)
    orderly = sum(1 for when, code in causes if code in ORDERLY_CAUSES and since <= when <= until)
    note = f"{orderly} orderly shutdown(s) in the window; log show looked back 7 days"
    return [judge_events("boot.unexpected", events, "boot.unexpected", thresholds, "unexpected shutdown",
                         since, until, evidence, extra_details=note)]


def parse_diskutil(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def check_disk_smart(disk: str, info: dict[str, str], evidence: EvidenceArg) -> list[CheckResult]:
    check_id = f"disk.smart:{disk}"
    status = info.get("SMART Status")
    name = info.get("Device / Media Name", disk)
    p = {"device": disk, "name": name, "status": repr(status)}
    if status is None:
        return [judged(check_id, State.UNKNOWN, msg("smart.mac.none", **p), evidence,
                       reason=msg("smart.mac.none.reason"))]
    if status == "Verified":
        return [judged(check_id, State.OK, msg("smart.mac.verified", **p), evidence)]
    if status == "Failing":
        return [judged(check_id, State.CRIT, msg("smart.mac.failing", **p), evidence)]
    if status == "Not Supported":
        return [judged(check_id, State.UNKNOWN, msg("smart.mac.unsupported", **p), evidence,
                       reason=msg("smart.mac.unsupported.reason"), fix=msg("smart.mac.unsupported.fix"))]
    return [judged(check_id, State.UNKNOWN, msg("smart.mac.other", **p), evidence,
                   reason=msg("smart.mac.other.reason", **p))]


def check_pressure(level: int, evidence: EvidenceArg, detail: str = "") -> list[CheckResult]:
    state, word = PRESSURE.get(level, (State.UNKNOWN, "unknown"))
    summary = msg("mem.pressure", level=level, word=f"mem.pressure.{word}")
    if state is State.UNKNOWN:
        reason = msg("mem.pressure.unknown.reason", level=level)
        return [judged("mem.pressure", state, summary, evidence, reason=reason)]
    return [judged("mem.pressure", state, summary, evidence, details=detail)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("mem.pressure", "Memory pressure", "Speicherdruck", Category.CAPACITY, MACOS_KINDS),
)
