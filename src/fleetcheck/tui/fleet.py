"""The dashboard's view model (pure, no Textual): hosts, their latest results,
quick views and the orders rows can be sorted in.

Times shown in the table are when the dashboard *received* a result, taken
from an injectable clock, so tests and snapshots are deterministic.
"""

from __future__ import annotations

import ipaddress
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

PRINTER_KINDS = printer_kinds()


@dataclass
class HostEntry:
    host: Host
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

    @property
    def name(self) -> str:
        return self.host.name

    _state_of: HostResult | None = field(default=None, repr=False, compare=False)
    _state: State | None = field(default=None, repr=False, compare=False)

    @property
    def state(self) -> State | None:
        # HostResult.state is recomputed from every check on each access; sorting and
        # counting 2000 hosts per batch asks for it often, so remember it per result.
        if self._state_of is not self.result:
            self._state_of = self.result
            self._state = None if self.result is None else self.result.state
        return self._state

    @property
    def reachability(self) -> Reachability | None:
        return None if self.result is None else self.result.reachability

    @property
    def reachable(self) -> bool:
        return self.result is None or self.result.reachability is Reachability.REACHABLE

    @property
    def severity(self) -> int:
        """Worst-first rank: CRIT > UNKNOWN > WARN > OK > no result yet."""
        state = self.state
        return -1 if state is None else state.rank

    def worst_check(self) -> CheckResult | None:
        return None if self.result is None else self.result.worst_check()

    def finding(self) -> str:
        """The worst finding's summary, plus how many checks could not run."""
        if self.result is None:
            return "scanning…" if self.scanning else "not checked yet"
        worst = self.result.worst_check()
        text = worst.summary if worst is not None else "no checks ran: no evidence, so not OK"
        more = self.result.unknown_count - (1 if worst is not None and worst.state is State.UNKNOWN else 0)
        if more > 0:  # "could not check" must not hide behind the worst finding
            text += f" (+{more} UNKNOWN)"
        return text


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
        return entry.result is not None and (entry.state is not State.OK or not entry.reachable)
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
    _totals: Counts = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._totals = Counts()
        for entry in self.entries.values():
            self._totals = _combine(self._totals, self._one(entry), +1)

    @classmethod
    def of(cls, hosts: Iterable[Host]) -> Fleet:
        return cls({h.name: HostEntry(h) for h in hosts})

    def swap(self, old_keys: Iterable[str], entries: Iterable[HostEntry]) -> bool:
        """Replace these entries by those (central view: a customer's newer scan); the counts
        change by one sum each way, not per host. True when a key is new or one went away."""
        new = {e.key: e for e in entries}
        gone = [self.entries.pop(k) for k in old_keys if k in self.entries]
        self._totals = _combine(self._totals, count([e.result for e in gone]), -1)
        added = len(new.keys() - {e.key for e in gone})
        self.entries.update(new)
        self._totals = _combine(self._totals, count([e.result for e in new.values()]), +1)
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
        self._totals = _combine(self._totals, self._one(entry), -1)
        entry.result, entry.checked_at, entry.scanning = result, at, False
        self._totals = _combine(self._totals, self._one(entry), +1)
        return entry, before

    def counts(self) -> Counts:
        """The same partition as `fleetcheck scan` (core/counts.py), plus hosts without a
        result. Running totals kept up to date by record(): one host's count per result
        instead of the whole fleet's per batch (at 10,000 hosts that was ~20 ms a batch)."""
        return self._totals

    @staticmethod
    def _one(entry: HostEntry) -> Counts:
        """One host's part of the counts."""
        return count([entry.result])

    def ordered(self, sort: str, keep: Callable[[HostEntry], bool] = lambda e: True) -> list[HostEntry]:
        return sorted((e for e in self.entries.values() if keep(e)), key=SORTS[sort][1])


def _combine(a: Counts, b: Counts, sign: int) -> Counts:
    """a + sign * b, field by field (counts are ints, or dicts of ints)."""
    out: dict[str, Any] = {}
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        out[f.name] = ({k: x.get(k, 0) + sign * y.get(k, 0) for k in x.keys() | y.keys()}
                       if isinstance(x, dict) else x + sign * y)
    return type(a)(**out)
