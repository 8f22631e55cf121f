"""The live host table, on Textual's public line API (a ScrollView with render_line).

The widget owns its rows (table_rows.RowStore): one line per host, a fixed
header line, its own cursor, sorting and mouse handling. Only rows on screen
are ever rendered, a row's finished line is cached until its cells change, and
a live update repaints only the visible lines whose host changed or moved, so
the cost of a batch follows the rows that changed or are visible, not the fleet.

Public contract (used by screens/main.py and the tests):
- layout: `build_columns(entries, width)`, `restyle(styles, down, tz)`;
- rows: `show(entries, now, sort_key)`, `put(entries, now)`, `drop(names)`,
  `resort(sort_key)`, `tick(now)`, then `flush()` to repaint;
- reading: `row_count`, `shown_names`, `highlighted_name`, `cursor_row`,
  `columns`, `row_texts(name)`, `has(name)`;
- moving: `action_cursor_down()`, `action_cursor_up()`, `action_page_down()`,
  `action_page_up()`, `action_top()`, `action_bottom()` (also bound to the arrow,
  page and home/end keys); a click on the highlighted row posts `Chosen`.

The highlighted host stays highlighted and at its place on screen while rows
re-sort around it; until the user moves the cursor it stays on the top row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fleetcheck.core.results import utcnow
from fleetcheck.core.states import State
from fleetcheck.tui.fleet import AUTO_SORT, SORTS, HostEntry
from fleetcheck.tui.formatting import SCANNING, age_text, clock_text, one_line, state_label
from fleetcheck.tui.table_rows import RowStore, SortKey

WIDE_MIN = 110  # below this many columns, site, address and time are left to the detail screen
STATE_W, CHECKED_W, AGE_W, MIN_FINDING = 9, 8, 4, 20
PAD = 1  # blank cells either side of a cell's text
SCROLLBAR_W = 2
LINE_CACHE = 512  # finished lines kept; a screen shows ~50

Cell = tuple[str, Style | None]
LABELS = {"state": "State", "customer": "Customer", "name": "Host", "kind": "Kind", "site": "Site",
          "address": "Address", "finding": "Worst finding", "checked": "Checked", "age": "Age"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # cells, padding included


def _cap(values: Iterable[str], lo: int, hi: int) -> int:
    return max(lo, min(hi, max((cell_len(v) for v in values), default=lo)))


def _fit(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut with an ellipsis as Rich does."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 0 else ""
    return text


class HostTable(ScrollView, can_focus=True, inherit_bindings=False):
    # ScrollView's own bindings scroll the view; here the keys move the cursor instead
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", show=False), Binding("up", "cursor_up", show=False),
        Binding("pagedown", "page_down", show=False), Binding("pageup", "page_up", show=False),
        Binding("home", "top", show=False), Binding("end", "bottom", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"host-table--header", "host-table--cursor"}
    DEFAULT_CSS = """
    HostTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .host-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .host-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .host-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .host-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .host-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class Chosen(Message):
        """The user clicked the highlighted host: open it."""

        def __init__(self, table: HostTable, name: str) -> None:
            super().__init__()
            self.table, self.host_name = table, name

        @property
        def control(self) -> HostTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.styles_by_state: dict[State | None, Style] = {}
        self.down: Style | None = None
        self.tz: tzinfo | None = None
        self.now: datetime | None = None
        self.rows = RowStore(SORTS[AUTO_SORT][1])
        self.cursor_row = 0
        # Until the user moves the cursor it stays on the first (worst) row; after
        # that it follows the highlighted host. `g` (top) hands it back to the top.
        self.follow_top = True
        self._columns: tuple[Column, ...] = ()
        self._layout_for: tuple[int, bool] | None = None
        self._cells: dict[str, dict[str, Cell]] = {}  # what each rendered row shows
        self._version: dict[str, int] = {}  # bumped when a row's cells change
        self._lines: LRUCache[str, tuple[int, int, Strip]] = LRUCache(LINE_CACHE)
        self._style_gen = 0  # bumped when colours or layout change: cached lines are stale
        self._line_styles: tuple[Style, Style, Style] | None = None
        self._kept_anchor: tuple[str | None, int] | None = None  # where the cursor was before drop()
        # central view: a result older than this is shown stale (muted, never green, and said)
        self.stale_after: timedelta | None = None

    # ----- layout and styles ------------------------------------------------------------------
    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def build_columns(self, entries: Sequence[HostEntry], width: int, force: bool = False) -> bool:
        """Choose the columns for this terminal width; True when they changed. `force`: the
        hosts changed (the central view's first scans arrived), measure them again."""
        wide = width >= WIDE_MIN
        if self._layout_for == (width, wide) and self._columns and not force:
            return False
        hosts = [e.host for e in entries]
        widths: dict[str, int] = {"state": STATE_W}
        customers = [e.customer for e in entries if e.customer is not None]
        if customers:  # the central view: several customers' hosts in one table
            widths["customer"] = _cap(customers, 8, 20 if wide else 12)
        widths |= {
            "name": _cap((h.name for h in hosts), 8, 24),
            "kind": _cap((h.kind for h in hosts), 4, 11),
        }
        if wide:
            widths["site"] = _cap((h.site or "" for h in hosts), 4, 14)
            widths["address"] = _cap((h.address for h in hosts), 7, 22)
        fixed = (CHECKED_W if wide else 0) + AGE_W
        ncols = len(widths) + 2 + (1 if wide else 0)
        widths["finding"] = max(MIN_FINDING, width - sum(widths.values()) - fixed - 2 * PAD * ncols
                                - SCROLLBAR_W)
        if wide:
            widths["checked"] = CHECKED_W
        widths["age"] = AGE_W
        self._layout_for = (width, wide)
        self._columns = tuple(Column(k, LABELS[k], w + 2 * PAD) for k, w in widths.items())
        self._restart()
        return True

    def restyle(self, styles: dict[State | None, Style], down: Style | None, tz: tzinfo | None) -> None:
        self.styles_by_state, self.down, self.tz = styles, down, tz
        self._restart()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # focus, theme or CSS changed: colours of every line
        self._line_styles = None
        self._style_gen += 1

    def _restart(self) -> None:
        self._cells.clear()
        self._lines.clear()
        self._style_gen += 1
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = sum(c.width for c in self._columns)
        self.virtual_size = Size(width, len(self.rows) + 1)  # + the header line

    # ----- rows --------------------------------------------------------------------------------
    def show(self, entries: Iterable[HostEntry], now: datetime, sort_key: SortKey | None = None) -> None:
        """Show exactly these hosts (view, filter or layout changed); keeps the highlighted host."""
        anchor = self._kept_anchor or self._anchor()
        self._kept_anchor = None
        self.now = now
        self.rows.replace(entries, sort_key)
        self._cells.clear()
        self._lines.clear()
        self.rows.settle()
        self._update_virtual_size()
        self._restore(anchor)
        self.refresh()

    def put(self, entries: Iterable[HostEntry], now: datetime) -> None:
        """Hosts that entered the view or got a new result; repainted by flush()."""
        self.now = now
        for entry in entries:
            self.rows.put(entry)

    def drop(self, names: Iterable[str]) -> None:
        """Hosts that left the view; repainted by flush()."""
        names = [n for n in names if n in self.rows]
        if not names:
            return
        if self._kept_anchor is None:  # rows below shift now; flush() restores the cursor from here
            self._kept_anchor = self._anchor()
        self.rows.remove(names)
        for name in names:  # a host can come back; it must not find its old line
            self._cells.pop(name, None)
            self._lines.discard(name)

    def resort(self, sort_key: SortKey) -> None:
        self.rows.resort(sort_key)
        self.flush()

    def tick(self, now: datetime) -> None:
        """Time moved on: only ages change; only rows whose age text changed repaint."""
        self.now = now
        if self.stale_after is not None:  # a row may turn stale: compare every rendered row (flush does)
            self.rows.touch(list(self._cells))
            self.flush()
            return
        aged = [name for name, cells in self._cells.items()
                if "age" in cells and cells["age"][0] != age_text(self.rows.entries[name].checked_at, now)]
        self.rows.touch(aged)
        self.flush()

    def flush(self) -> None:
        """Apply what put/drop/resort/tick recorded: re-sort, keep the highlighted host where
        it is on screen, and repaint only the visible lines whose row changed or moved."""
        anchor, shifted = (self._kept_anchor, True) if self._kept_anchor else (self._anchor(), False)
        self._kept_anchor = None
        top, height = self.scroll_offset.y, max(0, self.size.height - 1)
        before = self.rows.order[top:top + height]
        done = self.rows.settle()
        really_changed = {n for n in done.changed if self._recompute(n)}
        if done.resized:
            self._update_virtual_size()
        if not (done.reordered or done.resized or really_changed):
            return
        old_cursor = self.cursor_row
        self._restore(anchor)
        if self.scroll_offset.y != top or shifted:
            self.refresh()  # rows moved under the view: repaint it whole
            return
        after = self.rows.order[top:top + height]
        for i in range(max(len(before), len(after))):
            name = after[i] if i < len(after) else None
            was = before[i] if i < len(before) else None
            if name != was or name in really_changed or top + i in (old_cursor, self.cursor_row):
                self.refresh(Region(0, i + 1, self.size.width, 1))

    def _recompute(self, name: str) -> bool:
        """Fresh cells for a row that has been rendered; True when what it shows changed."""
        shown = self._cells.get(name)
        if shown is None or self.now is None:
            return name in self.rows  # never rendered: nothing on screen to compare with
        cells = self.cells_for(self.rows.entries[name], self.now)
        if cells == shown:
            return False
        self._cells[name] = cells
        self._version[name] = self._version.get(name, 0) + 1
        return True

    def cells_for(self, entry: HostEntry, now: datetime) -> dict[str, Cell]:
        """What each column shows for this host. Host text is squeezed into one line with
        control characters escaped: it is untrusted and must not act on the terminal."""
        host = entry.host
        state_style = self.styles_by_state.get(entry.state)
        if entry.has_result and not entry.reachable and self.down is not None:
            state_style = self.down
        pending = self.styles_by_state.get(None)
        finding = entry.finding()
        finding_style = pending if not entry.has_result else None
        if self.is_stale(entry, now):  # an old result is no current verdict: it says so, and an OK
            finding_style = pending    # is not green (a stale CRIT keeps its colour: still unresolved)
            if entry.state is State.OK:
                state_style = pending
            finding = f"STALE, last scan {age_text(entry.checked_at, now)} ago: {finding}"
        full: dict[str, Cell] = {
            "state": (state_label(entry.state, entry.reachability), state_style),
            "customer": (entry.customer or "", None),
            "name": (host.name, None),
            "kind": (host.kind, None),
            "site": (host.site or "", None),
            "address": (host.address, None),
            "finding": (finding, finding_style),
            "checked": (SCANNING if entry.scanning else clock_text(entry.checked_at, self.tz),
                        pending if entry.scanning else None),
            "age": (age_text(entry.checked_at, now), None),
        }
        return {c.key: (one_line(full[c.key][0]), full[c.key][1]) for c in self._columns}

    def is_stale(self, entry: HostEntry, now: datetime) -> bool:
        return (self.stale_after is not None and entry.checked_at is not None
                and now - entry.checked_at > self.stale_after)

    def _row_cells(self, name: str) -> dict[str, Cell]:
        cells = self._cells.get(name)
        if cells is None:
            cells = self.cells_for(self.rows.entries[name], self.now or utcnow())
            self._cells[name] = cells
        return cells

    def has(self, name: str) -> bool:
        return name in self.rows

    def row_texts(self, name: str) -> list[str]:
        cells = self._row_cells(name)
        return [cells[c.key][0] for c in self._columns]

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def shown_names(self) -> list[str]:
        return list(self.rows.order)

    @property
    def highlighted_name(self) -> str | None:
        order = self.rows.order
        return order[self.cursor_row] if 0 <= self.cursor_row < len(order) else None

    # ----- rendering ----------------------------------------------------------------------------
    def _styles(self) -> tuple[Style, Style, Style]:
        if self._line_styles is None:
            self._line_styles = (self.rich_style, self.get_component_rich_style("host-table--header"),
                                 self.get_component_rich_style("host-table--cursor"))
        return self._line_styles

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base, header, cursor = self._styles()
        if y == 0:
            strip = self._strip([(c.label, None) for c in self._columns], base + header)
        else:
            row = scroll_y + y - 1
            order = self.rows.order
            if row >= len(order):
                return Strip.blank(width, base)
            strip = self._row_strip(order[row], base)
            if row == self.cursor_row:  # the cursor's colours win over the cell's, as in DataTable
                strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, base)

    def _row_strip(self, name: str, base: Style) -> Strip:
        version = self._version.get(name, 0)
        cached = self._lines.get(name)
        if cached is not None and cached[0] == self._style_gen and cached[1] == version:
            return cached[2]
        cells = self._row_cells(name)
        strip = self._strip([cells[c.key] for c in self._columns], base)
        self._lines[name] = (self._style_gen, self._version.get(name, 0), strip)
        return strip

    def _strip(self, cells: Sequence[Cell], base: Style) -> Strip:
        """One line: each cell's text in its own style, padding and fill in the widget's."""
        pad = " " * PAD
        segments: list[Segment] = []
        for col, (text, style) in zip(self._columns, cells, strict=True):
            inner = col.width - 2 * PAD
            fitted = _fit(text, inner)
            if style is None:
                segments.append(Segment(f"{pad}{fitted}{' ' * (inner - cell_len(fitted))}{pad}", base))
                continue
            segments.append(Segment(pad, base))
            segments.append(Segment(fitted, base + style))
            segments.append(Segment(" " * (inner - cell_len(fitted)) + pad, base))
        return Strip(segments, sum(c.width for c in self._columns))

    # ----- cursor, keeping the highlighted host where it is ---------------------------------------
    def _visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _move(self, row: int, by_user: bool = True) -> None:
        count = len(self.rows)
        if count == 0:
            return
        row = max(0, min(count - 1, row))
        if by_user:
            self.follow_top = False
        old, self.cursor_row = self.cursor_row, row
        top = self.scroll_offset.y
        for r in {old, row}:
            if top <= r < top + self._visible_rows():
                self.refresh(Region(0, r - top + 1, self.size.width, 1))
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        top, visible = self.scroll_offset.y, self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self._move(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor_row + self._visible_rows())

    def action_page_up(self) -> None:
        self._move(self.cursor_row - self._visible_rows())

    def action_top(self) -> None:
        self._move(0)
        self.follow_top = True
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        self._move(len(self.rows) - 1)

    def _anchor(self) -> tuple[str | None, int]:
        name = None if self.follow_top else self.highlighted_name
        return name, self.cursor_row - self.scroll_offset.y

    def _restore(self, anchor: tuple[str | None, int]) -> None:
        name, offset = anchor
        count = len(self.rows)
        if self.follow_top:
            self.cursor_row = 0
            return
        if name is not None and name in self.rows:
            self.cursor_row = self.rows.order.index(name)
            top = max(0, min(self.cursor_row - offset, count + 1 - self.size.height))
            if top != self.scroll_offset.y:
                self.scroll_to(y=top, animate=False, immediate=True)
        else:
            self.cursor_row = max(0, min(self.cursor_row, count - 1))

    # ----- mouse ---------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header
        row = self.scroll_offset.y + offset.y - 1
        if not 0 <= row < len(self.rows):
            return
        event.stop()
        if row == self.cursor_row:
            self.post_message(self.Chosen(self, self.rows.order[row]))
        else:
            self._move(row)
