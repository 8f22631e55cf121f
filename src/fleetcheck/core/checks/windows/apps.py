"""Application crashes and hangs (Application log: 'Application Error' 1000, 'Application Hang' 1002).

Counted per application in the scan's window and judged against
`apps.crashes` (per-app overrides: `apps.crashes:outlook.exe`). Event data:
1000 = application, version, ..., faulting module (3), ..., exception code (6);
1002 = application, version, ... (names are used where the provider gives them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

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
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "apps.crashes"
CRASH = ("Application Error", 1000)
HANG = ("Application Hang", 1002)


def app_name(ev: WinEvent) -> str:
    return (ev.param(0, "AppName") or "unknown application").strip()


def crash_detail(ev: WinEvent) -> str:
    if (ev.provider, ev.id) == CRASH:
        module = ev.param(3, "ModuleName")
        code = ev.param(6, "ExceptionCode")
        if code and not code.lower().startswith("0x"):
            code = f"0x{code}"
        return f"crash {code or '?'} in {module or '?'}"
    return "hang"


def check_app_crashes(batch: EventBatch, thresholds: Thresholds, since: datetime, until: datetime,
                      lookback_days: int | None, source: Evidence) -> list[CheckResult]:
    window = [e for e in in_window(batch.events, since, until) if (e.provider, e.id) in (CRASH, HANG)]
    per_app: dict[str, list[WinEvent]] = defaultdict(list)
    for ev in window:
        per_app[app_name(ev).lower()].append(ev)
    states = []
    metrics = []
    parts = []
    lines = []
    for key, events in sorted(per_app.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        levels = thresholds.levels(CHECK_ID, key)
        state = evaluate(len(events), levels.warn, levels.crit)
        states.append(state)
        crashes = sum(1 for e in events if (e.provider, e.id) == CRASH)
        hangs = len(events) - crashes
        label = app_name(events[-1])
        counts = ", ".join(p for p in (f"{crashes} crash{'es' if crashes != 1 else ''}" if crashes else "",
                                       f"{hangs} hang{'s' if hangs != 1 else ''}" if hangs else "") if p)
        parts.append(f"{label} {counts}")
        metrics.append(Metric.of(f"events:{label}", len(events), "", levels.warn, levels.crit, 0))
        lines += [f"{label}: {e.time:%Y-%m-%d %H:%M} UTC {crash_detail(e)} [{e.label} #{e.record}]"
                  for e in events]
    total = len(window)
    overall = worst(states, default=State.OK)
    levels = thresholds.levels(CHECK_ID)
    p: dict[str, object] = {"since": f"{since:%Y-%m-%d %H:%M}", "levels": levels_param(overall, levels),
                            "total": total, "shown": "; ".join(parts[:4]), "more": len(parts) - 4}
    if total == 0:
        summary = msg("win.apps.none", **p)
    else:
        summary = msg("win.apps.more" if len(parts) > 4 else "win.apps", **p)
    lines.append(window_note(batch, since, until, lookback_days))
    metrics.insert(0, Metric.of("app_events", total, "", min=0))
    evidence = [source, *events_evidence(reversed(window))]
    return [judged(CHECK_ID, overall, summary, evidence, metrics=metrics, details="\n".join(lines))]
