"""The main screen: header summary, `/` filter line, live host table, footer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from fleetcheck.tui.filtering import FilterError, Query, parse_query
from fleetcheck.tui.fleet import AUTO_SORT, SORTS, HostEntry, QuickView, in_view, next_sort
from fleetcheck.tui.messages import (
    CopyAddressRequested,
    DetailRequested,
    ExportRequested,
    IntervalStepped,
    MainReady,
    PauseToggled,
    RescanRequested,
)
from fleetcheck.tui.state import DashboardState
from fleetcheck.tui.update_queue import UpdateQueue
from fleetcheck.tui.widgets.host_table import HostTable
from fleetcheck.tui.widgets.summary import SummaryBar

APPLY_BUDGET = 0.008  # seconds of row updates per frame (update_queue.py)
APPLY_PAUSE = 1 / 60  # seconds until the next part: a frame, keys and paints in between
FILTER_DEBOUNCE = 0.15  # seconds; re-filtering 2000 rows costs ~50 ms, not per keystroke

# what the central view (no inventory, rows from the store) does not do: shown disabled
SCAN_ACTIONS = frozenset({"rescan_host", "rescan_all", "pause", "interval", "export"})

VIEW_KEYS = {"1": QuickView.ALL, "2": QuickView.PROBLEMS, "3": QuickView.UNREACHABLE,
             "4": QuickView.PRINTERS, "5": QuickView.STALE}


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#hosts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", id="down", show=False, tooltip="Next host"),
        Binding("up,k", "cursor_up", "Up", id="up", show=False, tooltip="Previous host"),
        Binding("g,home", "top", "Top", id="top", show=False, tooltip="First host"),
        Binding("G,end", "bottom", "Bottom", id="bottom", show=False, tooltip="Last host"),
        Binding("enter", "detail", "Detail", id="detail", tooltip="Every check of the highlighted host"),
        Binding("escape", "clear_filter", "Clear", id="back", show=False,
                tooltip="Clear the filter and go back to the table"),
        Binding("slash", "filter", "Filter", id="filter",
                tooltip="Filter: words, state:crit, kind:printer, site:, tag:, !negate"),
        *(Binding(key, f"view('{view.value}')", view.value.capitalize(), id=f"view-{view.value}",
                  show=False, tooltip=f"Quick view: {view.value}") for key, view in VIEW_KEYS.items()),
        Binding("s", "sort", "Sort", id="sort", tooltip="Cycle the sort order (worst first is automatic)"),
        Binding("r", "rescan_host", "Rescan", id="rescan-host", tooltip="Rescan the highlighted host"),
        Binding("R", "rescan_all", "All", id="rescan-all", tooltip="Rescan every host"),
        Binding("p", "pause", "Pause", id="pause", tooltip="Pause or resume automatic rescans"),
        Binding("plus", "interval(1)", "Interval+", id="interval-longer", show=False,
                tooltip="Rescan less often"),
        Binding("minus", "interval(-1)", "Interval-", id="interval-shorter", show=False,
                tooltip="Rescan more often"),
        Binding("e", "export", "Export", id="export", tooltip="Export a report"),
        Binding("y", "copy_address", "Copy", id="copy-address",
                tooltip="Copy the highlighted host's address to the clipboard"),
    ]

    def __init__(self, state: DashboardState) -> None:
        super().__init__(id="main")
        self.state = state
        self.view = QuickView.ALL
        self.sort_name = AUTO_SORT
        self.filter_query: Query = parse_query("")
        self.filter_error = ""
        self._debounce: Timer | None = None
        self._row_updates = UpdateQueue()
        self._drain_timer: Timer | None = None

    @property
    def table(self) -> HostTable:
        return self.query_one(HostTable)

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        yield Input(placeholder="filter: words, state:crit, kind:printer, site:, tag:, !negate",
                    id="filter", classes="hidden")
        yield HostTable(id="hosts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.restyle()
        self.rebuild()
        self.post_message(MainReady())

    def on_resize(self) -> None:
        self.table.build_columns(list(self.state.fleet.entries.values()), self.size.width)

    # ----- what is shown -------------------------------------------------------------------
    def keep(self, entry: HostEntry) -> bool:
        state = self.state
        return in_view(entry, self.view, state.now(), state.stale_after) and self.filter_query.matches(entry)

    def rebuild(self, relayout: bool = False) -> None:
        """Full rebuild: used when the view, filter or theme changes, not per result
        (`relayout`: hosts came or went, as when the central view reads the store)."""
        fleet = self.state.fleet
        table = self.table
        self._row_updates.clear()  # the rows are built from the fleet itself, queued updates included
        table.build_columns(list(fleet.entries.values()), self.size.width or 80, force=relayout)
        table.show([e for e in fleet.entries.values() if self.keep(e)], self.state.now(),
                   SORTS[self.sort_name][1])
        self.update_summary()

    def restyle(self) -> None:
        state = self.state
        self.table.restyle(state.state_styles, state.down_style, state.tz)

    def apply(self, changed: Sequence[HostEntry]) -> None:
        """Live update: hosts that got a result enter, leave or move; only lines on screen
        whose host changed or moved repaint. Applied within a time budget per frame
        (update_queue.py): the rest follows in the next frames."""
        if not self.is_mounted:
            return
        self._row_updates.add(changed)
        self._drain()

    def _drain(self) -> None:
        self._drain_timer = None
        if not self.is_mounted:
            return
        done = self._row_updates.drain(self._show_rows, APPLY_BUDGET)
        self.table.flush()
        self.update_summary()
        if not done and self._drain_timer is None:
            self._drain_timer = self.set_timer(APPLY_PAUSE, self._drain)

    def _show_rows(self, changed: list[HostEntry]) -> None:
        table = self.table
        keep = self.keep
        table.drop([e.key for e in changed if table.has(e.key) and not keep(e)])
        table.put([e for e in changed if keep(e)], self.state.now())

    @property
    def updating(self) -> bool:
        """Row updates are still queued (shown within the next frames)."""
        return bool(self._row_updates)

    def tick(self) -> None:
        """Periodic: ages change; the stale view gains hosts. Only changed lines repaint."""
        if self.view is QuickView.STALE:
            self.apply(list(self.state.fleet.entries.values()))
            return
        self.table.tick(self.state.now())

    def release_lines(self) -> None:
        """Drop the lines Textual painted for the table, its scrollbar and the header
        (gc_tuning.py): the next frame paints them anew, the rows from the table's line cache."""
        if self.is_mounted:
            table = self.table
            table.refresh()
            if table.show_vertical_scrollbar:  # its thumb is repainted with every batch too
                table.vertical_scrollbar.refresh()
            self.query_one(SummaryBar).refresh()

    def update_summary(self) -> None:
        if not self.is_mounted:
            return
        shown = self.table.row_count
        view = f"{self.view.value} ({shown} of {len(self.state.fleet)} hosts)"
        self.query_one(SummaryBar).show(self.state.header(view, SORTS[self.sort_name][0],
                                                          self.filter_query.text, self.filter_error))

    # ----- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.state.central is not None and action in SCAN_ACTIONS:
            return None  # the footer shows them dimmed; `?` help says why
        return True

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_top(self) -> None:
        self.table.action_top()

    def action_bottom(self) -> None:
        self.table.action_bottom()

    def action_detail(self) -> None:
        name = self.table.highlighted_name
        if name is not None:
            self.post_message(DetailRequested(name))

    @on(HostTable.Chosen, "#hosts")
    def _row_chosen(self, event: HostTable.Chosen) -> None:
        self.post_message(DetailRequested(event.host_name))

    def action_view(self, name: str) -> None:
        self.view = QuickView(name)
        self.rebuild()

    def action_sort(self) -> None:
        self.sort_name = next_sort(self.sort_name)
        if self._row_updates:  # rows still waiting: rebuild from the fleet, in the new order
            self.rebuild()
            return
        self.table.resort(SORTS[self.sort_name][1])
        self.update_summary()

    def action_rescan_host(self) -> None:
        name = self.table.highlighted_name
        if name is not None:
            self.post_message(RescanRequested((name,)))

    def action_rescan_all(self) -> None:
        self.post_message(RescanRequested(None))

    def action_pause(self) -> None:
        self.post_message(PauseToggled())

    def action_interval(self, step: int) -> None:
        self.post_message(IntervalStepped(step))

    def action_export(self) -> None:
        self.post_message(ExportRequested())

    def action_copy_address(self) -> None:
        name = self.table.highlighted_name
        if name is not None:
            self.post_message(CopyAddressRequested(name))

    # ----- filter --------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("hidden")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        had_filter = bool(self.filter_query.text or box.value or self.filter_error)
        box.value = ""
        box.add_class("hidden")
        self.table.focus()
        if had_filter:
            self._set_query("")

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value
        self._debounce = self.set_timer(FILTER_DEBOUNCE, lambda: self._set_query(value))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._set_query(event.value)
        if not self.filter_error:  # the header shows the filter; give the rows the space back
            self.query_one("#filter", Input).add_class("hidden")
        self.table.focus()

    def _set_query(self, text: str) -> None:
        box = self.query_one("#filter", Input)
        try:
            query = parse_query(text)
        except FilterError as exc:
            self.filter_error = str(exc)
            box.add_class("-invalid")
            self.update_summary()
            return
        self.filter_error = ""
        box.remove_class("-invalid")
        if query.text != self.filter_query.text:
            self.filter_query = query
            self.rebuild()
        else:
            self.update_summary()
