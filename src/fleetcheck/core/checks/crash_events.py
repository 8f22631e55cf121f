"""Events in a time window (crashes, OOM kills, panics): identity, de-duplication, judging.

Every event gets a fingerprint (sha256 of a stable key: a boot id, or
timestamp|message as Linuxfabrik does for journald), so an event seen by two
sources or in two scans is one event. Only events inside [since, until] count;
the list goes into details and evidence, capped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fleetcheck.core.checks import EvidenceArg, Text, judged, levels_param, msg
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric, iso
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

EVENTS_SHOWN = 20  # events listed in details/evidence; the rest are counted


def fingerprint(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class CrashEvent:
    time: datetime  # timezone-aware, target clock
    message: str  # one line
    fingerprint: str
    category: str = ""  # family-specific class, e.g. "panic", "hardware", "oom"

    @classmethod
    def of(cls, time: datetime, message: str, category: str = "", key: str | None = None) -> CrashEvent:
        line = " ".join(message.split())
        return cls(time, line, fingerprint(key if key is not None else f"{iso(time)}|{line}"), category)

    def line(self, full: bool = False) -> str:
        """'<time> <message> [sha256:<12 hex>]' (the whole fingerprint with `full`)."""
        return f"{iso(self.time)} {self.message} [{self.fingerprint if full else self.fingerprint[:19]}]"


def from_epoch_us(value: int | str) -> datetime:
    return datetime.fromtimestamp(int(value) / 1_000_000, UTC)


def in_window(events: Iterable[CrashEvent], since: datetime, until: datetime) -> list[CrashEvent]:
    """Events with since <= time <= until, each fingerprint once, oldest first."""
    seen: set[str] = set()
    out = []
    for ev in sorted(events, key=lambda e: e.time):
        if since <= ev.time <= until and ev.fingerprint not in seen:
            seen.add(ev.fingerprint)
            out.append(ev)
    return out


def listing(events: Sequence[CrashEvent], cap: int = EVENTS_SHOWN, full: bool = False) -> str:
    """The newest `cap` events, one per line, and how many were left out."""
    shown = list(events)[-cap:]
    text = "\n".join(ev.line(full) for ev in shown)
    if len(events) > cap:
        text = f"({len(events) - cap} older events not listed)\n" + text
    return text


# judge_events' nouns and their message codes (each says singular or plural by {count})
NOUNS = {
    "unexpected reboot": "events.what.reboot", "unexpected shutdown": "events.what.shutdown",
    "kernel error": "events.what.kernel", "kernel panic": "events.what.panic", "OOM kill": "events.what.oom",
    "application crash": "events.what.crash", "printer restart": "events.what.printer_restart",
}


def judge_events(check_id: str, events: Sequence[CrashEvent], threshold: str, thresholds: Thresholds,
                 noun: str, since: datetime, until: datetime, evidence: EvidenceArg, *,
                 extra_details: str = "", floor: State = State.OK, item: str | None = None) -> CheckResult:
    """Count events in the window against `threshold` levels; `floor` raises the state (e.g. panics)."""
    levels = thresholds.levels(threshold, item)
    count = len(events)
    state = evaluate(count, levels.warn, levels.crit)
    if count and floor.rank > state.rank:
        state = floor
    p: dict[str, object] = {"since": f"{since.astimezone(UTC):%Y-%m-%d %H:%M}",
                            "until": f"{until.astimezone(UTC):%Y-%m-%d %H:%M}", "count": count}
    what = NOUNS[noun]  # every noun has a message code (a KeyError names a new one)
    summary: Text
    if count == 0:
        summary = msg("events.none", what=what, levels=levels_param(state, levels), **p)
    else:
        newest = events[-1]
        summary = msg("events", what=what, last=iso(newest.time), message=newest.message[:120], **p)
    details = "\n".join(part for part in (listing(events), extra_details) if part)
    metric = Metric.of(threshold.split(".")[-1], count, "", levels.warn, levels.crit, 0)
    items = list(evidence) if not isinstance(evidence, Evidence) else [evidence]
    if events:
        items.append(Evidence.of(f"{check_id} events in window", listing(events, full=True), until,
                                 kind="event"))
    return judged(check_id, state, summary, items, metrics=(metric,), details=details)
