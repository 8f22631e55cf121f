"""Every key of the dashboard, driven through Pilot against the real engine."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from fleetcheck.tui.config import TuiConfig
from fleetcheck.tui.screens.detail import DetailScreen
from fleetcheck.tui.screens.help import HelpScreen

from .fixed_fleet import FixedCollector
from .helpers import Clock, make_app, run, settle, shown, table

WORST_FIRST = ["pc-empfang", "pc-lager", "mac-chef", "srv-backup", "drucker-og", "pc-buchhaltung",
               "srv-files"]


def capture_notes(app: Any) -> list[tuple[str, dict[str, Any]]]:
    notes: list[tuple[str, dict[str, Any]]] = []
    original = app.notify

    def notify(message: str, **kw: Any) -> None:
        notes.append((message, kw))
        original(message, **kw)

    app.notify = notify
    return notes


def test_first_scan_fills_the_table_worst_first() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            assert shown(app) == WORST_FIRST
            assert table(app).highlighted_name == "pc-empfang"
    run(scenario)


def test_movement_keys() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            await pilot.press("j", "j")
            assert t.highlighted_name == "mac-chef"
            await pilot.press("k")
            assert t.highlighted_name == "pc-lager"
            await pilot.press("down")
            assert t.highlighted_name == "mac-chef"
            await pilot.press("up")
            assert t.highlighted_name == "pc-lager"
            await pilot.press("G")
            assert t.highlighted_name == "srv-files"
            await pilot.press("g")
            assert t.highlighted_name == "pc-empfang"
    run(scenario)


def test_enter_opens_detail_and_escape_returns_to_the_same_host() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("j", "j", "j", "enter")
            assert isinstance(app.screen, DetailScreen)
            assert app.screen.host_name == "srv-backup"
            await pilot.press("escape")
            assert app.screen is app.main_screen
            assert table(app).highlighted_name == "srv-backup"
    run(scenario)


def test_slash_filters_enter_keeps_it_and_escape_clears_it() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("slash")
            assert isinstance(app.focused, Input)
            await pilot.press(*"kind:windows", "enter")
            assert shown(app) == ["pc-empfang", "pc-lager", "pc-buchhaltung"]
            assert app.focused is table(app)
            await pilot.press("slash", "ctrl+a", "ctrl+k", *"state:bogus", "enter")
            assert "'bogus' is no state" in app.main_screen.filter_error
            assert shown(app) == ["pc-empfang", "pc-lager", "pc-buchhaltung"]  # last good filter stays
            await pilot.press("escape")
            assert shown(app) == WORST_FIRST
            assert app.main_screen.filter_error == ""
    run(scenario)


def test_typing_filters_incrementally_after_a_short_pause() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("slash", *"lager")
            await pilot.pause(0.3)
            assert shown(app) == ["pc-lager", "srv-backup"]  # name, and site 'lager'
    run(scenario)


@pytest.mark.parametrize("key, expected", [
    ("1", WORST_FIRST),
    ("2", ["pc-empfang", "pc-lager", "mac-chef", "srv-backup", "drucker-og", "pc-buchhaltung"]),
    ("3", ["pc-lager", "mac-chef"]),
    ("4", ["drucker-og"]),
    ("5", []),
])
def test_quick_views(key: str, expected: list[str]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press(key)
            assert shown(app) == expected
    run(scenario)


def test_stale_view_grows_as_results_age_and_empties_after_rescan() -> None:
    async def scenario() -> None:
        clock = Clock()
        app = make_app(clock=clock)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("5")
            assert shown(app) == []
            clock.advance(minutes=11)  # older than 2 × the 5 min interval
            app.main_screen.tick()
            await pilot.pause()
            assert sorted(shown(app)) == sorted(WORST_FIRST)
            await pilot.press("R")
            await settle(app, pilot)
            assert shown(app) == []
    run(scenario)


def test_s_cycles_sort_orders() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("s")
            assert shown(app) == sorted(WORST_FIRST)
            await pilot.press("s")  # kind, then name
            assert shown(app) == ["srv-backup", "srv-files", "mac-chef", "drucker-og", "pc-buchhaltung",
                                  "pc-empfang", "pc-lager"]
            assert "sort: kind" in str(app.main_screen.query_one("#summary").render())
    run(scenario)


def test_r_rescans_only_the_highlighted_host_and_R_all() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("j", "r")
            await settle(app, pilot)
            assert collector.calls["pc-lager"] == 2
            assert sum(collector.calls.values()) == 8
            await pilot.press("R")
            await settle(app, pilot)
            assert all(n >= 2 for n in collector.calls.values())
            assert collector.calls["pc-lager"] == 3
    run(scenario)


def test_p_pauses_and_resumes_auto_rescan_and_plus_minus_change_interval() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            summary = app.main_screen.query_one("#summary")
            assert "auto 5m, next 08:10:00" in str(summary.render())
            await pilot.press("p")
            assert app.paused and "PAUSED" in str(summary.render())
            await pilot.press("p")
            assert not app.paused
            await pilot.press("plus")
            assert app.interval == 600
            await pilot.press("minus", "minus")
            assert app.interval == 120
            assert "auto 2m" in str(summary.render())
    run(scenario)


def test_y_copies_the_address() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            notes = capture_notes(app)
            await settle(app, pilot)
            await pilot.press("j", "y")
            assert app.clipboard == "127.0.0.15"
            assert any("copied 127.0.0.15" in m for m, _ in notes)
    run(scenario)


def test_question_mark_shows_every_binding_with_its_id() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = app.screen.body.plain
            for binding_id in ("rescan-host", "rescan-all", "filter", "view-stale", "copy-address",
                               "detail-back", "quit", "pause", "export", "sort"):
                assert binding_id in text
            assert "tui.toml" in text and "state:crit" in text
            await pilot.press("escape")
            assert app.screen is app.main_screen
    run(scenario)


def test_every_action_is_in_the_command_palette() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            commands = {c.title: c for c in app.get_system_commands(app.main_screen)}
            for title in ("Rescan (r)", "All (R)", "Filter (/)", "Sort (s)", "Pause (p)", "Export (e)",
                          "Copy (y)", "Problems (2)", "Stale (5)", "Detail (Enter)"):
                assert title in commands, sorted(commands)
            commands["Problems (2)"].callback()
            await pilot.pause()
            assert "pc-empfang" in shown(app) and "srv-files" not in shown(app)
    run(scenario)


def test_keys_can_be_remapped_by_binding_id() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector, config=TuiConfig(keys={"rescan-host": "x", "sort": "o"}))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("x")
            await settle(app, pilot)
            assert collector.calls["pc-empfang"] == 2
            await pilot.press("o")
            assert shown(app) == sorted(WORST_FIRST)
    run(scenario)


def test_q_quits() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0
    run(scenario)


def test_theme_option_and_ansi_theme() -> None:
    async def scenario() -> None:
        app = make_app(theme="ansi-dark")
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            assert app.theme == "ansi-dark"
            assert app.state_styles[None].dim
            app.theme = "textual-light"
            await pilot.pause()
            assert shown(app) == WORST_FIRST  # restyled, same rows
    run(scenario)


def test_narrow_terminal_drops_columns_and_keeps_the_highlighted_host() -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            wide = ["state", "name", "kind", "site", "address", "finding", "checked", "age"]
            assert [c.key for c in t.columns] == wide
            await pilot.press("j", "j")
            await pilot.resize_terminal(80, 24)
            await pilot.pause(0.1)
            assert [c.key for c in t.columns] == ["state", "name", "kind", "finding", "age"]
            assert t.highlighted_name == "mac-chef"
            assert sum(c.width for c in t.columns) <= 80 - 2
    run(scenario)


def test_age_tick_rewrites_only_ages() -> None:
    async def scenario() -> None:
        clock = Clock()
        app = make_app(clock=clock)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            before = t.row_texts("srv-files")
            assert before[-1] == "<1m"
            clock.advance(minutes=7)
            app.main_screen.tick()
            await pilot.pause()
            after = t.row_texts("srv-files")
            assert after[-1] == "7m"
            assert after[:-1] == before[:-1]
    run(scenario)
