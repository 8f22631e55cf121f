"""Disk and NTFS errors from the System log.

Event IDs collide across providers, so each is matched on provider + ID, and
only at level Critical/Error/Warning (Ntfs 98 at level Information is the
routine "volume is healthy" message). Severity per event, Microsoft's
storage troubleshooting guidance:

  disk 7    bad block                                  CRIT
  disk 51   error during a paging operation            CRIT
  Ntfs 55   file system structure corrupt (chkdsk)     CRIT
  Ntfs 98   volume needs an offline full chkdsk        CRIT
  disk 11   controller error on the device             WARN
  disk 153  I/O was retried                            WARN (early sign; watch the trend)
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from fleetcheck.core.checks import judged, msg
from fleetcheck.core.checks.windows.events import (
    EventBatch,
    WinEvent,
    events_evidence,
    in_window,
    window_note,
)
from fleetcheck.core.family import WINDOWS_KINDS, Category, Family
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "disk.errors"
NTFS_PROVIDERS = ("Ntfs", "Microsoft-Windows-Ntfs")
# (provider family, id) -> (state, what it means)
KINDS: dict[tuple[str, int], tuple[State, str]] = {
    ("disk", 7): (State.CRIT, "bad block"),
    ("disk", 51): (State.CRIT, "paging I/O error"),
    ("ntfs", 55): (State.CRIT, "file system corrupt"),
    ("ntfs", 98): (State.CRIT, "needs offline chkdsk"),
    ("disk", 11): (State.WARN, "controller error"),
    ("disk", 153): (State.WARN, "I/O retried"),
}


def kind_of(ev: WinEvent) -> tuple[str, int] | None:
    family = "disk" if ev.provider == "disk" else "ntfs" if ev.provider in NTFS_PROVIDERS else None
    if family is None or (ev.level is not None and ev.level > 3):
        return None
    key = (family, ev.id)
    return key if key in KINDS else None


def device_of(ev: WinEvent) -> str:
    """The disk or volume an event is about: '\\Device\\Harddisk0\\DR0' or 'C:'."""
    if ev.provider == "disk":
        return ev.param(0) or "?"
    return ev.data.get("DriveName") or ev.data.get("DeviceName") or ev.param(0) or "?"


def check_disk_errors(batch: EventBatch, thresholds: Thresholds, since: datetime, until: datetime,
                      lookback_days: int | None, source: Evidence) -> list[CheckResult]:
    """`disk.errors`; `thresholds` is unused: severity is per event kind (table above)."""
    window = [(e, k) for e in in_window(batch.events, since, until) if (k := kind_of(e)) is not None]
    state = worst((KINDS[k][0] for _, k in window), default=State.OK)
    counts: Counter[tuple[str, str, int]] = Counter((device_of(e), k[0], k[1]) for e, k in window)
    per_device: dict[str, list[str]] = {}
    for (device, family, event_id), n in sorted(counts.items(), key=lambda kv: (-KINDS[kv[0][1:]][0].rank,
                                                                                   kv[0])):
        what = KINDS[(family, event_id)][1]
        label = "disk" if family == "disk" else "Ntfs"
        per_device.setdefault(device, []).append(f"{n}x {what} ({label} {event_id})")
    since_text = f"{since:%Y-%m-%d %H:%M}"
    if not window:
        summary = msg("win.disk.none", since=since_text)
    else:
        listed = "; ".join(f"{dev} {', '.join(items)}" for dev, items in per_device.items())
        summary = msg("win.disk.errors", count=len(window), since=since_text, listed=listed)
    lines = [f"{e.time:%Y-%m-%d %H:%M} UTC {device_of(e)} {KINDS[k][1]} [{e.label} #{e.record}]"
             + (f": {e.message}" if e.message else "") for e, k in window]
    lines.append(window_note(batch, since, until, lookback_days))
    metrics = [Metric.of("disk_error_events", len(window), "", min=0)]
    for fam, eid in KINDS:
        n = sum(c for (_, f, i), c in counts.items() if (f, i) == (fam, eid))
        metrics.append(Metric.of(f"events:{fam} {eid}", n, "", min=0))
    worst_first = sorted(window, key=lambda ek: (-KINDS[ek[1]][0].rank, -ek[0].time.timestamp()))
    evidence = [source, *events_evidence((e for e, _ in worst_first))]
    return [judged(CHECK_ID, state, summary, evidence, metrics=metrics, details="\n".join(lines))]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("disk.errors", "Disk errors", "Datenträgerfehler", Category.CRASH, WINDOWS_KINDS),
)
