"""Host detail: every check with its evidence; updates when the host is rescanned.

The host's saved scans are read in a thread worker (history files, later the
store, can be slow or locked), once when the screen opens and again when a
full scan was saved; a rescan of the host repaints from what was read.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from fleetcheck.tui.detail_view import HistoryPoint, history_points, render_detail
from fleetcheck.tui.messages import CopyAddressRequested, RescanRequested
from fleetcheck.tui.state import DashboardState, HistorySource


class HistoryRead(Message):
    """Posted by the history worker: the host's saved scans, or why they could not be read."""

    def __init__(self, points: list[HistoryPoint], error: str | None = None) -> None:
        super().__init__()
        self.points, self.error = points, error


class DetailScreen(Screen[None]):
    AUTO_FOCUS = "#detail-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="detail-back", tooltip="Back to the host table"),
        Binding("down,j", "scroll(1)", "Down", id="detail-down", show=False),
        Binding("up,k", "scroll(-1)", "Up", id="detail-up", show=False),
        Binding("g,home", "edge(0)", "Top", id="detail-top", show=False),
        Binding("G,end", "edge(1)", "Bottom", id="detail-bottom", show=False),
        Binding("r", "rescan", "Rescan", id="detail-rescan", tooltip="Rescan this host"),
        Binding("y", "copy_address", "Copy addr", id="detail-copy-address",
                tooltip="Copy this host's address"),
    ]

    def __init__(self, state: DashboardState, host_name: str) -> None:
        super().__init__(id="detail")
        self.state = state
        self.host_name = host_name  # the row's key: the host's name, or customer and name (central view)
        entry = state.fleet.get(host_name)
        self.display_name = host_name if entry is None else (
            entry.host.name if entry.customer is None else f"{entry.customer} · {entry.host.name}")
        self.history: list[HistoryPoint] | None = None  # None: not read yet
        self.history_error: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"fleetcheck · {self.display_name}"
        self.refresh_body()
        self.load_history()

    def load_history(self) -> None:
        """Read the host's saved scans off the UI thread; the body shows them when read."""
        source = self.state.history
        if source is None:
            self.history = []
            self.refresh_body()
            return
        self.run_worker(lambda: self._read(source), thread=True, exclusive=True, group="history",
                        exit_on_error=False, description=f"history of {self.display_name}")

    def _read(self, source: HistorySource) -> None:
        """Runs in a worker thread; post_message is thread-safe."""
        try:
            entry = self.state.fleet.get(self.host_name)
            name = self.host_name if entry is None else entry.host.name
            points = history_points(source(self.host_name), name)
        except Exception as exc:  # unreadable history must not break the detail screen
            self.post_message(HistoryRead([], f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(HistoryRead(points))

    @on(HistoryRead)
    def _history_read(self, msg: HistoryRead) -> None:
        self.history, self.history_error = msg.points, msg.error
        self.refresh_body()

    def refresh_body(self) -> None:
        state = self.state
        entry = state.fleet.get(self.host_name)
        if entry is None:
            return
        body = render_detail(entry, self.history, state.state_styles, state.tz, state.now(),
                             history_error=self.history_error)
        self.query_one("#detail-body", Static).update(body)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll(self, lines: int) -> None:
        scroller = self.query_one("#detail-scroll", VerticalScroll)
        scroller.scroll_relative(y=lines, animate=False)

    def action_edge(self, bottom: int) -> None:
        scroller = self.query_one("#detail-scroll", VerticalScroll)
        if bottom:
            scroller.scroll_end(animate=False)
        else:
            scroller.scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.state.central is not None and action == "rescan":
            return None  # the central view does not scan (footer: dimmed)
        return True

    def action_rescan(self) -> None:
        self.post_message(RescanRequested((self.host_name,)))

    def action_copy_address(self) -> None:
        self.post_message(CopyAddressRequested(self.host_name))
