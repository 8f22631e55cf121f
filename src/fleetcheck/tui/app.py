"""FleetcheckApp: routes scan messages into the view model and the screens.

The scan engine runs in an async worker on the app's loop (collectors do
their blocking work in the engine's thread pool); results arrive coalesced
as typed messages (messages.py), and only the changed cells are repainted.
The app owns the shared DashboardState (state.py) and the screens: data goes
down (the screens read the state, the app calls their methods), requests come
up as messages (the screens never call the app).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from fleetcheck.core.collectors.base import Collector
from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.engine import EngineOptions
from fleetcheck.core.i18n import Message
from fleetcheck.core.inventory.model import Host, Inventory
from fleetcheck.core.results import HostResult, ScanResult, utcnow
from fleetcheck.core.states import State
from fleetcheck.tui import gc_tuning
from fleetcheck.tui.config import TuiConfig, config_path
from fleetcheck.tui.fleet import Fleet, HostEntry
from fleetcheck.tui.formatting import interval_text
from fleetcheck.tui.messages import (
    CopyAddressRequested,
    DetailRequested,
    ExportRequested,
    HostsUpdated,
    IntervalStepped,
    MainReady,
    PauseToggled,
    RescanRequested,
    ScanBegan,
    ScanEnded,
    ScanSaved,
)
from fleetcheck.tui.scanning import ScanRunner
from fleetcheck.tui.screens.detail import DetailScreen
from fleetcheck.tui.screens.export import ExportChoice, ExportScreen
from fleetcheck.tui.screens.help import HelpScreen, help_text, key_text
from fleetcheck.tui.screens.main import MainScreen
from fleetcheck.tui.state import DashboardState, HistorySource
from fleetcheck.tui.themes import DEFAULT_THEME, down_style, state_styles

if TYPE_CHECKING:
    from fleetcheck.store import Changes

INTERVAL_STEPS = (0, 30, 60, 120, 300, 600, 900, 1800, 3600)  # seconds; 0 = no auto-rescan
AGE_TICK = 30.0  # seconds between age refreshes (ages are shown in minutes)
CRIT_NOTIFY_NAMES = 3
CRIT_NOTIFY_EVERY = 5.0  # seconds: at most one "turned CRIT" notification per this time
SAVE_WAIT = 60.0  # seconds quitting waits for a history save under way (10,000 hosts: ~7 s)
# Once scans have ended and been saved, the results are packed into bytes (packing.py) in
# slices between frames, then one collection frees the cycles of the scans (gc_tuning.py).
TIDY_AFTER = 1.0  # seconds after the last scan ended (its last rows are painted by then)
PACK_SLICE = 0.006  # seconds of packing per slice
PACK_PAUSE = 0.02  # seconds between slices: keys and paints come first
# what a report compares the scan on screen with (the store's previous scan; None: no history)
ReportChanges = Callable[[ScanResult], "Changes | None"]


class FleetcheckApp(App[int]):
    CSS_PATH = "fleetcheck.tcss"
    TITLE = "fleetcheck"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (cancels a running scan)"),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="Every key and the filter syntax"),
    ]

    def __init__(self, inventory: Inventory, collectors: Mapping[str, Collector], *,
                 options: EngineOptions | None = None, interval: float = 300.0,
                 config: TuiConfig | None = None, theme: str | None = None,
                 clock: Callable[[], datetime] = utcnow, tz: tzinfo | None = None,
                 history: HistorySource | None = None,
                 on_scan_done: Callable[[ScanResult], object] | None = None,
                 flush_every: float = 0.5, autostart: bool = True,
                 windows: Callable[[Host], CrashWindows | None] | None = None,
                 unavailable: Mapping[str, Message] | None = None,
                 previous: Callable[[Host], HostResult | None] | None = None,
                 report_changes: ReportChanges | None = None) -> None:
        super().__init__()
        self.state = DashboardState(inventory, Fleet.of(inventory.hosts), clock, tz, interval,
                                    history=history)
        self.inventory = inventory
        self.fleet = self.state.fleet
        self.config = config or TuiConfig()
        self.autostart = autostart
        self._on_scan_done = on_scan_done
        self._report_changes = report_changes
        self.runner = ScanRunner(collectors, options or EngineOptions(), self.post_message, flush_every,
                                 windows=windows, unavailable=unavailable, previous=previous)
        self._wanted_theme = theme or self.config.theme or DEFAULT_THEME
        self._auto_timer: Timer | None = None
        self._scan_hosts: dict[int, tuple[str, ...]] = {}  # hosts of each running scan
        # Saving a full scan to the history takes ~0.65 s of CPU at 1000 hosts: one thread
        # saves, one scan after the other in the order they ended, off the UI's loop.
        self._saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fleetcheck-save")
        self._last_save: Future[object] | None = None
        self._tidy_timer: Timer | None = None
        self._crit_pending: dict[str, HostEntry] = {}  # turned CRIT, not told yet
        self._crit_timer: Timer | None = None
        self.main_screen = MainScreen(self.state)
        if autostart:  # the first rows are built as "scanning" instead of rewritten a moment later
            for name in self.fleet.entries:
                self.fleet.mark_scanning(name)

    # ----- setup ---------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.state.now()

    @property
    def interval(self) -> float:
        return self.state.interval

    @property
    def paused(self) -> bool:
        return self.state.paused

    @property
    def state_styles(self) -> dict[State | None, Style]:
        return self.state.state_styles

    def get_default_screen(self) -> Screen[None]:
        return self.main_screen

    def on_mount(self) -> None:
        if self._wanted_theme in self.available_themes:
            self.theme = self._wanted_theme
        else:
            self.notify(f"unknown theme '{self._wanted_theme}'; using {self.theme}. "
                        f"Known: {', '.join(sorted(self.available_themes))}", severity="warning",
                        markup=False)
        self._apply_theme_styles()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._on_theme_change())
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.set_interval(AGE_TICK, self._tick)

    @on(MainReady)
    def _main_ready(self) -> None:
        """The main screen's table exists: start the first scan."""
        if self.autostart:
            self.autostart = False
            self.rescan(None)

    def _apply_theme_styles(self) -> None:
        self.state.state_styles = state_styles(self.current_theme)
        self.state.down_style = down_style(self.current_theme)

    def _on_theme_change(self) -> None:
        self._apply_theme_styles()
        main = self.main_screen
        main.restyle()
        main.rebuild()

    def _tick(self) -> None:
        self.main_screen.tick()
        # nothing streams: pack what came in (the central view's reads too) and collect what
        # the last half minute left (a few ms)
        self._tidy_soon(PACK_PAUSE)

    # ----- scans ---------------------------------------------------------------------------
    @property
    def full_scan_running(self) -> bool:
        return self.state.full_scan_running

    @on(RescanRequested)
    def _rescan_requested(self, msg: RescanRequested) -> None:
        self.rescan(msg.names)

    def rescan(self, names: Iterable[str] | None) -> None:
        """Rescan the named hosts, or all (None). Reuses the collectors and their connections."""
        if names is None:
            if self.full_scan_running:
                self.notify("a scan of all hosts is already running")
                return
            hosts = list(self.inventory.hosts)
            self.state.progress.full_scan = -1  # reserved until ScanBegan tells the id
        else:
            wanted = set(names)
            busy = [n for n in wanted if (e := self.fleet.get(n)) is not None and e.scanning]
            if busy:
                self.notify(f"{', '.join(sorted(busy))} is being scanned already", markup=False)
                return
            hosts = [h for h in self.inventory.hosts if h.name in wanted]
        if self._auto_timer is not None and names is None:
            self._auto_timer.stop()
            self._auto_timer = None
        for h in hosts:
            self.fleet.mark_scanning(h.name)
        self.main_screen.apply([e for h in hosts if (e := self.fleet.get(h.name)) is not None])
        self.run_worker(self.runner.scan(hosts, full=names is None, customer=self.inventory.customer,
                                         inventories=self.inventory.files),
                        group="scan", exit_on_error=False, description="scan")

    @on(ScanBegan)
    def _scan_began(self, msg: ScanBegan) -> None:
        self._scan_hosts[msg.scan_id] = msg.hosts
        if msg.full:
            p = self.state.progress
            p.full_scan, p.done, p.total = msg.scan_id, 0, len(msg.hosts)
            p.started_at, p.next_scan = self.now(), None
        self.main_screen.update_summary()

    @on(HostsUpdated)
    def _hosts_updated(self, msg: HostsUpdated) -> None:
        now = self.now()
        changed: list[HostEntry] = []
        turned_crit: list[HostEntry] = []
        for name in msg.started:
            entry = self.fleet.mark_scanning(name)
            if entry is not None:
                changed.append(entry)
        for result in msg.finished:
            recorded = self.fleet.record(result, now)
            if recorded is None:
                continue
            entry, before = recorded
            changed.append(entry)
            if result.state is State.CRIT and before is not None and before is not State.CRIT:
                turned_crit.append(entry)
        if msg.scan_id == self.state.progress.full_scan:
            self.state.progress.done += len(msg.finished)
        self.main_screen.apply(changed)
        self._notify_crit(turned_crit)
        names = {e.key for e in changed}
        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen) and screen.host_name in names:
                screen.refresh_body()
        # off the frame that paints the batch
        self.call_after_refresh(gc_tuning.after_batch, self.main_screen.release_lines)

    def _notify_crit(self, entries: list[HostEntry]) -> None:
        """The first host turning CRIT is told at once; those that follow within
        CRIT_NOTIFY_EVERY seconds are told together when it has passed. A toast per batch
        (twice a second when a rescan finds many hosts down) was a flood to read, and each
        toast's widgets ended as garbage in the old generation (~80,000 objects for the idle
        collection after such a 10,000-host rescan, gc_tuning.py)."""
        for entry in entries:
            self._crit_pending.setdefault(entry.key, entry)
        if self._crit_timer is None:
            self._tell_crit()

    def _tell_crit(self) -> None:
        self._crit_timer = None
        entries = list(self._crit_pending.values())
        self._crit_pending.clear()
        if not entries:
            return
        self._crit_timer = self.set_timer(CRIT_NOTIFY_EVERY, self._tell_crit)
        if len(entries) == 1:
            worst = entries[0].worst_check()
            summary = worst.summary if worst else ""
            self.notify(f"{entries[0].name} turned CRIT: {summary}", title="CRIT", severity="error",
                        markup=False)
            return
        names = ", ".join(e.name for e in entries[:CRIT_NOTIFY_NAMES])
        more = len(entries) - CRIT_NOTIFY_NAMES
        self.notify(f"{len(entries)} hosts turned CRIT: {names}" + (f" and {more} more" if more > 0 else ""),
                    title="CRIT", severity="error", markup=False)

    @on(ScanEnded)
    def _scan_ended(self, msg: ScanEnded) -> None:
        if msg.error:
            self.notify(f"the scan failed: {msg.error}", severity="error", markup=False)
        # a host the scan never reported on (engine failure) must not show "scanning" forever
        stuck = [e for n in self._scan_hosts.pop(msg.scan_id, ()) if (e := self.fleet.get(n)) and e.scanning]
        for entry in stuck:
            entry.scanning = False
        if stuck:
            self.main_screen.apply(stuck)
        p = self.state.progress
        if msg.full and msg.scan_id == p.full_scan:
            p.full_scan = None
            started = p.started_at or self.now()
            p.last_full = (self.now(), (self.now() - started).total_seconds())
            if msg.result is not None and self._on_scan_done is not None and not msg.result.cancelled:
                self._save(msg.result)
            self._schedule_auto()
        self.main_screen.update_summary()
        if not self.runner.running:
            self._tidy_soon(TIDY_AFTER)

    def _save(self, scan: ScanResult) -> None:
        """Hand the scan to the saving thread; a thread worker waits for it (tests wait for
        workers) and reports back with a message."""
        save = self._on_scan_done
        assert save is not None
        future: Future[object] = self._saver.submit(save, scan)
        self._last_save = future
        self.run_worker(partial(self._await_save, future), thread=True, group="save", exit_on_error=False,
                        description="save the scan to the history")

    def _await_save(self, future: Future[object]) -> None:
        """Worker thread: wait for the save; post_message is thread-safe."""
        try:
            future.result()
        except Exception as exc:  # saving history must not end the session
            self.post_message(ScanSaved(str(exc) or type(exc).__name__))
        else:
            self.post_message(ScanSaved(None))

    @on(ScanSaved)
    def _scan_saved(self, msg: ScanSaved) -> None:
        self._tidy_soon(TIDY_AFTER)
        if msg.error is not None:
            self.notify(f"could not save the scan: {msg.error}", severity="warning", markup=False)
            return
        for screen in self.screen_stack:  # their host's history has a new entry
            if isinstance(screen, DetailScreen):
                screen.load_history()

    def _idle(self) -> bool:
        saving = self._last_save is not None and not self._last_save.done()
        return not (self.runner.running or saving)

    def _tidy_soon(self, delay: float) -> None:
        if self._tidy_timer is None:
            self._tidy_timer = self.set_timer(delay, self._tidy)

    def _tidy(self) -> None:
        """Pack the results (a slice at a time), then collect. A save under way holds the whole
        scan: its end calls this again; a scan that starts meanwhile ends with it too."""
        self._tidy_timer = None
        if not self._idle():
            return
        if not self.fleet.pack_some(PACK_SLICE):
            self._tidy_soon(PACK_PAUSE)
            return
        gc_tuning.reclaim()

    def _schedule_auto(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None
        self.state.progress.next_scan = None
        if self.paused or self.interval <= 0 or self.full_scan_running:
            return
        self.state.progress.next_scan = self.now() + timedelta(seconds=self.interval)
        self._auto_timer = self.set_timer(self.interval, partial(self.rescan, None))

    @on(PauseToggled)
    def toggle_pause(self) -> None:
        self.state.paused = not self.state.paused
        self._schedule_auto()
        self.notify("automatic rescans paused" if self.paused else
                    f"automatic rescans every {interval_text(self.interval)}")
        self.main_screen.update_summary()

    @on(IntervalStepped)
    def _step_interval(self, msg: IntervalStepped) -> None:
        steps = INTERVAL_STEPS
        current = min(range(len(steps)), key=lambda i: abs(steps[i] - self.interval))
        self.state.interval = float(steps[max(0, min(len(steps) - 1, current + msg.step))])
        self._schedule_auto()
        self.main_screen.update_summary()

    # ----- screens and actions -------------------------------------------------------------
    @on(DetailRequested)
    def _detail_requested(self, msg: DetailRequested) -> None:
        self.open_detail(msg.host_name)

    def open_detail(self, name: str) -> None:
        if self.fleet.get(name) is not None:
            self.push_screen(DetailScreen(self.state, name))

    @on(CopyAddressRequested)
    def _copy_address(self, msg: CopyAddressRequested) -> None:
        entry = self.fleet.get(msg.host_name)
        if entry is None:
            return
        self.copy_to_clipboard(entry.host.address)
        self.notify(f"copied {entry.host.address} (terminal clipboard, OSC 52)", markup=False)

    @on(ExportRequested)
    def export_report(self) -> None:
        if self.screen_stack and isinstance(self.screen, ExportScreen):
            return
        if not any(e.has_result for e in self.fleet.entries.values()):
            self.notify("no results yet: a report needs a finished scan", severity="warning")
            return
        language = self.inventory.report.language or "en"
        self.push_screen(ExportScreen(language, os.getcwd()), self._export_chosen)

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is not None:
            self.run_worker(partial(self._write_report, choice), thread=True, exclusive=True,
                            group="export")

    def _write_report(self, choice: ExportChoice) -> None:
        """Worker thread: a PDF takes a second or two, the dashboard keeps running meanwhile."""
        from fleetcheck.report.export import write_dashboard_report

        entries = [(e.host, e.result) for e in self.fleet.entries.values()]
        try:
            path = write_dashboard_report(self.inventory, entries, choice.format, choice.language,
                                          self._report_changes, os.getcwd())
        except Exception as exc:  # shown, never a crash of the dashboard
            self.call_from_thread(self.notify, f"report not written: {exc}", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"report written: {path}", markup=False, timeout=15)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_text(self._help_sections(), str(self.config.path or config_path()))))

    def _effective(self, bindings: Iterable[Binding]) -> list[Binding]:
        keys = self.config.keys
        return [b if not b.id or b.id not in keys else
                Binding(keys[b.id], b.action, b.description, show=b.show, tooltip=b.tooltip, id=b.id)
                for b in bindings]

    def _help_sections(self) -> list[tuple[str, list[Binding]]]:
        return [("Host table", self._effective(_bindings(MainScreen))),
                ("Host detail", self._effective(_bindings(DetailScreen))),
                ("Everywhere", self._effective(_bindings(FleetcheckApp)))]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        target = screen if isinstance(screen, MainScreen | DetailScreen) else self.main_screen
        for b in self._effective(_bindings(type(target))):
            if b.action.startswith("cursor") or b.id in ("up", "down", "back"):
                continue
            yield SystemCommand(f"{b.description} ({key_text(b.key)})",
                                f"{b.tooltip or b.description} · id {b.id}",
                                partial(self.call_later, target.run_action, b.action))

    async def action_quit(self) -> None:
        """Cancel running scans first, so quitting is prompt even mid-scan."""
        self.runner.cancel_all()
        self.exit(0)

    async def on_unmount(self) -> None:
        self.runner.cancel_all()
        with contextlib.suppress(Exception):  # a collector that cannot close must not block the exit
            await self.runner.close()
        self._saver.shutdown(wait=False)
        if self._last_save is not None:  # a scan being saved is not lost by quitting right after it
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.wrap_future(self._last_save), SAVE_WAIT)


def _bindings(cls: type) -> list[Binding]:
    return [b for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding)]

