"""Row updates applied a time budget at a time: all of them, in order, and a filter or sort
change in the middle shows a table that agrees with the fleet."""

from __future__ import annotations

import asyncio

import pytest

from fleetcheck.core.inventory.model import Host
from fleetcheck.tui.fleet import SORTS, HostEntry
from fleetcheck.tui.formatting import SCANNING
from fleetcheck.tui.screens import main as main_screen
from fleetcheck.tui.update_queue import CHUNK, UpdateQueue

from .fixed_fleet import FixedCollector
from .helpers import big_fleet, make_app, run, settle, table


def entries(n: int) -> list[HostEntry]:
    return [HostEntry(Host(f"h{i:04d}", "linux", f"127.0.2.{i % 250 + 1}")) for i in range(n)]


class StepClock:
    """Time moves on by `step` each time it is read: no wall clock in the test."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_every_update_is_applied_once_in_the_order_it_came() -> None:
    queue = UpdateQueue(StepClock(1.0))
    hosts = entries(3 * CHUNK + 7)
    queue.add(hosts)
    queue.add([hosts[5], hosts[-1]])  # queued again before shown: keeps its place, shown once
    applied: list[list[HostEntry]] = []
    rounds = 0
    while not queue.drain(applied.append, budget=0.5):  # the budget runs out after each chunk
        rounds += 1
    assert rounds == 3 and [len(c) for c in applied] == [CHUNK, CHUNK, CHUNK, 7]
    assert [e.key for c in applied for e in c] == [e.key for e in hosts]
    assert len(queue) == 0


def test_a_generous_budget_applies_everything_at_once_and_clear_drops_the_rest() -> None:
    queue = UpdateQueue(StepClock(0.0))
    queue.add(entries(5 * CHUNK))
    applied: list[list[HostEntry]] = []
    assert queue.drain(applied.append, budget=1.0)
    assert len(applied) == 5
    queue.add(entries(10))
    queue.clear()
    assert queue.drain(applied.append, budget=1.0) and len(applied) == 5


def consistent(app: object) -> None:
    """The table shows exactly the fleet's hosts its view and filter keep, in its sort order."""
    main = app.main_screen  # type: ignore[attr-defined]
    wanted = sorted((e for e in app.fleet.entries.values() if main.keep(e)),  # type: ignore[attr-defined]
                    key=SORTS[main.sort_name][1])
    assert table(app).shown_names == [e.key for e in wanted]  # type: ignore[arg-type]
    for e in wanted:
        assert table(app).row_texts(e.key) == [table(app).cells_for(e, table(app).now)[c.key][0]  # type: ignore[arg-type]
                                               for c in table(app).columns]  # type: ignore[arg-type]


@pytest.fixture
def one_chunk_a_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_screen, "APPLY_BUDGET", 0.0)  # one chunk per frame, whatever the machine


@pytest.mark.usefixtures("one_chunk_a_frame")
def test_a_rescan_of_many_hosts_reaches_every_row_over_several_frames() -> None:
    inventory, results = big_fleet(3 * CHUNK + 50)

    async def scenario() -> None:
        app = make_app(FixedCollector(results), inventory=inventory)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            while app.main_screen.updating:
                await pilot.pause(0.02)
            consistent(app)
            collector = app.runner.collectors["linux"]
            assert isinstance(collector, FixedCollector)
            for name in list(results)[:200]:  # hold part of the fleet: rows stay "scanning"
                collector.gates[name] = asyncio.Event()
            app.rescan(None)
            assert app.main_screen.updating  # more rows than one chunk: the rest follow
            await pilot.press("j")  # keys are taken meanwhile
            while app.main_screen.updating:
                await pilot.pause(0.02)
            consistent(app)  # every row, the held ones "scanning" among them
            checked = [c.key for c in table(app).columns].index("checked")
            held = [n for n in table(app).shown_names if app.fleet.entries[n].scanning]
            assert len(held) > CHUNK and all(table(app).row_texts(n)[checked] == SCANNING for n in held)
            for gate in collector.gates.values():
                gate.set()
            await settle(app, pilot)
            while app.main_screen.updating:
                await pilot.pause(0.02)
            consistent(app)
    run(scenario)


@pytest.mark.usefixtures("one_chunk_a_frame")
def test_a_filter_or_sort_change_while_rows_are_queued_shows_a_consistent_table() -> None:
    inventory, results = big_fleet(3 * CHUNK + 50)

    async def scenario() -> None:
        app = make_app(FixedCollector(results), inventory=inventory)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.rescan(None)
            assert app.main_screen.updating
            await pilot.press("s")  # sort by name while rows are still queued
            assert not app.main_screen.updating
            consistent(app)
            await settle(app, pilot)
            app.rescan(None)
            assert app.main_screen.updating
            await pilot.press("2")  # the problems view while rows are queued
            consistent(app)
            await settle(app, pilot)
            while app.main_screen.updating:
                await pilot.pause(0.02)
            consistent(app)
    run(scenario)
