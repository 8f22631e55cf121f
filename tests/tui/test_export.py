"""`e`: the report dialog (format, language), the file it writes, and where it says it wrote it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import RadioButton, RadioSet

from fleetcheck.tui.screens.export import ExportScreen

from .helpers import make_app, run, settle


def capture_notes(app: Any) -> list[tuple[str, dict[str, Any]]]:
    notes: list[tuple[str, dict[str, Any]]] = []
    original = app.notify

    def notify(message: str, **kw: Any) -> None:
        notes.append((message, kw))
        original(message, **kw)
    app.notify = notify
    return notes


def test_e_writes_the_report_of_the_scan_on_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            notes = capture_notes(app)
            await settle(app, pilot)
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            screen = app.screen
            screen.query_one("#export-format", RadioSet).query(RadioButton)[1].value = True  # HTML
            screen.query_one("#export-language", RadioSet).query(RadioButton)[0].value = True  # Deutsch
            await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is app.main_screen
            [written] = list(tmp_path.glob("fleetcheck-muller-steuerberatung-gmbh-*.html"))
            assert any(m == f"report written: {written}" for m, _ in notes), notes
            html = written.read_text("utf-8")
            assert "IT-Zustandsbericht" in html and "Müller Steuerberatung GmbH" in html
            assert "pc-empfang" in html  # the dashboard's results
    run(scenario)


def test_escape_cancels_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is app.main_screen
            assert list(tmp_path.iterdir()) == []
    run(scenario)


def test_e_before_any_result_says_so() -> None:
    async def scenario() -> None:
        app = make_app(autostart=False)
        async with app.run_test(size=(120, 30)) as pilot:
            notes = capture_notes(app)
            await pilot.press("e")
            await pilot.pause()
            assert not isinstance(app.screen, ExportScreen)
            assert notes == [("no results yet: a report needs a finished scan", {"severity": "warning"})]
    run(scenario)
