"""Scanning into a central PostgreSQL store without ever losing a scan: the local spool.

A scan to `--db postgresql://...` is saved host by host into a local SQLite
store first (the spool: `spool.sqlite3` in $FLEETCHECK_HOME, else the user
data folder), exactly as a scan to a file is, so a killed scanner keeps what
finished. When the scan ends it is sent to PostgreSQL in one transaction
under its UUID and removed from the spool. If the database cannot be
reached at the start, or goes away during the scan, the scan stays in the
spool and `failure` says why; the next run sends every waiting scan, oldest
first, before it scans (a scan sent twice is stored once: the UUID). Reads
(crash windows, the previous result, acknowledgements) come from
PostgreSQL, or from the spool while PostgreSQL cannot be reached.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.store.model import (
    Ack,
    Changes,
    HostKey,
    HostPoint,
    ScanInfo,
    ScanStatus,
    Store,
    StoreError,
)
from fleetcheck.store.postgres.conninfo import check_url, location
from fleetcheck.store.sqlite.backend import SqliteStore
from fleetcheck.store.sqlite.backend import _Writer as SpoolWriter

SPOOL_NAME = "spool.sqlite3"


def spool_path() -> Path:
    """$FLEETCHECK_HOME/spool.sqlite3, else the per-user data folder (~/.local/share/fleetcheck/)."""
    home = os.environ.get("FLEETCHECK_HOME")
    if home:
        return Path(home).expanduser() / SPOOL_NAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("fleetcheck")) / SPOOL_NAME


@dataclass(frozen=True)
class Spooled:
    """A scan that is in the spool, not in the central store (yet)."""

    reason: str  # what failed, one line, no password
    spool: str  # where the scan is kept
    waiting: int  # scans in the spool waiting to be sent, this one included
    database: str  # where they will be sent

    def line(self) -> str:
        n = f"{self.waiting} scan{'s' if self.waiting != 1 else ''}"
        return (f"warning: scan not sent to {self.database} ({self.reason}); kept in the spool {self.spool} "
                f"({n} waiting), sent on the next run")

    def to_dict(self) -> dict[str, object]:
        return {"saved": "spool", "database": self.database, "error": self.reason, "spool": self.spool,
                "waiting": self.waiting}


class SpoolingStore:
    """A PostgreSQL store seen through the local spool (see the module docstring)."""

    def __init__(self, url: str, spool: Path | None = None) -> None:
        from fleetcheck.store.postgres.backend import PostgresStore

        self.url = check_url(url)
        self.location = location(url)
        self.spool = SqliteStore(spool or spool_path())
        self.notices: list[str] = self.spool.notices
        self.spooled: Spooled | None = None  # set when the last scan stayed in the spool
        self.failure: str | None = None
        self.remote: PostgresStore | None = None
        try:
            self.remote = PostgresStore(url)
        except StoreError as exc:
            self.failure = _reason(str(exc), self.location)
        if self.remote is not None:
            self.send_waiting()

    # --- sending --------------------------------------------------------------------------

    def waiting(self) -> list[ScanInfo]:
        """Finished (or interrupted) scans in the spool, oldest first."""
        return [s for s in reversed(self.spool.list_scans()) if s.status is not ScanStatus.RUNNING]

    def send_waiting(self) -> int:
        """Send every waiting scan, oldest first; stops at the first failure (the rest keep waiting)."""
        sent = 0
        waiting = self.waiting()
        for info in waiting:
            if not self._send(info.id):
                left = len(waiting) - sent
                self.notices.append(f"warning: {left} spooled scan{'s' if left != 1 else ''} in "
                                    f"{self.spool.location} could not be sent to {self.location} "
                                    f"({self.failure}); tried again on the next run")
                break
            sent += 1
        if sent:
            self.notices.append(f"history: sent {sent} spooled scan{'s' if sent != 1 else ''} from "
                                f"{self.spool.location} to {self.location}")
        return sent

    def _send(self, spool_id: int, scan: ScanResult | None = None) -> ScanInfo | None:
        """Send one spooled scan (`scan`: the same scan still in memory, spares reading it back)."""
        if self.remote is None:
            return None
        info = self.spool.scan_info(spool_id)
        scan_uuid = self.spool.scan_uuid(spool_id)
        if scan_uuid is None:  # cannot happen in a spool (always schema 2+); never send without one
            return None
        try:
            whole = scan if scan is not None else self.spool.load_scan(spool_id)
            stored = self.remote.deliver(whole, scan_uuid, info.status)
        except StoreError as exc:
            self.failure = _reason(str(exc), self.location)
            return None
        self.spool.forget([spool_id])
        return stored

    def _settle(self, spool_info: ScanInfo, scan: ScanResult | None = None) -> ScanInfo:
        """After a scan is in the spool: send it, or say that it stays there."""
        stored = self._send(spool_info.id, scan)
        if stored is not None:
            self.spooled = None
            return stored
        self.spooled = Spooled(self.failure or "not reachable", self.spool.location, len(self.waiting()),
                               self.location)
        return spool_info

    # --- saving ---------------------------------------------------------------------------

    def begin_scan(self, customer: str | None, inventories: Sequence[str], started: datetime,
                   version: str = "") -> _Writer:
        return _Writer(self, self.spool.begin_scan(customer, inventories, started, version))

    def save_scan(self, scan: ScanResult) -> ScanInfo:
        return self._settle(self.spool.save_scan(scan), scan)

    # --- reading: the central store, or the spool while it cannot be reached ----------------

    def _reader(self) -> Store:
        return self.remote if self.remote is not None else self.spool

    def previous_host_result(self, key: HostKey) -> HostResult | None:
        return self._reader().previous_host_result(key)

    def crash_windows(self, key: HostKey) -> CrashWindows:
        return self._reader().crash_windows(key)

    def list_scans(self, customer_key: str | None = None, since: datetime | None = None,
                   limit: int | None = None) -> list[ScanInfo]:
        return self._reader().list_scans(customer_key, since, limit)

    def customers(self) -> list[tuple[str, str | None]]:
        return self._reader().customers()

    def scan_info(self, scan_id: int) -> ScanInfo:
        return self._reader().scan_info(scan_id)

    def load_scan(self, scan_id: int) -> ScanResult:
        return self._reader().load_scan(scan_id)

    def latest_scan(self, customer_key: str, *, include_cancelled: bool = False) -> ScanInfo | None:
        return self._reader().latest_scan(customer_key, include_cancelled=include_cancelled)

    def host_history(self, customer_key: str, host: str, limit: int | None = None,
                     since: datetime | None = None, address: str | None = None) -> list[HostPoint]:
        return self._reader().host_history(customer_key, host, limit, since, address)

    def host_results(self, customer_key: str, host: str, limit: int | None = None,
                     address: str | None = None) -> list[HostResult]:
        return self._reader().host_results(customer_key, host, limit, address)

    def changes(self, new_scan_id: int, old_scan_id: int | None = None) -> Changes:
        return self._reader().changes(new_scan_id, old_scan_id)

    def ack(self, customer_key: str, host: str, check_id: str, note: str, who: str | None = None,
            until: datetime | None = None) -> Ack:
        return self._reader().ack(customer_key, host, check_id, note, who, until)

    def unack(self, customer_key: str, host: str, check_id: str) -> bool:
        return self._reader().unack(customer_key, host, check_id)

    def acks(self, customer_key: str | None = None, at: datetime | None = None,
             include_expired: bool = False) -> list[Ack]:
        return self._reader().acks(customer_key, at, include_expired)

    def prune(self, older_than: datetime) -> int:
        return self._reader().prune(older_than)

    def close(self) -> None:
        if self.remote is not None:
            self.remote.close()
        self.spool.close()


def _reason(message: str, where: str) -> str:
    """A store error without the location it starts with (the line names the database already)."""
    prefix = f"{where}: "
    return message[len(prefix):] if message.startswith(prefix) else message


class _Writer:
    """The spool's host-by-host writer; at the end the scan is sent (or stays in the spool)."""

    def __init__(self, store: SpoolingStore, inner: SpoolWriter) -> None:
        self._store = store
        self._inner = inner
        self.scan_id = inner.scan_id

    def add_host(self, result: HostResult) -> None:
        self._inner.add_host(result)

    @property
    def pending(self) -> int:
        return self._inner.pending

    def flush(self) -> None:
        self._inner.flush()

    def finish(self, scan: ScanResult) -> ScanInfo:
        # the scan in memory is what the spool now holds when it has every host added so far
        added = self._inner.saved_hosts()
        whole = scan if added <= {(h.name, h.address) for h in scan.hosts} else None
        info = self._store._settle(self._inner.finish(scan), whole)
        self.scan_id = info.id
        return info

    def abandon(self) -> None:
        self._inner.abandon()
        self._store._settle(self._store.spool.scan_info(self._inner.scan_id))
