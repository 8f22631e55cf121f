"""The host table widget: mouse, paging, untrusted text, and its row store."""

from __future__ import annotations

from datetime import timedelta

from fleetcheck.core.contracts import Collection
from fleetcheck.core.events import HostFinished, HostStarted
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.fleet import SORTS, Fleet
from fleetcheck.tui.scanning import EventBatcher
from fleetcheck.tui.screens.detail import DetailScreen
from fleetcheck.tui.table_rows import RowStore
from fleetcheck.tui.widgets.host_table import HostTable

from .fixed_fleet import HOSTS, NOW, FixedCollector, ev, script
from .helpers import big_fleet, make_app, run, settle, table
from .test_keys import WORST_FIRST


def test_a_click_highlights_a_host_and_a_second_click_opens_it() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            await pilot.click(HostTable, offset=(30, 3))  # line 0 is the header: the third host
            assert t.highlighted_name == WORST_FIRST[2]
            assert not isinstance(app.screen, DetailScreen)
            await pilot.click(HostTable, offset=(30, 0))  # the header: nothing happens
            assert t.highlighted_name == WORST_FIRST[2]
            await pilot.click(HostTable, offset=(30, 3))
            await pilot.pause()
            assert isinstance(app.screen, DetailScreen) and app.screen.host_name == WORST_FIRST[2]
    run(scenario)


def test_page_keys_and_the_view_follows_the_cursor() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(60)
        app = make_app(FixedCollector(results), inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(app, pilot)
            t = table(app)
            page = t.size.height - 1  # the header line does not scroll
            await pilot.press("pagedown")
            assert t.cursor_row == page
            assert t.scroll_offset.y <= t.cursor_row < t.scroll_offset.y + page
            await pilot.press("end")
            assert t.cursor_row == 59 and t.scroll_offset.y == 60 - page
            await pilot.press("pageup")
            assert t.cursor_row == 59 - page
            await pilot.press("home")
            assert t.cursor_row == 0 and t.scroll_offset.y == 0
    run(scenario)


def test_text_from_a_host_cannot_act_on_the_terminal() -> None:
    async def scenario() -> list[str]:
        results = script()
        hostile = "disk \x1b]52;c;ZWNobyBvd25lZA==\x07full\x1b[2J\rnext"
        results["srv-files"] = Collection([CheckResult("fs.used:/", State.WARN, hostile,
                                                       evidence=(ev("df", hostile),))])
        app = make_app(FixedCollector(results))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            line = t.render_line(t.shown_names.index("srv-files") + 1)
            return ["".join(seg.text for seg in line), *t.row_texts("srv-files")]
    texts = run(scenario)
    assert not any(ch in text for text in texts for ch in "\x1b\x07\r\n")
    assert any("disk" in text and "full" in text for text in texts)


def test_row_store_reports_only_what_changed_and_resorts_once() -> None:
    fleet = Fleet.of(HOSTS)
    rows = RowStore(SORTS["name"][1])
    rows.replace(fleet.entries.values())
    first = rows.settle()
    assert first.reordered and first.resized
    assert rows.order == sorted(h.name for h in HOSTS)
    assert rows.settle() == type(first)()  # nothing pending: nothing to repaint

    rows.resort(SORTS["worst"][1])
    entry = fleet.entries["srv-files"]
    result = fleet.record(entry_result(State.CRIT), NOW)
    assert result is not None
    rows.put(entry)
    done = rows.settle()
    assert done.reordered and not done.resized and done.changed == {"srv-files"}
    assert rows.order[0] == "srv-files"

    rows.remove(["srv-files", "no-such-host"])
    done = rows.settle()
    assert done.resized and "srv-files" not in rows and len(rows) == len(HOSTS) - 1
    fleet.record(entry_result(State.OK, "pc-lager"), NOW + timedelta(minutes=1))
    rows.put(fleet.entries["pc-lager"])  # same sort key as before: no re-sort needed
    done = rows.settle()
    assert done.changed == {"pc-lager"}


def entry_result(state: State, name: str = "srv-files") -> HostResult:
    host = next(h for h in HOSTS if h.name == name)
    return HostResult(host.name, host.kind, host.address, Reachability.REACHABLE,
                      (CheckResult("x", state, "x", evidence=(ev("x", "x"),)),))


def test_a_big_batch_is_split_into_parts_that_keep_every_host_once() -> None:
    batcher = EventBatcher(7)
    hosts = [Host(f"h{i:03d}", "linux", "127.0.0.1") for i in range(620)]
    for h in hosts:
        batcher.on_event(HostStarted(h, NOW))
    for h in hosts[:600]:
        batcher.on_event(HostFinished(HostResult(h.name, h.kind, h.address, Reachability.REACHABLE)))
    parts = batcher.drain(250)
    assert [len(m.started) + len(m.finished) for m in parts] == [250, 250, 120]
    assert all(m.scan_id == 7 for m in parts)
    finished = [r.name for m in parts for r in m.finished]
    started = [n for m in parts for n in m.started]
    assert finished == [h.name for h in hosts[:600]] and started == [h.name for h in hosts[600:]]
    assert batcher.drain(250) == []
    batcher.on_event(HostStarted(hosts[0], NOW))
    assert [m.started for m in batcher.drain()] == [("h000",)]  # no limit: one message


def test_the_highlighted_host_stays_when_hosts_above_it_leave_the_view() -> None:
    async def scenario() -> None:
        inventory, results = big_fleet(100)
        collector = FixedCollector(results)
        app = make_app(collector, inventory=inventory)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("2", "G", "k", "k", "k")  # problems view, scrolled down by the user
            t = table(app)
            name, offset = t.highlighted_name, t.cursor_row - t.scroll_offset.y
            assert t.scroll_offset.y > 2
            above = t.shown_names[:2]
            for host in above:  # fixed: they leave the problems view
                results[host] = Collection([CheckResult("fs.used:/", State.OK, "/ 10% used",
                                                        evidence=(ev("df", "x"),))])
            app.rescan(above)
            await settle(app, pilot)
            assert not any(t.has(h) for h in above)
            assert t.highlighted_name == name
            assert t.cursor_row - t.scroll_offset.y == offset
    run(scenario)
