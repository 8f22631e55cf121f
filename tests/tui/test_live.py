"""Live behaviour: results streaming in, cursor stability, CRIT notifications,
auto-rescan, and quitting while a scan still runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from fleetcheck.core.contracts import Collection
from fleetcheck.core.engine import ScanEngine
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State
from fleetcheck.tui import scanning

from .fixed_fleet import FixedCollector, ev
from .helpers import big_fleet, make_app, run, settle, shown, table
from .test_keys import capture_notes


def gated(collector: FixedCollector, names: list[str]) -> None:
    for name in names:
        collector.gates[name] = asyncio.Event()


async def release(collector: FixedCollector, names: list[str] | None = None) -> None:
    for name, gate in collector.gates.items():
        if names is None or name in names:
            gate.set()


def test_highlighted_host_stays_highlighted_and_in_place_while_rows_resort() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(80)
        collector = FixedCollector(results)
        late = [n for i, n in enumerate(results) if i % 2]  # every other host reports later
        gated(collector, late)
        app = make_app(collector, inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause(0.3)
            t = table(app)
            await pilot.press("G", "k", "k", "k")  # the user navigates down into a scrolled view
            name = t.highlighted_name
            offset = t.cursor_row - int(t.scroll_y)
            assert name is not None and t.scroll_y > 0
            order_before = shown(app)
            await release(collector)
            await settle(app, pilot)
            assert shown(app) != order_before  # rows really moved (worst first)
            assert t.highlighted_name == name
            assert t.cursor_row - int(t.scroll_y) == offset
    run(scenario)


def test_cursor_stays_on_the_worst_host_until_the_user_moves() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(20)
        collector = FixedCollector(results)
        gated(collector, list(results))
        app = make_app(collector, inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause(0.2)
            await release(collector, ["host-007"])  # a CRIT host (i % 5 == 2)
            await pilot.pause(0.2)
            assert table(app).highlighted_name == "host-007"
            await release(collector)
            await settle(app, pilot)
            assert table(app).cursor_row == 0
            assert app.fleet.entries[table(app).highlighted_name or ""].state is State.CRIT
    run(scenario)


def test_user_sort_wins_over_worst_first() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(20)
        collector = FixedCollector(results)
        gated(collector, list(results))
        app = make_app(collector, inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause(0.2)
            await pilot.press("s")  # by name
            await release(collector)
            await settle(app, pilot)
            assert shown(app) == sorted(results)
    run(scenario)


def test_results_update_cells_without_rebuilding_the_table() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(40)
        collector = FixedCollector(results)
        gated(collector, list(results))
        app = make_app(collector, inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause(0.2)
            t = table(app)
            rebuilds = 0
            original = t.show

            def counting_show(*a: Any, **kw: Any) -> None:
                nonlocal rebuilds
                rebuilds += 1
                original(*a, **kw)

            t.show = counting_show  # type: ignore[method-assign]
            for name in results:
                await release(collector, [name])
                await asyncio.sleep(0.005)
            await settle(app, pilot)
            assert rebuilds == 0
            assert all(e.result is not None for e in app.fleet.entries.values())
            assert t.row_count == 40
    run(scenario)


def test_notification_when_a_host_turns_crit() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(120, 30)) as pilot:
            notes = capture_notes(app)
            await settle(app, pilot)
            assert not [m for m, _ in notes if "turned CRIT" in m]  # first sight is not a change
            collector.results["pc-buchhaltung"] = Collection([CheckResult(
                "fs.used:C:", State.CRIT, "C: 97% used (crit at 90%)",
                evidence=(ev("Get-Volume", "C 3GB free"),))])
            app.rescan(["pc-buchhaltung"])
            await settle(app, pilot)
            crit = [(m, kw) for m, kw in notes if "turned CRIT" in m]
            assert crit == [("pc-buchhaltung turned CRIT: C: 97% used (crit at 90%)",
                             {"title": "CRIT", "severity": "error", "markup": False})]
    run(scenario)


def test_hosts_turning_crit_soon_after_are_told_together_none_lost(monkeypatch: Any) -> None:
    import fleetcheck.tui.app as app_module

    monkeypatch.setattr(app_module, "CRIT_NOTIFY_EVERY", 600.0)  # the window ends when the test says

    def crit(name: str) -> Collection:
        return Collection([CheckResult("fs.used:/", State.CRIT, f"{name} 99% used",
                                       evidence=(ev("df", "99%"),))])

    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(120, 30)) as pilot:
            notes = capture_notes(app)
            await settle(app, pilot)
            turning = ["pc-buchhaltung", "srv-files", "srv-backup"]
            for name in turning:  # one rescan each, well within one notification's time
                collector.results[name] = crit(name)
                app.rescan([name])
                await settle(app, pilot)
            crit_notes = [m for m, _ in notes if "turned CRIT" in m]
            assert crit_notes == ["pc-buchhaltung turned CRIT: pc-buchhaltung 99% used"]  # at once
            app._tell_crit()  # what the window's timer does when it ends
            crit_notes = [m for m, _ in notes if "turned CRIT" in m]
            assert crit_notes[1:] == ["2 hosts turned CRIT: srv-files, srv-backup"]  # then together
            app._tell_crit()  # a window without news tells nothing and ends
            assert len([m for m, _ in notes if "turned CRIT" in m]) == 2
    run(scenario)


def test_auto_rescan_runs_on_its_interval_and_pause_stops_it() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector, interval=0.3)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.pause(0.5)
            await settle(app, pilot)
            assert collector.calls["srv-files"] >= 2
            await pilot.press("p")
            calls = collector.calls["srv-files"]
            await pilot.pause(0.8)
            await settle(app, pilot)
            assert collector.calls["srv-files"] == calls
    run(scenario)


@pytest.mark.timeout(15)
def test_quitting_while_a_scan_runs_cancels_it_and_exits() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        gated(collector, ["srv-files", "pc-lager"])  # these never answer
        app = make_app(collector)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause(0.2)
            assert app.runner.running
            await pilot.press("q")
        assert app.return_code == 0
        assert not app.runner.running
        assert collector.closed
    run(scenario)


def test_detail_screen_follows_a_rescan() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.open_detail("srv-files")
            await pilot.pause()
            collector.results["srv-files"] = Collection([CheckResult(
                "mem.used", State.WARN, "memory 85% used", evidence=(ev("/proc/meminfo", "x", "file"),))])
            await pilot.press("r")
            await settle(app, pilot)
            body = app.screen.query_one("#detail-body").render()
            assert "memory 85% used" in str(body)
    run(scenario)


def test_a_failing_scan_is_reported_and_leaves_no_host_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenEngine(ScanEngine):
        async def run(self, hosts: Any, on_event: Any, **kw: Any) -> Any:
            raise RuntimeError("boom")

    monkeypatch.setattr(scanning, "ScanEngine", BrokenEngine)

    async def scenario() -> None:
        app = make_app()
        notes = capture_notes(app)  # the first scan starts while the app mounts
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            assert ("the scan failed: RuntimeError: boom", {"severity": "error", "markup": False}) in notes
            assert not any(e.scanning for e in app.fleet.entries.values())
            assert "not checked yet" in [e.finding() for e in app.fleet.entries.values()]
            assert not app.full_scan_running
    run(scenario)
