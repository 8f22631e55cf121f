"""Host detail: every check with its evidence; updates when the host is rescanned."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from fleetcheck.tui.detail_view import render_detail

if TYPE_CHECKING:
    from fleetcheck.tui.app import FleetcheckApp


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

    def __init__(self, host_name: str) -> None:
        super().__init__(id="detail")
        self.host_name = host_name

    @property
    def fleet_app(self) -> FleetcheckApp:
        return cast("FleetcheckApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"fleetcheck · {self.host_name}"
        self.refresh_body()

    def refresh_body(self) -> None:
        app = self.fleet_app
        entry = app.fleet.get(self.host_name)
        if entry is None:
            return
        body = render_detail(entry, app.host_history(self.host_name), app.state_styles, app.tz, app.now())
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

    def action_rescan(self) -> None:
        self.fleet_app.rescan([self.host_name])

    def action_copy_address(self) -> None:
        self.fleet_app.copy_address(self.host_name)
