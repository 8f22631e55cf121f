"""Unexpected shutdowns and blue screens (System log), planned restarts told apart.

- Microsoft-Windows-Kernel-Power 41: rebooted without a clean shutdown. Its
  BugcheckCode is decimal (159 -> 0x9F); 0 means no bugcheck: power loss,
  hard hang or the power button held (PowerButtonTimestamp / LongPowerButtonPressDetected).
- EventLog 6008: "the previous system shutdown was unexpected".
- Microsoft-Windows-WER-SystemErrorReporting ("BugCheck") 1001 in the System
  log: a blue screen with stop code and dump file. (Application-log 1001 is a
  Windows Error Reporting bucket: a different provider, never counted here.)
- User32 1074: a planned restart/shutdown by a user or process: listed, never counted.

One crash usually leaves 41, 6008 and 1001 at the next boot: these are
grouped into one incident (at most one of each, within 15 minutes), so a
crash counts once. Each event is identified by log, provider and RecordId.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fleetcheck.core.checks import judged, levels_param, msg
from fleetcheck.core.checks.windows.events import (
    EventBatch,
    WinEvent,
    events_evidence,
    in_window,
    window_note,
)
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "boot.unexpected"
KERNEL_POWER = ("Microsoft-Windows-Kernel-Power", 41)
EVENTLOG_UNEXPECTED = ("EventLog", 6008)
BUGCHECK = ("Microsoft-Windows-WER-SystemErrorReporting", 1001)
PLANNED = ("User32", 1074)
UNEXPECTED = (KERNEL_POWER, EVENTLOG_UNEXPECTED, BUGCHECK)
INCIDENT_SPAN = timedelta(minutes=15)

# Common stop codes, so a summary says more than a number.
BUGCHECK_NAMES = {
    0x0A: "IRQL_NOT_LESS_OR_EQUAL", 0x1A: "MEMORY_MANAGEMENT", 0x1E: "KMODE_EXCEPTION_NOT_HANDLED",
    0x3B: "SYSTEM_SERVICE_EXCEPTION", 0x50: "PAGE_FAULT_IN_NONPAGED_AREA",
    0x7A: "KERNEL_DATA_INPAGE_ERROR", 0x7E: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED",
    0x7F: "UNEXPECTED_KERNEL_MODE_TRAP", 0x9F: "DRIVER_POWER_STATE_FAILURE", 0xA0: "INTERNAL_POWER_ERROR",
    0xC2: "BAD_POOL_CALLER", 0xD1: "DRIVER_IRQL_NOT_LESS_OR_EQUAL", 0xEF: "CRITICAL_PROCESS_DIED",
    0xF4: "CRITICAL_OBJECT_TERMINATION", 0x101: "CLOCK_WATCHDOG_TIMEOUT", 0x116: "VIDEO_TDR_FAILURE",
    0x117: "VIDEO_TDR_TIMEOUT_DETECTED", 0x124: "WHEA_UNCORRECTABLE_ERROR", 0x133: "DPC_WATCHDOG_VIOLATION",
    0x139: "KERNEL_SECURITY_CHECK_FAILURE", 0x154: "UNEXPECTED_STORE_EXCEPTION",
    0x1CA: "SYNTHETIC_WATCHDOG_TIMEOUT", 0xC000021A: "WINLOGON_FATAL_ERROR",
}
_HEX = re.compile(r"0x([0-9a-fA-F]+)")


def stop_code(code: int) -> str:
    name = BUGCHECK_NAMES.get(code)
    return f"0x{code:X}" + (f" {name}" if name else "")


def kernel_power_bugcheck(ev: WinEvent) -> int | None:
    """Kernel-Power 41's BugcheckCode (decimal in the event data); None when absent or 0."""
    text = ev.param(0, "BugcheckCode").strip()
    if not text:
        return None
    try:
        code = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None
    return code or None


def bugcheck_1001_code(ev: WinEvent) -> int | None:
    """The stop code from BugCheck 1001's first parameter: '0x0000009f (0x..., ...)'."""
    m = _HEX.search(ev.param(0, "param1")) or _HEX.search(ev.message)
    return int(m.group(1), 16) if m else None


@dataclass
class Incident:
    events: list[WinEvent] = field(default_factory=list)

    @property
    def time(self) -> datetime:
        return self.events[0].time

    def has(self, kind: tuple[str, int]) -> bool:
        return any((e.provider, e.id) == kind for e in self.events)

    @property
    def bugcheck(self) -> int | None:
        for ev in self.events:
            code = (bugcheck_1001_code(ev) if (ev.provider, ev.id) == BUGCHECK
                    else kernel_power_bugcheck(ev) if (ev.provider, ev.id) == KERNEL_POWER else None)
            if code:
                return code
        return None

    def short(self) -> str:
        """'2026-11-24 14:03 UTC blue screen 0x9F DRIVER_POWER_STATE_FAILURE' for a summary line."""
        when = f"{self.time:%Y-%m-%d %H:%M} UTC"
        code = self.bugcheck
        if code is not None:
            return f"{when} blue screen {stop_code(code)}"
        kp = next((e for e in self.events if (e.provider, e.id) == KERNEL_POWER), None)
        if kp is not None and (kp.data.get("LongPowerButtonPressDetected", "").lower() == "true"
                               or kp.data.get("PowerButtonTimestamp", "0") not in ("", "0")):
            return f"{when} power button held"
        if kp is None:
            return f"{when} unexpected shutdown"
        return f"{when} power loss or hard hang"

    def describe(self) -> str:
        seen = ", ".join(f"{e.label} #{e.record}" for e in self.events)
        dump = next((e.param(1, "param2") for e in self.events if (e.provider, e.id) == BUGCHECK), "")
        return self.short() + (f", dump {dump}" if dump else "") + f" ({seen})"


def group_incidents(events: list[WinEvent]) -> list[Incident]:
    """41/6008/1001 of one crash -> one incident; a second of the same kind starts a new one."""
    incidents: list[Incident] = []
    for ev in sorted(events, key=lambda e: e.time):
        current = incidents[-1] if incidents else None
        if (current is None or ev.time - current.time > INCIDENT_SPAN
                or current.has((ev.provider, ev.id))):
            incidents.append(Incident([ev]))
        else:
            current.events.append(ev)
    return incidents


def describe_planned(ev: WinEvent) -> str:
    process = ev.param(0, "param1") or "?"
    reason = ev.param(2, "param3")
    kind = ev.param(4, "param5") or "restart/shutdown"
    user = ev.param(6, "param7")
    text = f"{ev.time:%Y-%m-%d %H:%M} UTC planned {kind} by {process}"
    if user:
        text += f" ({user})"
    if reason:
        text += f": {reason}"
    return text + f" [User32/1074 #{ev.record}]"


def check_unexpected_shutdowns(batch: EventBatch, thresholds: Thresholds, since: datetime, until: datetime,
                               lookback_days: int | None, observed: datetime,
                               source: Evidence) -> list[CheckResult]:
    """`boot.unexpected`: crash incidents in [since, until] against the boot.unexpected levels."""
    window = in_window(batch.events, since, until)
    unexpected = [e for e in window if (e.provider, e.id) in UNEXPECTED]
    planned = [e for e in window if (e.provider, e.id) == PLANNED]
    incidents = group_incidents(unexpected)
    levels = thresholds.levels("boot.unexpected")
    count = len(incidents)
    state = evaluate(count, levels.warn, levels.crit)
    metrics = (Metric.of("unexpected_shutdowns", count, "", levels.warn, levels.crit, 0),
               Metric.of("blue_screens", sum(1 for i in incidents if i.bugcheck is not None), "", min=0),
               Metric.of("planned_restarts", len(planned), "", min=0))
    lines = [f"unexpected: {i.describe()}" for i in incidents]
    lines += [f"planned (not counted): {describe_planned(e)}" for e in planned]
    boots = [e for e in window if (e.provider, e.id) == ("EventLog", 6005)]
    lines.append(f"{len(boots)} start(s) of the event log (EventLog 6005, one per boot) in the window")
    lines.append(window_note(batch, since, until, lookback_days))
    p: dict[str, object] = {"since": f"{since:%Y-%m-%d %H:%M}", "levels": levels_param(state, levels),
                            "planned": len(planned), "count": count,
                            "listed": "; ".join(i.short() for i in incidents[-3:])}
    if count == 0:
        summary = msg("win.power.none.planned" if planned else "win.power.none", **p)
    else:
        summary = msg("win.power.latest" if count > 3 else "win.power", **p)
    shown = [e for i in incidents for e in i.events] + planned
    evidence = [source, *events_evidence(shown)]
    return [judged(CHECK_ID, state, summary, evidence, metrics=metrics, details="\n".join(lines))]
