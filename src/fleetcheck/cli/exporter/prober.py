"""A host scanned per `/probe` request of `fleetcheck exporter`: single-flight, within the scrape's deadline.

Runs on the exporter's event loop. Every scan goes through the session's own
engine (inventory, collectors with kept SSH connections, history), one host at a
time. Concurrent probes of one host share the scan already running for it
(single-flight): a burst of scrapers costs one scan, not one each. A probe never
waits past its own deadline: if the scan it joined has not finished by then it
answers with the host as timed out (UNKNOWN, the reason says why), never with an
older result. There is no cache: each scan's result is handed to the probes that
waited for it and then dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from fleetcheck import __version__
from fleetcheck.core.engine import unreachable_result
from fleetcheck.core.events import Event, HostFinished, ScanFinished
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import HostResult, ScanResult, utcnow
from fleetcheck.core.session import ScanSession
from fleetcheck.core.states import Reachability

SCRAPE_FIX = msg("exporter.scrape.fix")

SCAN_MARGIN = 0.1  # seconds between the scan's deadline and the probe's
MIN_SCAN = 0.1  # seconds a scan gets however short the scrape's timeout
NO_HEADER_SPARE = 1.0  # seconds beyond the host's timeout for a probe without a scrape deadline


@dataclass(frozen=True)
class Probe:
    scan: ScanResult  # one host
    outcome: str  # "scanned": this probe started the scan; "shared": it joined one; "deadline": no result


class Prober:
    """Scans one inventory host per call; `on_scan` is told when a scan starts (+1) and ends (-1)."""

    def __init__(self, session: ScanSession, on_scan: Callable[[int], None] = lambda _delta: None) -> None:
        self.session = session
        self.hosts = {h.name: h for h in session.inventory.hosts}
        self._on_scan = on_scan
        self._flights: dict[str, tuple[asyncio.Task[ScanResult], float]] = {}  # name -> (scan, its start)
        self._slots: asyncio.Semaphore | None = None  # made on the loop that runs the scans
        self.save_error: Exception | None = None  # the first history write that failed

    def _own_timeout(self, host: Host) -> float:
        return host.timeout if host.timeout is not None else self.session.engine_options.host_timeout

    def budget(self, name: str, scrape: float | None) -> float:
        """Seconds a probe of `name` may take: `scrape` (from the scrape's timeout header), or without
        one (curl, a browser) the host's own timeout and a second to spare."""
        return scrape if scrape is not None else self._own_timeout(self.hosts[name]) + NO_HEADER_SPARE

    async def probe(self, name: str, budget: float) -> Probe:
        """The host's result from a scan running now, within `budget` seconds.
        Raises KeyError for a host not in the inventory."""
        host = self.hosts[name]
        started = utcnow()
        running = self._flights.get(name)
        outcome = "shared" if running is not None else "scanned"
        if running is None:
            running = asyncio.ensure_future(self._scan(host, budget)), time.monotonic()
            self._flights[name] = running
            running[0].add_done_callback(lambda done: self._land(name, done))
        flight, since = running
        # wait() does not cancel the flight at the deadline: other probes may still want it
        done, _ = await asyncio.wait({flight}, timeout=budget)
        if done:
            return Probe(flight.result(), outcome)
        why = msg("exporter.late", budget=budget, ago=time.monotonic() - since,
                  started_by="exporter.late.other" if outcome == "shared" else "exporter.late.this")
        late = unreachable_result(host, Reachability.TIMEOUT, why, SCRAPE_FIX, why.en, started)
        return Probe(self._scan_of(late), "deadline")

    def stop(self) -> None:
        """Stop every running scan (the exporter is shutting down)."""
        for flight, _since in list(self._flights.values()):
            flight.cancel()

    def _land(self, name: str, flight: asyncio.Task[ScanResult]) -> None:
        if name in self._flights and self._flights[name][0] is flight:
            del self._flights[name]
        if not flight.cancelled():
            flight.exception()  # retrieved here; every waiter re-raises it

    def _scan_of(self, result: HostResult, cancelled: bool = False) -> ScanResult:
        inventory = self.session.inventory
        return ScanResult(result.started or utcnow(), result.finished or utcnow(), (result,),
                          inventory.customer, inventory.files, cancelled=cancelled, version=__version__)

    async def _scan(self, host: Host, budget: float) -> ScanResult:
        deadline = time.monotonic() + budget
        if self._slots is None:
            self._slots = asyncio.Semaphore(max(1, self.session.engine_options.concurrency))
        started = utcnow()
        queued = self._slots.locked()
        async with self._slots:  # at most --concurrency hosts scanned at once
            own = self._own_timeout(host)
            # a little under the probe's own wait, so the engine's timed-out result is the one it sees
            # (to a tenth of a second, so the result says "timed out after 0.9 s", not 0.899984)
            limit = min(own, math.floor((deadline - time.monotonic() - SCAN_MARGIN) * 10) / 10)
            if not queued:  # a tiny scrape timeout still gets a try, and says it timed out
                limit = max(limit, MIN_SCAN)
            if limit <= 0:
                why = msg("exporter.busy", concurrency=self.session.engine_options.concurrency, budget=budget)
                return self._scan_of(unreachable_result(host, Reachability.TIMEOUT, why, SCRAPE_FIX, why.en,
                                                        started))
            self._on_scan(1)
            try:
                return await self._run(dataclasses.replace(host, timeout=limit), cut=limit < own)
            finally:
                self._on_scan(-1)

    async def _run(self, host: Host, cut: bool) -> ScanResult:
        """One engine run for `host`; `cut`: its deadline is the scrape's, shorter than its own."""
        history = self.session.history
        recorder = None if history is None else history.recorder()

        def sink(event: Event) -> None:
            if recorder is None:
                return
            if cut and isinstance(event, HostFinished):  # saved with the fix that applies here
                event = HostFinished(_scrape_fix(event.result))
            elif cut and isinstance(event, ScanFinished):
                event = ScanFinished(_scrape_fixed(event.result))
            recorder(event)  # saved like a scan's: the next probe's crash windows start here

        inventory = self.session.inventory
        scan = await self.session.engine().run((host,), sink, customer=inventory.customer,
                                               inventories=inventory.files)
        if recorder is not None and recorder.error is not None and self.save_error is None:
            self.save_error = recorder.error  # said once; the metrics are answered all the same
            print(f"fleetcheck: warning: probe results not saved to history: {recorder.error}",
                  file=sys.stderr)
        return _scrape_fixed(scan) if cut else scan


def _scrape_fixed(scan: ScanResult) -> ScanResult:
    return dataclasses.replace(scan, hosts=tuple(_scrape_fix(h) for h in scan.hosts))


def _scrape_fix(result: HostResult) -> HostResult:
    """A host cut off by the scrape's deadline is told to raise that, not --timeout."""
    if not any(c.fix and "timeout" in c.fix for c in result.checks):
        return result
    return dataclasses.replace(result, checks=tuple(
        dataclasses.replace(c, fix=SCRAPE_FIX.en, fix_code=SCRAPE_FIX.code)
        if c.fix and "timeout" in c.fix else c for c in result.checks))
