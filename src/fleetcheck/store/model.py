"""The store's interface: typed records and the one narrow protocol every backend implements.

Front ends (scan, dashboard, reports, `fleetcheck history`) speak only this;
SQL lives in the backends (`store/sqlite/` today, PostgreSQL next). Records
are plain frozen dataclasses built from `core.results` types, so a backend
never leaks its rows. Times are timezone-aware UTC datetimes throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.states import Reachability, State


class StoreError(FleetcheckError):
    """The store cannot be used (unreadable, newer schema, locked for too long); one-line message."""


class ScanStatus(Enum):
    RUNNING = "running"  # being saved by a live process
    COMPLETE = "complete"
    CANCELLED = "cancelled"  # stopped by the user; finished hosts kept
    INTERRUPTED = "interrupted"  # the saving process died (SIGKILL, power loss); finished hosts kept


@dataclass(frozen=True)
class HostKey:
    """Who a host is, across scans: never shared by two machines of different inventories.

    `customer_key` is the inventory's customer exactly as written (Unicode
    NFC), or, without a customer, the inventory files' absolute paths;
    `name` and `address` come from the inventory. The SSH host key
    fingerprint, when a scan saw one, is kept beside it (`HostRecord`), and a
    result taken under another fingerprint is never used as this machine's
    crash window.
    """

    customer_key: str
    name: str
    address: str


@dataclass(frozen=True)
class ScanInfo:
    id: int
    customer: str | None
    customer_key: str
    started: datetime
    finished: datetime | None  # None while running or when interrupted before the end
    status: ScanStatus
    state: State | None  # roll-up of the hosts saved; None when none was saved
    hosts: int  # host results saved
    inventories: tuple[str, ...]
    version: str


@dataclass(frozen=True)
class HostPoint:
    """One host in one scan: the dashboard's and `fleetcheck history --host`'s row."""

    scan_id: int
    scan_started: datetime
    name: str
    started: datetime | None
    finished: datetime | None
    reachability: Reachability
    state: State
    unknown_count: int
    problems: tuple[tuple[str, State, str], ...]  # (check id, state, summary) of non-OK checks


@dataclass(frozen=True)
class Finding:
    """One check of one host, as a change names it."""

    host: str
    check_id: str
    state: State
    summary: str
    before: State | None = None  # the state in the older scan; None: not there


@dataclass(frozen=True)
class HostChange:
    host: str
    before: Reachability | None  # None: not in the older scan
    after: Reachability
    reason: str  # the host-level finding's summary


@dataclass(frozen=True)
class Changes:
    """What changed from `old` to `new` (two scans of one customer)."""

    old: ScanInfo | None  # None: no earlier scan, everything is new
    new: ScanInfo
    new_problems: tuple[Finding, ...]  # WARN/CRIT now, better or absent before (worse counts too)
    resolved: tuple[Finding, ...]  # WARN/CRIT before, OK now on a host that was reached
    new_crashes: tuple[Finding, ...]  # crash and unexpected-reboot findings of the new scan
    became_unreachable: tuple[HostChange, ...]
    came_back: tuple[HostChange, ...]
    new_hosts: tuple[str, ...]
    missing_hosts: tuple[str, ...]  # in the old scan, not in the new one (not scanned this time)

    @property
    def empty(self) -> bool:
        return not (self.new_problems or self.resolved or self.new_crashes or self.became_unreachable
                    or self.came_back or self.new_hosts or self.missing_hosts)


@dataclass(frozen=True)
class Ack:
    """A known problem acknowledged by a person: annotates the finding, never hides it."""

    customer_key: str
    host: str
    check_id: str  # the finding's identity on that host, e.g. "fs.used:/var"
    note: str
    who: str
    created: datetime
    until: datetime | None  # None: until removed

    def active(self, at: datetime) -> bool:
        return self.until is None or at < self.until


class ScanWriter(Protocol):
    """A scan being saved host by host, so a killed process keeps what finished."""

    scan_id: int

    def add_host(self, result: HostResult) -> None:
        """Keep one finished host; stored at the next `flush` or once a second has passed."""
        ...

    @property
    def pending(self) -> int:
        """Hosts added but not stored yet."""
        ...

    def flush(self) -> None:
        """Store the hosts added so far (one short transaction)."""
        ...

    def finish(self, scan: ScanResult) -> ScanInfo:
        """Store every host not yet added and mark the scan complete (or cancelled)."""
        ...

    def abandon(self) -> None:
        """The scan ended without a result (crash in fleetcheck): mark it interrupted."""
        ...


class Store(Protocol):
    """History of scans. One instance per process; not shared across threads."""

    location: str  # shown to the user ("/home/t/.local/state/fleetcheck/history.sqlite3")
    notices: list[str]  # one-line warnings from opening (import, repair) for the front end to print

    def begin_scan(self, customer: str | None, inventories: Sequence[str], started: datetime,
                   version: str = "") -> ScanWriter: ...

    def save_scan(self, scan: ScanResult) -> ScanInfo:
        """Store a finished scan in one go (import, tests, the dashboard's full rescans)."""
        ...

    def previous_host_result(self, key: HostKey) -> HostResult | None:
        """The newest saved result of this host in which it was reached."""
        ...

    def crash_windows(self, key: HostKey) -> CrashWindows:
        """Per check family, when a scan last really read that family's source on this host."""
        ...

    def list_scans(self, customer_key: str | None = None, since: datetime | None = None,
                   limit: int | None = None) -> list[ScanInfo]:
        """Newest first."""
        ...

    def customers(self) -> list[tuple[str, str | None]]:
        """(customer key, customer name) of every customer with history."""
        ...

    def scan_info(self, scan_id: int) -> ScanInfo: ...

    def load_scan(self, scan_id: int) -> ScanResult:
        """The whole scan with evidence (an interrupted or cancelled one has `cancelled` set)."""
        ...

    def latest_scan(self, customer_key: str, *, include_cancelled: bool = False) -> ScanInfo | None:
        """The newest complete scan of a customer (what a report shows)."""
        ...

    def host_history(self, customer_key: str, host: str, limit: int | None = None,
                     since: datetime | None = None, address: str | None = None) -> list[HostPoint]:
        """One host's state over time, newest first (every address it had, unless `address`)."""
        ...

    def host_results(self, customer_key: str, host: str, limit: int | None = None,
                     address: str | None = None) -> list[HostResult]:
        """One host's full saved results (with evidence), newest first."""
        ...

    def changes(self, new_scan_id: int, old_scan_id: int | None = None) -> Changes:
        """What changed; without `old_scan_id`, since the customer's scan before `new_scan_id`."""
        ...

    def ack(self, customer_key: str, host: str, check_id: str, note: str, who: str | None = None,
            until: datetime | None = None) -> Ack:
        """Acknowledge (or re-acknowledge) a finding; `who` defaults to the login name."""
        ...

    def unack(self, customer_key: str, host: str, check_id: str) -> bool: ...

    def acks(self, customer_key: str | None = None, at: datetime | None = None,
             include_expired: bool = False) -> list[Ack]:
        """Acks in force at `at` (default: now), or all of them with `include_expired`."""
        ...

    def prune(self, older_than: datetime) -> int:
        """Delete scans that started before `older_than`; returns how many."""
        ...

    def close(self) -> None: ...
