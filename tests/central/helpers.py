"""The central view in tests: the real app on a real store (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from tests.store.helpers import check, host
from tests.tui.helpers import Clock
from textual.pilot import Pilot

from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.store import Store, open_store
from fleetcheck.store.central import CentralReader, row_history
from fleetcheck.store.feed import ScanFeed
from fleetcheck.tui.central_app import CentralApp
from fleetcheck.tui.widgets.host_table import HostTable

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
MUELLER, SCHMIDT = "Müller Steuerberatung GmbH", "Schmidt & Söhne KG"
WAIT = 30.0  # seconds a test waits for something that should come at once (never asserted on)


def scan(at: datetime, customer: str, *hosts: HostResult, cancelled: bool = False) -> ScanResult:
    return ScanResult(at, at + timedelta(seconds=5), hosts, customer, (f"/inv/{customer[:3]}.yaml",),
                      cancelled, "0.1.0")


def seed(db: str) -> None:
    """Two customers; Müller has an older scan (pc-01 CRIT then) and a newer one (pc-01 OK)."""
    store = open_store(db, import_legacy=False)
    try:
        store.save_scan(scan(T0, MUELLER, host("pc-01", check("fs.used:/", State.CRIT, "/ 97% used"), at=T0),
                             host("srv", check("mem.used"), at=T0)))
        at = T0 + timedelta(hours=1)
        store.save_scan(scan(at, MUELLER, host("pc-01", check("fs.used:/"), at=at),
                             host("srv", check("mem.used", State.WARN, "memory 85% used"), at=at)))
        crashes = check("apps.crashes", State.CRIT, "5 crashes")
        store.save_scan(scan(at, SCHMIDT, host("pc-01", crashes, at=at),
                             host("drucker", reach=Reachability.UNREACHABLE, at=at)))
    finally:
        store.close()


def save(db: str, result: ScanResult) -> None:
    store = open_store(db, import_legacy=False)
    try:
        store.save_scan(result)
    finally:
        store.close()


def make_central(feed: ScanFeed, db: str, customer: str | None = None,
                 clock: Clock | None = None, **kw: Any) -> CentralApp:
    def opener() -> Store:
        return open_store(db, import_legacy=False)

    return CentralApp(feed, CentralReader(opener, customer), clock=clock or Clock(T0 + timedelta(hours=2)),
                      tz=UTC, history=partial(row_history, opener), **kw)


def rows(app: CentralApp) -> list[tuple[str, ...]]:
    t = app.main_screen.query_one(HostTable)
    return [tuple(t.row_texts(k)) for k in t.shown_names]


def header(app: CentralApp) -> str:
    from fleetcheck.tui.widgets.summary import SummaryBar

    return str(app.main_screen.query_one(SummaryBar).render())


async def until(pilot: Pilot[Any], cond: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.05)


__all__ = [
    "MUELLER",
    "SCHMIDT",
    "T0",
    "CheckResult",
    "header",
    "make_central",
    "rows",
    "save",
    "scan",
    "seed",
    "until",
]
