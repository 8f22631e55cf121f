"""A full scan is saved to the history off the UI's loop, in order, and not lost by quitting;
nothing keeps an ended scan's results alive but the dashboard's own rows."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

from fleetcheck.core.results import ScanResult
from fleetcheck.store.session import ScanHistory

from .fixed_fleet import INVENTORY
from .helpers import make_app, run, settle


def test_the_scan_is_saved_in_a_thread_while_the_dashboard_takes_keys(tmp_path: Path) -> None:
    history = ScanHistory.open(tmp_path / "h.db", INVENTORY.customer, INVENTORY.files)
    release = threading.Event()
    savers: list[int] = []

    def slow_save(scan: ScanResult) -> object:
        savers.append(threading.get_ident())
        release.wait(10)  # a slow disk, or 10,000 hosts
        return history.save(scan)

    async def scenario() -> None:
        app = make_app(on_scan_done=slow_save)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.full_scan_running or not savers:
                await pilot.pause(0.01)
            # the save is under way: the table still moves and the header says the scan ended
            before = app.main_screen.table.cursor_row
            await pilot.press("j")
            assert app.main_screen.table.cursor_row == before + 1
            assert history.store.list_scans(history.customer_key) == []
            release.set()
            await settle(app, pilot)
            assert len(history.store.list_scans(history.customer_key)) == 1
    run(scenario)
    assert savers and threading.get_ident() not in savers


def test_scans_are_saved_one_after_the_other_in_the_order_they_ended(tmp_path: Path) -> None:
    saved: list[ScanResult] = []
    running = threading.Lock()
    overlaps: list[bool] = []

    def save(scan: ScanResult) -> None:
        overlaps.append(not running.acquire(blocking=False))
        try:
            threading.Event().wait(0.05)
            saved.append(scan)
        finally:
            running.release()

    async def scenario() -> None:
        app = make_app(on_scan_done=save)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):  # each scan ends while the one before is still being saved
                while app.full_scan_running:
                    await pilot.pause(0.01)
                app.rescan(None)
            await settle(app, pilot)

    run(scenario)
    assert len(saved) == 4 and not any(overlaps)
    assert [s.started for s in saved] == sorted(s.started for s in saved)


def test_quitting_right_after_a_scan_still_saves_it(tmp_path: Path) -> None:
    history = ScanHistory.open(tmp_path / "h.db", INVENTORY.customer, INVENTORY.files)
    started = threading.Event()

    def slow_save(scan: ScanResult) -> object:
        started.set()
        threading.Event().wait(0.3)
        return history.save(scan)

    async def scenario() -> None:
        app = make_app(on_scan_done=slow_save)
        async with app.run_test(size=(120, 40)) as pilot:
            while not started.is_set():
                await pilot.pause(0.01)
            await pilot.press("q")
    run(scenario)
    assert len(history.store.list_scans(history.customer_key)) == 1


def test_an_ended_scan_is_freed_without_the_cycle_collector() -> None:
    """The Textual worker that ran the scan sits in a reference cycle; it must not hold the
    scan's result, or every rescan's results stay in memory until a full collection."""
    refs: list[weakref.ref[ScanResult]] = []

    async def scenario() -> None:
        app = make_app(on_scan_done=lambda scan: refs.append(weakref.ref(scan)))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            gc.collect()
            gc.disable()  # from here on only reference counting frees anything
            try:
                app.rescan(None)
                await settle(app, pilot)
                assert len(refs) == 2
                assert refs[1]() is None
            finally:
                gc.enable()
    run(scenario)
