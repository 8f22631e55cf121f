"""CentralApp: the dashboard on the store instead of an inventory (`fleetcheck tui --db postgresql://…`).

The same screens, table, detail and history as the scanning dashboard; what
differs is where rows come from. Two thread workers run store-layer code
(no Textual there): the feed (`store/feed/`: LISTEN/NOTIFY, or SQLite's
data_version) and the reader (`store/central.py`, which owns the store).
The feed's events and the reader's results come back as messages; the app
asks the reader for what a notification names and repaints only those rows.
It never scans: the keys that would are shown disabled, and `?` says why.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from textual import on
from textual.message import Message

from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.results import utcnow
from fleetcheck.store.central import ALL, CentralReader, Read, ReadFailed
from fleetcheck.store.feed import FeedDown, FeedEvent, FeedUp, ScanFeed, ScanSaved
from fleetcheck.tui.app import FleetcheckApp
from fleetcheck.tui.central import STALE_AFTER, CentralStatus
from fleetcheck.tui.config import TuiConfig
from fleetcheck.tui.fleet import HostEntry
from fleetcheck.tui.messages import MainReady
from fleetcheck.tui.screens.detail import DetailScreen
from fleetcheck.tui.state import HistorySource

NOT_HERE = ("the central view does not scan: each customer's scanner does. Scan from here with "
            "`fleetcheck tui INVENTORY --db …` (it saves to the same database)")


class FeedNoticed(Message):
    def __init__(self, event: FeedEvent) -> None:
        super().__init__()
        self.event = event


class StoreRead(Message):
    def __init__(self, result: Read | ReadFailed) -> None:
        super().__init__()
        self.result = result


class CentralApp(FleetcheckApp):
    def __init__(self, feed: ScanFeed, reader: CentralReader, *, stale_after: timedelta = STALE_AFTER,
                 config: TuiConfig | None = None, theme: str | None = None,
                 clock: Callable[[], datetime] = utcnow, tz: tzinfo | None = None,
                 history: HistorySource | None = None,
                 on_shown: Callable[[Read, float], None] | None = None) -> None:
        super().__init__(Inventory(None, (), ()), {}, interval=0, config=config, theme=theme, clock=clock,
                         tz=tz, history=history, autostart=False)
        self.central = CentralStatus(feed.location, feed.how, reader.customer, stale_after)
        self.state.central = self.central
        self.feed, self.reader = feed, reader
        self._stop = threading.Event()
        self._on_shown = on_shown  # bench/central.py: a read and when its rows were painted
        self._keys: dict[str, set[str]] = {}  # customer key -> its rows' keys

    @on(MainReady)
    def _start_central(self) -> None:
        self.main_screen.table.stale_after = self.central.stale_after
        self.run_worker(self._run_feed, thread=True, group="central-feed", exit_on_error=False,
                        description="store feed")
        self.run_worker(self._run_reader, thread=True, group="central-read", exit_on_error=False,
                        description="store reader")
        self.reader.request(ALL)  # the feed's FeedUp asks again; the first read need not wait for it

    def _run_feed(self) -> None:
        self.feed.run(self._heard, self._stop)

    def _heard(self, ev: FeedEvent) -> None:
        """Feed thread: the reader is asked straight away (not via the busy UI loop); the app
        is told for the header."""
        if isinstance(ev, FeedUp):
            self.reader.request(ALL)  # what was saved while nobody listened
        elif isinstance(ev, ScanSaved):
            self.reader.request(ev.customer_key)
        self.post_message(FeedNoticed(ev))

    def _run_reader(self) -> None:
        self.reader.run(lambda result: self.post_message(StoreRead(result)), self._stop)

    @on(FeedNoticed)
    def _feed(self, msg: FeedNoticed) -> None:
        ev = msg.event
        if isinstance(ev, FeedUp):
            self.central.came_back()
        elif isinstance(ev, FeedDown):
            self.central.went_down(ev.since, ev.reason)
        self.main_screen.update_summary()

    @on(StoreRead)
    def _read(self, msg: StoreRead) -> None:
        result = msg.result
        if isinstance(result, ReadFailed):
            self.central.went_down(result.since, result.reason, "NOT READABLE")
            self.main_screen.update_summary()
            return
        self.central.read_at = self.now()  # the app's clock: what the header shows beside its own times
        if result.full:
            self.central.known = len(result.known)
            if self.central.down_since is not None:
                self.central.came_back()  # a full read worked: the database answers again
        changed: list[HostEntry] = []
        moved = False  # rows came or went: the columns are measured again
        for read in result.scans:
            before = self._keys.get(read.customer_key, set())
            entries = self.central.entries(read)
            moved |= self.fleet.swap(before, entries)
            self._keys[read.customer_key] = {e.key for e in entries}
            changed += entries
        main = self.main_screen
        if moved:
            main.rebuild(relayout=True)
        elif changed:
            main.apply(changed)
        else:
            main.update_summary()
        keys = {e.key for e in changed}
        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen) and screen.host_name in keys:
                screen.refresh_body()
                screen.load_history()
        if self._on_shown is not None and result.scans:
            self._shown_after_refresh(result)

    def _shown_after_refresh(self, result: Read) -> None:
        """bench/central.py: after the frame that paints the last of these rows (the main
        screen applies row updates a few milliseconds per frame)."""
        on_shown = self._on_shown
        if on_shown is None:
            return
        if self.main_screen.updating:
            self.call_after_refresh(self._shown_after_refresh, result)
        else:
            self.call_after_refresh(lambda: on_shown(result, time.time()))

    def _tick(self) -> None:
        super()._tick()
        self.main_screen.update_summary()  # customers turn stale as time passes

    # ----- no scanning here -------------------------------------------------------------------
    def rescan(self, names: object) -> None:
        self.notify(NOT_HERE, severity="warning", markup=False)

    def export_report(self) -> None:
        self.notify("reports come from the store: fleetcheck report --db … --customer NAME",
                    severity="warning", markup=False)

    def action_help(self) -> None:
        from rich.text import Text

        from fleetcheck.tui.config import config_path
        from fleetcheck.tui.screens.help import HelpScreen, help_text

        note = Text()
        note.append("Central view\n", style="bold underline")
        note.append(f"  Every customer's newest complete scan from {self.central.location}, live "
                    f"({self.central.how}).\n  Age = how old a row's result is; older than the stale limit: "
                    "marked STALE, an OK never green.\n  filter: customer:NAME. "
                    f"r, R, p, +, -, e are off here: {NOT_HERE}.\n\n")
        body = help_text(self._help_sections(), str(self.config.path or config_path()))
        self.push_screen(HelpScreen(Text.assemble(note, body)))

    async def on_unmount(self) -> None:
        self._stop.set()
