"""Results are packed into bytes once the scans are over: nothing the dashboard shows changes."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from fleetcheck.core.frozen import FrozenDict
from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.fleet import Fleet
from fleetcheck.tui.packing import pack, unpack

from .fixed_fleet import HOSTS, NOW, ev
from .helpers import make_app, run, settle, table
from .test_detail import detail_text


def result(name: str, state: State) -> HostResult:
    checks = (CheckResult("fs.used:/", state, "/ 97% used", evidence=(ev("df -P", "/dev/sda1 97%"),),
                          code="fs.used", params={"mount": "/", "pct": 97}),
              CheckResult.unknown("kernel.errors", "kernel errors", "journal not readable"))
    return HostResult(name, "linux", "127.0.0.5", Reachability.REACHABLE, checks, NOW, NOW,
                      facts={"os": "Debian 12", "disks": ["sda"]})


def test_a_packed_result_comes_back_equal_and_still_read_only() -> None:
    original = result("srv-files", State.CRIT)
    back = unpack(pack(original))
    assert back == original
    assert back.state is State.CRIT and back.unknown_count == 1
    assert isinstance(back.checks[0].params, MappingProxyType)
    assert isinstance(back.facts, FrozenDict)
    with pytest.raises(TypeError):
        back.facts["os"] = "changed"  # type: ignore[index]


def test_the_fleet_packs_in_slices_and_reads_the_same_afterwards() -> None:
    fleet = Fleet.of(HOSTS)
    names = [h.name for h in HOSTS]
    for i, name in enumerate(names):
        fleet.record(result(name, (State.OK, State.WARN, State.CRIT)[i % 3]), NOW)
    before = {n: (e.state, e.reachability, e.finding(), e.result) for n, e in fleet.entries.items()}
    counts = fleet.counts()
    assert fleet.unpacked == len(names)
    slices = 0
    while not fleet.pack_some(0.0):  # a zero budget still packs one result per slice
        slices += 1
    assert slices == len(names) - 1 and fleet.unpacked == 0
    assert all(e.packed for e in fleet.entries.values())
    after = {n: (e.state, e.reachability, e.finding(), e.result) for n, e in fleet.entries.items()}
    assert after == before and fleet.counts() == counts
    # a new result replaces the packed one and is counted in its place
    fleet.record(result(names[0], State.OK), NOW)
    assert not fleet.entries[names[0]].packed and fleet.unpacked == 1
    assert fleet.counts().hosts == counts.hosts


def test_after_the_scan_the_results_are_packed_and_the_screens_show_the_same() -> None:
    saved: list[ScanResult] = []

    async def scenario() -> None:
        app = make_app(on_scan_done=saved.append)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            rows = {n: table(app).row_texts(n) for n in table(app).shown_names}
            detail = await detail_text(app, "pc-lager", pilot)
            await pilot.press("escape")
            for _ in range(200):  # packing starts a moment after the scan and its save ended
                if app.fleet.unpacked == 0:
                    break
                await pilot.pause(0.05)
            assert app.fleet.unpacked == 0
            assert all(e.packed for e in app.fleet.entries.values() if e.has_result)
            assert {n: table(app).row_texts(n) for n in table(app).shown_names} == rows
            assert await detail_text(app, "pc-lager", pilot) == detail
    run(scenario)
    assert len(saved) == 1


def test_results_that_came_without_a_scan_are_packed_on_the_idle_tick() -> None:
    """The central view reads results from the store instead of scanning: the half-minute
    tick packs them too, so its full collection never walks thousands of results."""

    async def scenario() -> None:
        app = make_app(autostart=False)
        async with app.run_test(size=(120, 40)) as pilot:
            for h in HOSTS:
                app.fleet.record(result(h.name, State.WARN), NOW)
            assert app.fleet.unpacked == len(HOSTS)
            app._tick()
            for _ in range(200):
                if app.fleet.unpacked == 0:
                    break
                await pilot.pause(0.05)
            assert app.fleet.unpacked == 0
    run(scenario)
