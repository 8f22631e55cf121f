"""Every customer's latest state, read from the store only where it changed (no UI here).

The central dashboard shows, per customer, the hosts of its newest complete
scan (what a report shows; a newer running, cancelled or interrupted scan
does not replace it). `LatestScans` remembers which scan it handed out per
customer and, told of a save, reads just that customer's newest scan id and,
only when it is new, the scan itself.

`CentralReader` runs that in one thread that owns the store (a store is not
shared across threads): requests are queued, several pending ones are read
in one go, and a failure closes the store, is reported, and is retried until
it works again. Requests that come within 0.1 s are read together, so a burst
of saves from many scanners costs one read and one repaint, not one each.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fleetcheck.core.results import ScanResult, utcnow
from fleetcheck.core.text import clean
from fleetcheck.store.model import ScanInfo, Store

RETRY = 2.0  # seconds between two tries after the store failed
BATCH = 0.1  # seconds the reader gathers requests before it reads: a burst of saves, one read


@dataclass(frozen=True)
class CustomerScan:
    customer_key: str
    customer: str | None
    info: ScanInfo
    scan: ScanResult


@dataclass(frozen=True)
class Read:
    """Customers whose newest complete scan changed, read at `at`; `full`: every customer was looked at."""

    at: datetime
    scans: tuple[CustomerScan, ...]
    full: bool
    known: tuple[tuple[str, str | None], ...]  # every customer the store has (key, name); full reads only


@dataclass(frozen=True)
class ReadFailed:
    since: datetime
    reason: str


def customer_matches(wanted: str | None, key: str, name: str | None) -> bool:
    """`--customer X`: the customer's name as written (any case) or its key."""
    if wanted is None:
        return True
    return key == wanted or (name is not None and name.casefold() == wanted.casefold())


class LatestScans:
    def __init__(self, store: Store, customer: str | None = None,
                 shown: dict[str, int] | None = None) -> None:
        self.store = store
        self.customer = customer
        self.shown = {} if shown is None else shown  # customer key -> id of the scan handed out

    def read(self, customer_keys: set[str] | None) -> Read:
        """Look at these customers (None: all of them); return those with a newer complete scan."""
        store = self.store
        # a notification names its customer: then no list of every customer is asked for
        known = store.customers() if customer_keys is None else []
        keys = [k for k, _ in known] if customer_keys is None else sorted(customer_keys)
        out = []
        for key in keys:
            info = store.latest_scan(key)
            if (info is None or self.shown.get(key) == info.id
                    or not customer_matches(self.customer, key, info.customer)):
                continue
            out.append(CustomerScan(key, info.customer, info, store.load_scan(info.id)))
            self.shown[key] = info.id
        return Read(utcnow(), tuple(out), customer_keys is None, tuple(known))


ALL = None  # a request to look at every customer


class CentralReader:
    """Reads in its own thread (`run`); `request()` may be called from any thread."""

    def __init__(self, open_store: Callable[[], Store], customer: str | None = None) -> None:
        self._open = open_store
        self.customer = customer
        self._requests: queue.Queue[str | None] = queue.Queue()
        self._latest: LatestScans | None = None
        self._shown: dict[str, int] = {}

    def request(self, customer_key: str | None) -> None:
        """Look at one customer (a notification named it), or at all (None)."""
        self._requests.put(customer_key)

    def run(self, emit: Callable[[Read | ReadFailed], object], stop: threading.Event) -> None:
        failed = False
        pending: set[str] | None = set()
        while not stop.is_set():
            try:
                first = self._requests.get(timeout=RETRY if failed else 0.5)
            except queue.Empty:
                if not failed:
                    continue
                first = ALL  # retry everything after a failure
            pending = _merge(pending, first)
            if not failed:  # saves come in bursts (many scanners): one read, one repaint for them
                stop.wait(BATCH)
            while True:  # take every request queued meanwhile
                try:
                    pending = _merge(pending, self._requests.get_nowait())
                except queue.Empty:
                    break
            try:
                result = self._read(pending)
            except Exception as exc:  # the database went away, or refused: shown, then retried
                self._close()
                failed, pending = True, ALL
                emit(ReadFailed(utcnow(), clean(f"{type(exc).__name__}: {exc}")))
                continue
            failed, pending = False, set()
            emit(result)
        self._close()

    def _read(self, keys: set[str] | None) -> Read:
        if self._latest is None:
            self._latest = LatestScans(self._open(), self.customer, self._shown)  # survives reconnects
        return self._latest.read(keys)

    def _close(self) -> None:
        if self._latest is not None:
            latest, self._latest = self._latest, None
            with contextlib.suppress(Exception):  # closing a broken connection may fail; it is gone
                latest.store.close()


def row_history(open_store: Callable[[], Store], key: str, limit: int = 20) -> list[ScanResult]:
    """A central row's saved results, newest first, as one-host scans (the detail screen's history;
    runs in its worker thread, so it opens a store of its own). `key`: customer key NUL host name."""
    customer_key, _, name = key.partition("\0")
    store = open_store()
    try:
        out = []
        for r in store.host_results(customer_key, name, limit):
            started = r.started or r.finished
            if started is not None:
                out.append(ScanResult(started, r.finished or started, (r,)))
        return out
    finally:
        store.close()


def _merge(pending: set[str] | None, request: str | None) -> set[str] | None:
    if pending is None or request is None:
        return None
    return pending | {request}
