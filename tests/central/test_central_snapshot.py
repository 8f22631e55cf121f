"""SVG snapshot of the central view: two customers, one of them stale (fixed clock, UTC)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.store.helpers import check, host
from tests.tui.helpers import Clock
from textual.pilot import Pilot

from fleetcheck.core.states import State
from fleetcheck.store.feed.sqlite import SqliteFeed

from .helpers import SCHMIDT, T0, make_central, rows, save, scan, seed, until


def test_central_view_with_a_stale_customer(snap_compare: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)
    at = T0 + timedelta(hours=2, minutes=50)
    save(db, scan(at, SCHMIDT, host("pc-01", check("apps.crashes", State.CRIT, "5 crashes"), at=at),
                  host("nas", check("mem.used"), at=at)))
    feed = SqliteFeed(db, poll=0.05)
    feed.location = "history.sqlite3"  # not the temporary folder's name
    app = make_central(feed, db, clock=Clock(T0 + timedelta(hours=3)), stale_after=timedelta(hours=1))

    async def before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: len(rows(app)) == 4, "four rows")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(140, 14), run_before=before)
