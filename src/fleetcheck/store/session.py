"""History as one scan or dashboard session of one inventory sees it: the seam front ends wire in.

The session builder (scan, tui, report) opens one `ScanHistory` per
inventory and hands its pieces to the engine and the front end:
`windows` (where each host's crash windows start), `recorder()` (an event
sink that saves the scan host by host, so a killed scan keeps what
finished), `save` (a whole scan at once), and a host's past for the
detail screen. Nothing here knows SQL; `Store` does the storing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.events import Event, HostFinished, ScanFinished, ScanStarted
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.store import identity
from fleetcheck.store.model import HostPoint, ScanInfo, ScanWriter, Store

if TYPE_CHECKING:
    from fleetcheck.store.spool import Spooled


class ScanHistory:
    def __init__(self, store: Store, customer: str | None, inventories: Sequence[str]) -> None:
        self.store = store
        self.customer = customer
        self.inventories = tuple(inventories)
        self.customer_key = identity.customer_key(customer, inventories)
        warning = identity.no_customer_warning(customer, inventories)
        self.notices: list[str] = [*store.notices, *([warning] if warning else [])]
        store.notices.clear()

    @classmethod
    def open(cls, db: str | Path | None, customer: str | None, inventories: Sequence[str]) -> ScanHistory:
        from fleetcheck.store import open_store

        return cls(open_store(db, spool=True), customer, inventories)

    def spooled(self) -> Spooled | None:
        """Set when the last scan stayed in the local spool (the central store could not take it)."""
        from fleetcheck.store.spool import SpoolingStore

        return self.store.spooled if isinstance(self.store, SpoolingStore) else None

    def take_notices(self) -> list[str]:
        """Warnings so far (opening, import, repaired records), each handed out once."""
        out = [*self.notices, *self.store.notices]
        self.notices.clear()
        self.store.notices.clear()
        return out

    def windows(self, host: Host) -> CrashWindows:
        return self.store.crash_windows(identity.host_key(self.customer_key, host.name, host.address))

    def previous(self, host: Host) -> HostResult | None:
        return self.store.previous_host_result(identity.host_key(self.customer_key, host.name, host.address))

    def acks(self) -> dict[tuple[str, str], str]:
        """Acknowledgements in force: (host, check id) -> "by WHO[, until DATE]: NOTE"."""
        out = {}
        for a in self.store.acks(self.customer_key):
            until = f", until {a.until:%Y-%m-%d %H:%M} UTC" if a.until else ""
            out[(a.host, a.check_id)] = f"by {a.who}{until}: {a.note}"
        return out

    def recorder(self) -> Recorder:
        return Recorder(self)

    def save(self, scan: ScanResult) -> ScanInfo:
        return self.store.save_scan(scan)

    def host_history(self, name: str, limit: int | None = 20) -> list[HostPoint]:
        return self.store.host_history(self.customer_key, name, limit)

    def host_scans(self, name: str, limit: int | None = 20) -> list[ScanResult]:
        """The dashboard's per-host history: one single-host scan per saved result, newest first."""
        out = []
        for r in self.store.host_results(self.customer_key, name, limit):
            started = r.started or r.finished
            if started is not None:
                out.append(ScanResult(started, r.finished or started, (r,), self.customer, self.inventories))
        return out

    def close(self) -> None:
        self.store.close()


FLUSH_DELAY = 1.0  # seconds a finished host may wait before it is stored


class Recorder:
    """An engine event sink that saves the scan as it runs (see the module docstring).

    Errors while saving never stop the scan: the first one is kept in
    `error` for the front end to report, and saving stops.
    """

    def __init__(self, history: ScanHistory) -> None:
        self._history = history
        self._writer: ScanWriter | None = None
        self.error: Exception | None = None
        self.saved: ScanInfo | None = None
        self._timer: asyncio.TimerHandle | None = None

    def __call__(self, event: Event) -> None:
        if self.error is not None:
            return
        try:
            if isinstance(event, ScanStarted):
                h = self._history
                self._writer = h.store.begin_scan(h.customer, h.inventories, event.started)
            elif isinstance(event, HostFinished) and self._writer is not None:
                self._writer.add_host(event.result)
                self._flush_soon()
            elif isinstance(event, ScanFinished) and self._writer is not None:
                if self._timer is not None:
                    self._timer.cancel()
                self.saved = self._writer.finish(event.result)
        except Exception as exc:  # a full disk or a locked database must not end the scan
            self.error = exc

    def _flush_soon(self) -> None:
        """Finished hosts are stored within a second even when the rest of the scan hangs."""
        if self._writer is None or not self._writer.pending or self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the engine's loop: store now
            self._flush()
            return
        self._timer = loop.call_later(FLUSH_DELAY, self._flush)

    def _flush(self) -> None:
        self._timer = None
        if self._writer is None or self.error is not None:
            return
        try:
            self._writer.flush()
        except Exception as exc:  # as above: reported once by the front end
            self.error = exc
