"""Windows event-log records as the probe emits them, windowed and identified.

An event is identified by (log, provider, RecordId, time): the same crash
seen twice in one output counts once, and the time keeps a record number
reused after a log was cleared from matching an older event. The script fetches a fixed
lookback (30 days); the scan's own window `[since, until]` is applied here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fleetcheck.core.results import Evidence, iso

MAX_EVENT_EVIDENCE = 20  # event evidence items per check; the details still list every event
LEVELS = {1: "Critical", 2: "Error", 3: "Warning", 4: "Information", 0: "LogAlways", 5: "Verbose"}


@dataclass(frozen=True, slots=True)
class WinEvent:
    log: str
    provider: str
    id: int
    record: int
    time: datetime  # UTC
    level: int | None = None
    data: dict[str, str] = field(default_factory=dict)  # named EventData
    params: tuple[str, ...] = ()  # every EventData value in order
    message: str = ""  # first line, localised: for people, never for logic
    raw: str = ""
    query: str = ""  # what the probe ran to get it (quoted in the evidence)

    @property
    def key(self) -> tuple[str, str, int, datetime]:
        return (self.log, self.provider, self.record, self.time)

    @property
    def label(self) -> str:
        return f"{self.provider}/{self.id}"

    def param(self, index: int, name: str | None = None) -> str:
        """A value by EventData name when the provider names it, else by position."""
        if name is not None and name in self.data:
            return self.data[name]
        return self.params[index] if index < len(self.params) else ""

    def evidence(self) -> Evidence:
        level = LEVELS.get(self.level, str(self.level)) if self.level is not None else "?"
        source = f"{self.query} -> {self.log} {self.label} RecordId {self.record} ({level})"
        return Evidence.of(source, self.raw, self.time, "event")


@dataclass
class EventBatch:
    events: list[WinEvent]  # deduplicated, oldest first
    none_found: bool = False  # Get-WinEvent said NoMatchingEventsFound
    capped: bool = False  # the script hit its -MaxEvents: older events may be missing
    lookback_start: datetime | None = None  # what the script fetched from
    duplicates: int = 0


def in_window(events: Iterable[WinEvent], since: datetime, until: datetime) -> list[WinEvent]:
    return [e for e in events if since <= e.time <= until]


def window_note(batch: EventBatch, since: datetime, until: datetime, lookback_days: int | None) -> str:
    """Where the window came from and its limits, for a check's details."""
    notes = [f"window {iso(since)} .. {iso(until)}"]
    start = batch.lookback_start
    if start is None and lookback_days is not None:
        start = until - timedelta(days=lookback_days)
    if start is not None and since < start:
        notes.append(f"the probe fetches events since {iso(start)} only; "
                     "older ones in the window are not seen")
    if batch.capped:
        notes.append("the probe hit its event limit: the oldest events in the lookback may be missing")
    if batch.none_found:
        notes.append("Get-WinEvent: NoMatchingEventsFound (no such events in the lookback)")
    if batch.duplicates:
        notes.append(f"{batch.duplicates} duplicate record(s) counted once")
    return "; ".join(notes)


def events_evidence(events: Iterable[WinEvent]) -> list[Evidence]:
    """Evidence for the first MAX_EVENT_EVIDENCE events (a flood must not bloat the result)."""
    out: list[Evidence] = []
    for ev in events:
        if len(out) == MAX_EVENT_EVIDENCE:
            break
        out.append(ev.evidence())
    return out
