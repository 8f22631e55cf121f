"""The central view on a SQLite history: the same app and reader as on PostgreSQL, news by
data_version instead of LISTEN/NOTIFY."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.store.helpers import check, host
from tests.tui.helpers import Clock, run

from fleetcheck.core.states import State
from fleetcheck.store.feed.sqlite import SqliteFeed
from fleetcheck.tui.screens.detail import DetailScreen

from .helpers import MUELLER, SCHMIDT, T0, header, make_central, rows, save, scan, seed, until


def test_every_customers_newest_complete_scan_one_row_per_host(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)
    save(db, scan(T0 + timedelta(hours=1, minutes=30), MUELLER,
                  host("pc-01", check("fs.used:/", State.CRIT, "cancelled run")), cancelled=True))

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "four rows")
            got = sorted((r[1], r[2], r[0]) for r in rows(app))
            assert got == [(MUELLER, "pc-01", "✔ OK"), (MUELLER, "srv", "▲ WARN"),
                           (SCHMIDT, "drucker", "⊘ CRIT"), (SCHMIDT, "pc-01", "✖ CRIT")]
            assert [c.key for c in app.main_screen.table.columns][:3] == ["state", "customer", "name"]
            top = header(app)
            assert "central · 2 customers" in top and "live (polling the file's data_version" in top
            assert "STALE" not in top and "without a complete scan" not in top
            # detail of one customer's pc-01 is that customer's, with its saved history
            await pilot.press("/")
            await pilot.press(*"customer:schmidt name:pc", "enter")
            assert [r[1:3] for r in rows(app)] == [(SCHMIDT, "pc-01")]
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            await until(pilot, lambda: app.screen.history is not None, "history read")  # type: ignore[attr-defined]
            assert app.screen.history_error is None  # type: ignore[attr-defined]
            assert [p.state for p in app.screen.history] == [State.CRIT]  # type: ignore[attr-defined]
    run(scenario)


def test_a_scan_saved_elsewhere_appears_without_a_key(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "four rows")
            at = T0 + timedelta(hours=1, minutes=45)
            save(db, scan(at, SCHMIDT, host("pc-01", check("apps.crashes"), at=at), host("nas", at=at)))
            await until(pilot, lambda: any(r[2] == "nas" for r in rows(app)), "the new scan's host")
            schmidt = sorted((r[2], r[0]) for r in rows(app) if r[1] == SCHMIDT)
            assert schmidt == [("nas", "? UNKNOWN"), ("pc-01", "✔ OK")]  # drucker is not in the newest scan
    run(scenario)


def test_customer_option_shows_one_customer(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db, customer="schmidt & söhne kg")
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 2, "two rows")
            assert {r[1] for r in rows(app)} == {SCHMIDT}
            assert "customer schmidt & söhne kg · 1 customer" in header(app)
    run(scenario)


def test_a_customer_not_heard_from_for_long_is_stale_never_green(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)
    clock = Clock(T0 + timedelta(hours=2))

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db, clock=clock, stale_after=timedelta(hours=26))
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "four rows")
            table = app.main_screen.table
            ok_row = next(k for k in table.shown_names if table.rows.entries[k].state is State.OK)
            assert not any("STALE" in r[6] for r in rows(app))
            green = table.cells_for(table.rows.entries[ok_row], clock())["state"][1]
            at = T0 + timedelta(hours=20)  # Schmidt reports again; Müller's scanner stays silent
            save(db, scan(at, SCHMIDT, host("pc-01", check("apps.crashes"), at=at)))
            await until(pilot, lambda: len(rows(app)) == 3, "Schmidt's newer scan")
            clock.advance(hours=26)
            app._tick()  # the 30 s age refresh, now
            await pilot.pause()
            by_customer = {r[1]: r for r in rows(app)}
            assert "STALE, last scan 1d ago" in by_customer[MUELLER][6]
            assert "STALE" not in by_customer[SCHMIDT][6]
            state_style = table.cells_for(table.rows.entries[ok_row], clock())["state"][1]
            assert state_style != green  # the OK of 27 h ago is muted, not green
            assert f"1 STALE, no scan for > 26 h: {MUELLER} 1d" in header(app)
            await pilot.press("5")  # quick view "stale": Müller's hosts
            assert {r[1] for r in rows(app)} == {MUELLER}
    run(scenario)


def test_it_never_scans_and_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "four rows")
            main = app.main_screen
            for action in ("rescan_all", "rescan_host", "pause", "export"):
                assert main.check_action(action, ()) is None
            await pilot.press("R", "r")
            assert not app.runner.running
            await pilot.press("question_mark")
            await pilot.pause()
            body = str(app.screen.body)  # type: ignore[attr-defined]
            assert "the central view does not scan" in body
    run(scenario)


def test_a_customer_without_a_complete_scan_is_counted_not_hidden(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)
    save(db, scan(T0, "Neu GmbH", host("pc-01", check("mem.used")), cancelled=True))

    async def scenario() -> None:
        app = make_central(SqliteFeed(db, poll=0.05), db)
        async with app.run_test(size=(200, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "four rows")
            assert "2 customers (+1 without a complete scan)" in header(app)
            assert "Neu GmbH" not in {r[1] for r in rows(app)}
    run(scenario)
