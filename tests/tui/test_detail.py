"""The host detail screen says what was checked, with evidence, and why not."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.store.session import ScanHistory
from fleetcheck.tui.app import FleetcheckApp
from fleetcheck.tui.screens.detail import DetailScreen

from .fixed_fleet import FINGERPRINT, INVENTORY, T0, FixedCollector
from .helpers import make_app, run, settle


async def detail_text(app: FleetcheckApp, name: str, pilot: object) -> str:
    app.open_detail(name)
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()  # the history is read in a worker
    await pilot.pause()  # type: ignore[attr-defined]
    return body_text(app)


def body_text(app: FleetcheckApp) -> str:
    assert isinstance(app.screen, DetailScreen)
    body = app.screen.query_one("#detail-body", Static).content
    return str(getattr(body, "plain", body))


def capture(name: str) -> str:
    """The detail screen's text for `name` after the first scan of the fixed fleet."""
    async def scenario() -> str:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            return await detail_text(app, name, pilot)
    return run(scenario)


def test_unknown_host_shows_reason_fix_evidence_thresholds_and_metrics() -> None:
    text = capture("srv-backup")
    for expected in (
        "srv-backup  linux · 127.0.0.14 · site lager · tags server",
        "? UNKNOWN  2 checks: 0 CRIT, 0 WARN, 1 UNKNOWN, 1 OK · checked 2026-11-27 08:05:00 UTC (<1m ago)",
        "? UNKNOWN  kernel.errors  kernel errors since the last scan",
        "why unknown: journalctl: permission denied (the user may not read the system journal)",
        "fix: add the scan user to the systemd-journal group: usermod -aG systemd-journal USER",
        "command: journalctl -k -p err --since ...  (observed 2026-11-27 08:00:00 UTC)",
        "│ Hint: You are currently not seeing messages from other users and the system.",
        "✔ OK  fs.used:/  / 41% used",
        "thresholds: fs_used_pct: warn 80, crit 90",
        "fs_used_pct = 41%  (warn 80, crit 90, min 0, max 100)",
        "no saved scans yet",
    ):
        assert expected in text, expected


def test_unreachable_host_says_what_happened_and_what_to_try() -> None:
    text = capture("pc-lager")
    assert "⊘ CRIT" in text
    assert "what happened: unreachable" in text
    assert "what to try: check that sshd runs on the host and the port is right" in text
    assert "also: Check that the host is switched on and on the network" in text
    assert "connect 127.0.0.15:22: [Errno 111] Connection refused" in text
    assert "host.reachability" in text


def test_unknown_host_key_shows_fingerprint_and_trust_command() -> None:
    text = capture("mac-chef")
    assert "what happened: host key unknown" in text
    assert f"host key offered (fingerprint): ssh-ed25519 {FINGERPRINT}" in text
    assert "trust it: fleetcheck trust mac-chef" in text
    assert "nothing was run" in text


def test_crit_host_lists_details_and_raw_excerpt() -> None:
    text = capture("pc-empfang")
    assert "✖ CRIT  apps.crashes  7 application crashes since the last scan (Outlook.exe 5×)" in text
    assert "Outlook.exe 5×, Teams.exe 2×" in text
    assert "event: Get-WinEvent Application 1000" in text
    assert "│ Faulting module name: mso.dll" in text
    assert text.index("apps.crashes") < text.index("fs.used:C:")  # worst first


def test_history_of_saved_scans_is_listed() -> None:
    def history(name: str) -> list[ScanResult]:
        def scan(minutes: int, state: State, reach: Reachability) -> ScanResult:
            check = (CheckResult("x", state, "x") if state is not State.UNKNOWN
                     else CheckResult.unknown("x", "x", "timed out"))
            host = HostResult(name, "linux", "127.0.0.11", reach, (check,))
            start = T0 - timedelta(minutes=minutes)
            return ScanResult(start, start, (host,), "Müller Steuerberatung GmbH")
        return [scan(60, State.WARN, Reachability.REACHABLE), scan(120, State.UNKNOWN, Reachability.TIMEOUT)]

    async def scenario() -> str:
        app = make_app(FixedCollector(), history=history)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            return await detail_text(app, "srv-files", pilot)
    text = run(scenario)
    assert "2026-11-27 07:00:00 UTC  ▲ WARN" in text
    assert "2026-11-27 06:00:00 UTC  ⊘ UNKNOWN  (timeout)" in text
    assert "no saved scans yet" not in text


def test_detail_keys_scroll_rescan_copy_and_back() -> None:
    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector)
        async with app.run_test(size=(80, 12)) as pilot:
            await settle(app, pilot)
            app.open_detail("srv-backup")
            await pilot.pause()
            scroller = app.screen.query_one("#detail-scroll")
            await pilot.press("j", "j")
            assert scroller.scroll_y == 2
            await pilot.press("G")
            assert scroller.scroll_y == scroller.max_scroll_y > 2
            await pilot.press("g")
            assert scroller.scroll_y == 0
            await pilot.press("y")
            assert app.clipboard == "127.0.0.14"
            await pilot.press("r")
            await settle(app, pilot)
            assert collector.calls["srv-backup"] == 2
            await pilot.press("escape")
            assert app.screen is app.main_screen
    run(scenario)


def test_full_scans_are_saved_and_show_up_as_history(tmp_path: Path) -> None:
    history = ScanHistory.open(tmp_path / "h.db", INVENTORY.customer, INVENTORY.files)

    async def scenario() -> str:
        app = make_app(FixedCollector(), on_scan_done=history.save, history=history.host_scans,
                       windows=history.windows)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("R")
            await settle(app, pilot)
            await pilot.press("r")  # a single-host rescan is no scan of the fleet: not saved
            await settle(app, pilot)
            return await detail_text(app, "pc-lager", pilot)
    text = run(scenario)
    assert len(history.store.list_scans(history.customer_key)) == 2
    past = text.split("History (saved scans)")[1]
    assert past.count("⊘ CRIT  (unreachable)") == 2


def test_history_is_read_in_a_worker_thread_and_not_on_every_update(tmp_path: Path) -> None:
    """The detail screen used to read every saved scan file on the UI thread, on every update
    of its host. Now a worker thread reads them, once per opening and once per saved scan."""
    history = ScanHistory.open(tmp_path / "h.db", INVENTORY.customer, INVENTORY.files)
    release = threading.Event()
    reads: list[int] = []

    def slow_history(name: str) -> list[ScanResult]:
        reads.append(threading.get_ident())
        release.wait(10)  # a slow disk or a locked store
        return history.host_scans(name)

    async def scenario() -> None:
        collector = FixedCollector()
        app = make_app(collector, on_scan_done=history.save, history=slow_history, windows=history.windows)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.open_detail("pc-lager")
            await pilot.pause()
            assert "reading…" in body_text(app)  # the screen is up while the history is read
            await pilot.press("j")  # and it takes keys
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert reads and threading.get_ident() not in reads
            assert history_part(app).count("(unreachable)") == 1  # the first scan was saved
            await pilot.press("r")  # the host's result updates: the history is not read again
            await settle(app, pilot)
            assert collector.calls["pc-lager"] == 2 and len(reads) == 1
            await pilot.press("escape", "R")  # a saved scan of all hosts: read once more
            await settle(app, pilot)
            app.open_detail("pc-lager")
            await settle(app, pilot)
            assert len(reads) == 2
            assert history_part(app).count("(unreachable)") == 2
    run(scenario)


def history_part(app: FleetcheckApp) -> str:
    return body_text(app).split("History (saved scans)")[1]


def test_history_that_cannot_be_read_says_why() -> None:
    def broken(name: str) -> list[ScanResult]:
        raise OSError(13, "Permission denied", "/var/lib/fleetcheck/history")

    async def scenario() -> str:
        app = make_app(history=broken)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            return await detail_text(app, "srv-files", pilot)
    text = run(scenario).split("History (saved scans)")[1]
    assert "could not read the saved scans: PermissionError" in text and "Permission denied" in text
    assert "no saved scans yet" not in text
