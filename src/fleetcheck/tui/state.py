"""What the dashboard's app and screens share: the fleet, the clock, the rescan
settings, scan progress, colours, the history source and the header's text.

The app owns one DashboardState and hands it to each screen it creates. Screens
read it and render from it; they change nothing in it themselves but post a
request message (messages.py) that the app handles. So no screen needs to know
the app's class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from rich.style import Style
from rich.text import Text

from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.results import ScanResult
from fleetcheck.core.states import State
from fleetcheck.tui.central import CentralStatus
from fleetcheck.tui.fleet import Fleet
from fleetcheck.tui.formatting import clock_text, duration_text, interval_text
from fleetcheck.tui.widgets.summary import Summary, render_summary

# a host's saved scans, newest first: the narrow history read (ScanHistory.recent today,
# the store's equivalent later); called off the UI thread
HistorySource = Callable[[str], list[ScanResult]]


@dataclass
class ScanProgress:
    full_scan: int | None = None  # id of the running scan of all hosts (-1: starting)
    done: int = 0
    total: int = 0
    started_at: datetime | None = None
    last_full: tuple[datetime, float] | None = None  # when the last full scan ended, how long it took
    next_scan: datetime | None = None  # when the automatic rescan is due


@dataclass
class DashboardState:
    inventory: Inventory
    fleet: Fleet
    clock: Callable[[], datetime]
    tz: tzinfo | None = None
    interval: float = 300.0  # seconds between automatic rescans; 0 = none
    paused: bool = False
    history: HistorySource | None = None
    progress: ScanProgress = field(default_factory=ScanProgress)
    state_styles: dict[State | None, Style] = field(default_factory=dict)
    down_style: Style | None = None
    central: CentralStatus | None = None  # the central view (store, no scanning); None: scanning dashboard

    def now(self) -> datetime:
        return self.clock()

    @property
    def stale_after(self) -> timedelta:
        if self.central is not None:
            return self.central.stale_after
        return timedelta(seconds=max(2 * self.interval, 600) if self.interval > 0 else 900)

    @property
    def full_scan_running(self) -> bool:
        return self.progress.full_scan is not None

    def header(self, view: str, sort: str, filter_text: str, error: str) -> Text:
        """The main screen's three header lines."""
        if self.central is not None:
            first = self.central.first_line(self.now(), self.tz, self.state_styles.get(State.CRIT))
            s = Summary("", "", "", self.fleet.counts(), view, sort, filter_text, error, first)
            return render_summary(s, self.state_styles, self.down_style)
        p = self.progress
        if self.full_scan_running:
            progress = f"scanning {p.done}/{p.total}"
        elif p.last_full is not None:
            ended, took = p.last_full
            progress = f"scanned {clock_text(ended, self.tz)} in {duration_text(took)}"
        else:
            progress = "no scan yet"
        if self.interval <= 0:
            rescan = "auto-rescan off"
        elif self.paused:
            rescan = f"auto {interval_text(self.interval)} PAUSED"
        else:
            nxt = f", next {clock_text(p.next_scan, self.tz)}" if p.next_scan else ""
            rescan = f"auto {interval_text(self.interval)}{nxt}"
        customer = self.inventory.customer or "no customer named"
        s = Summary(customer, progress, rescan, self.fleet.counts(), view, sort, filter_text, error)
        return render_summary(s, self.state_styles, self.down_style)
