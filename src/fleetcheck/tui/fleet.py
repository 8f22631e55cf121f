"""The dashboard's view model (pure, no Textual): hosts, their latest results,
quick views and the orders rows can be sorted in.

Times shown in the table are when the dashboard *received* a result, taken
from an injectable clock, so tests and snapshots are deterministic.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from fleetcheck.core.counts import Counts, count
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.kinds import printer_kinds
from fleetcheck.core.results import CheckResult, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.packing import pack, unpack

PRINTER_KINDS = printer_kinds()


@dataclass
class HostEntry:
    host: Host
    # a property (defined below the class): the result is kept live while its scan runs and
    # packed into bytes when the dashboard is idle (packing.py); the table reads only the
    # facts kept apart here, so sorting, counting and painting never unpack it.
    result: HostResult | None = None
    checked_at: datetime | None = None  # when the result arrived (central view: when it was taken)
    scanning: bool = False
    # The central view shows many customers' hosts, and two customers may both have a "pc-01":
    # there a row is the customer's key plus the host's name. Elsewhere the key is the name.
    customer: str | None = None  # shown in the customer column (central view only)
    customer_key: str | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = self.host.name if self.customer_key is None else row_key(self.customer_key,
                                                                                self.host.name)

    def _get_result(self) -> HostResult | None:
        if self._live is not None:
            return self._live
        return None if self._packed is None else unpack(self._packed)

    def _set_result(self, result: HostResult | None) -> None:
        self._live: HostResult | None = result
        self._packed: bytes | None = None
        worst = None if result is None else result.worst_check()
        self._state: State | None = None if result is None else result.state
        self._reach: Reachability | None = None if result is None else result.reachability
        self._worst_summary: str | None = None if worst is None else worst.summary  # two attributes,
        self._worst_state: State | None = None if worst is None else worst.state  # not one more object
        self._unknown = 0 if result is None else result.unknown_count
        self._counts = flat_counts(count([result]))

    @property
    def has_result(self) -> bool:
        return self._state is not None

    @property
    def packed(self) -> bool:
        return self._packed is not None

    def pack(self) -> None:
        """Keep the result as bytes from now on (see packing.py)."""
        if self._live is not None:
            self._packed, self._live = pack(self._live), None

    @property
    def counts(self) -> tuple[int, ...]:
        """This host's part of the fleet's counts (flat_counts)."""
        return self._counts

    @property
    def name(self) -> str:
        return self.host.name

    @property
    def state(self) -> State | None:
        return self._state

    @property
    def reachability(self) -> Reachability | None:
        return self._reach

    @property
    def reachable(self) -> bool:
        return self._reach is None or self._reach is Reachability.REACHABLE

    @property
    def severity(self) -> int:
        """Worst-first rank: CRIT > UNKNOWN > WARN > OK > no result yet."""
        state = self._state
        return -1 if state is None else state.rank

    def worst_check(self) -> CheckResult | None:
        result = self.result
        return None if result is None else result.worst_check()

    def finding(self) -> str:
        """The worst finding's summary, plus how many checks could not run."""
        if self._state is None:
            return "scanning…" if self.scanning else "not checked yet"
        summary = self._worst_summary
        text = summary if summary is not None else "no checks ran: no evidence, so not OK"
        more = self._unknown - (1 if self._worst_state is State.UNKNOWN else 0)
        if more > 0:  # "could not check" must not hide behind the worst finding
            text += f" (+{more} UNKNOWN)"
        return text


# The dataclass keeps `result` in its constructor, equality and repr; the property makes
# every read and write go through the live/packed storage.
HostEntry.result = property(HostEntry._get_result, HostEntry._set_result)  # type: ignore[assignment]


_DICT_FIELDS = frozenset(f.name for f in fields(Counts) if isinstance(getattr(Counts(), f.name), dict))


def flat_counts(c: Counts) -> tuple[int, ...]:
    """Counts as a tuple of ints (the collector never walks those): one per int field, one per
    State for each dict field, in field order."""
    out: list[int] = []
    for f in fields(c):
        value = getattr(c, f.name)
        if f.name in _DICT_FIELDS:
            out.extend(value.get(s, 0) for s in State)
        else:
            out.append(value)
    return tuple(out)


def unflat_counts(values: Iterable[int]) -> Counts:
    it = iter(values)
    kw: dict[str, Any] = {f.name: ({s: next(it) for s in State} if f.name in _DICT_FIELDS else next(it))
                          for f in fields(Counts)}
    return Counts(**kw)


def row_key(customer_key: str, host: str) -> str:
    """A row's identity in the central view (customer keys and host names hold no NUL)."""
    return f"{customer_key}\0{host}"


class QuickView(Enum):
    ALL = "all"
    PROBLEMS = "problems"
    UNREACHABLE = "unreachable"
    PRINTERS = "printers"
    STALE = "stale"


def in_view(entry: HostEntry, view: QuickView, now: datetime, stale_after: timedelta) -> bool:
    if view is QuickView.ALL:
        return True
    if view is QuickView.PROBLEMS:
        return entry.has_result and (entry.state is not State.OK or not entry.reachable)
    if view is QuickView.UNREACHABLE:
        return not entry.reachable
    if view is QuickView.PRINTERS:
        return entry.host.kind in PRINTER_KINDS
    # stale: never checked, or the last result is older than the staleness limit
    return entry.checked_at is None or now - entry.checked_at > stale_after


def _address_key(address: str) -> tuple[Any, ...]:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return (1, 0, 0, address.lower())
    return (0, ip.version, int(ip), "")


SortKey = Callable[[HostEntry], Any]

# Sort orders the user can cycle through with `s`; "worst first" is the automatic one.
SORTS: dict[str, tuple[str, SortKey]] = {
    "worst": ("worst first", lambda e: (-e.severity, e.name.lower())),
    "name": ("name", lambda e: e.name.lower()),
    "kind": ("kind", lambda e: (e.host.kind, e.name.lower())),
    "site": ("site", lambda e: ((e.host.site or "~").lower(), e.name.lower())),
    "address": ("address", lambda e: _address_key(e.host.address)),
    "checked": ("last checked, newest first",
                lambda e: (e.checked_at is None, -(e.checked_at.timestamp() if e.checked_at else 0),
                           e.name.lower())),
}
AUTO_SORT = "worst"


def next_sort(current: str) -> str:
    names = list(SORTS)
    return names[(names.index(current) + 1) % len(names)]


@dataclass
class Fleet:
    """All hosts of the inventory with their latest results, by name."""

    entries: dict[str, HostEntry] = field(default_factory=dict)
    _totals: list[int] = field(init=False, repr=False, compare=False)
    _unpacked: dict[str, None] = field(init=False, repr=False, compare=False)  # live results, oldest first

    def __post_init__(self) -> None:
        self._totals = [0] * len(flat_counts(Counts()))
        self._unpacked = {}
        for entry in self.entries.values():
            self._add(entry, +1)
            self._note_live(entry)

    @classmethod
    def of(cls, hosts: Iterable[Host]) -> Fleet:
        return cls({h.name: HostEntry(h) for h in hosts})

    def swap(self, old_keys: Iterable[str], entries: Iterable[HostEntry]) -> bool:
        """Replace these entries by those (central view: a customer's newer scan); each host's
        part of the counts is kept with it, so this adds and subtracts a few ints per host.
        True when a key is new or one went away."""
        new = {e.key: e for e in entries}
        gone = [self.entries.pop(k) for k in old_keys if k in self.entries]
        for entry in gone:
            self._add(entry, -1)
            self._unpacked.pop(entry.key, None)
        added = len(new.keys() - {e.key for e in gone})
        self.entries.update(new)
        for entry in new.values():
            self._add(entry, +1)
            self._note_live(entry)
        return bool(added) or len(gone) != len(new)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, name: str) -> HostEntry | None:
        return self.entries.get(name)

    def mark_scanning(self, name: str) -> HostEntry | None:
        entry = self.entries.get(name)
        if entry is not None:
            entry.scanning = True
        return entry

    def record(self, result: HostResult, at: datetime) -> tuple[HostEntry, State | None] | None:
        """Store a host's new result; returns the entry and its state before."""
        entry = self.entries.get(result.name)
        if entry is None:
            return None
        before = entry.state
        self._add(entry, -1)
        entry.result, entry.checked_at, entry.scanning = result, at, False
        self._add(entry, +1)
        self._note_live(entry)
        return entry, before

    def counts(self) -> Counts:
        """The same partition as `fleetcheck scan` (core/counts.py), plus hosts without a
        result. Running totals kept up to date by record(): one host's count per result
        instead of the whole fleet's per batch (at 10,000 hosts that was ~20 ms a batch)."""
        return unflat_counts(self._totals)

    def _add(self, entry: HostEntry, sign: int) -> None:
        totals = self._totals
        for i, n in enumerate(entry.counts):
            if n:
                totals[i] += sign * n

    def _note_live(self, entry: HostEntry) -> None:
        if entry.has_result and not entry.packed:
            self._unpacked.pop(entry.key, None)
            self._unpacked[entry.key] = None

    @property
    def unpacked(self) -> int:
        """How many results are still kept as objects."""
        return len(self._unpacked)

    def pack_some(self, budget: float) -> bool:
        """Pack live results (packing.py) for about `budget` seconds; True when none is left."""
        end = time.perf_counter() + budget
        pending = self._unpacked
        while pending:
            key = next(iter(pending))
            del pending[key]
            entry = self.entries.get(key)
            if entry is not None:
                entry.pack()
            if time.perf_counter() >= end:
                break
        return not pending

    def ordered(self, sort: str, keep: Callable[[HostEntry], bool] = lambda e: True) -> list[HostEntry]:
        return sorted((e for e in self.entries.values() if keep(e)), key=SORTS[sort][1])
