"""The live host table: a DataTable keyed by host name, updated cell by cell.

Rules from measurements (docs in shared reference tui.md §3): fixed column
widths and `update_cell(update_width=False)` (auto width is quadratic at 2000
rows); untrusted text always wrapped in `Text` (a raw str is Rich markup);
re-sorting keeps the highlighted host highlighted and at the same place on
screen, so the view never jumps under the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any, Self

from rich.segment import Segment
from rich.style import Style
from rich.text import Text, TextType
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowKey

from fleetcheck.core.states import State
from fleetcheck.tui.fleet import HostEntry
from fleetcheck.tui.formatting import SCANNING, age_text, clock_text, one_line, state_label

WIDE_MIN = 110  # below this many columns, site, address and time are left to the detail screen
STATE_W, CHECKED_W, AGE_W, MIN_FINDING = 9, 8, 4, 20

Cell = tuple[str, Style | None]
SegmentLines = list[list[Segment]]


def _cap(values: Iterable[str], lo: int, hi: int) -> int:
    return max(lo, min(hi, max((len(v) for v in values), default=lo)))


def _drop(cache: LRUCache[Any, Any], index: int, wanted: set[Any]) -> None:
    """Remove the entries whose key has one of `wanted` at position `index`."""
    keys = cache.keys()
    for key in [k for k in keys if k[index] in wanted]:
        cache.discard(key)


def _retag(strip: Strip, row_index: int) -> Strip:
    """The same line with every segment's mouse meta pointing at row `row_index`."""
    row_meta = Style.from_meta({"row": row_index})
    segments = [Segment(seg.text, seg.style + row_meta, seg.control)
                if seg.style is not None and "row" in seg.style.meta else seg for seg in strip]
    return Strip(segments, strip.cell_length)


class HostTable(DataTable[Text]):
    def __init__(self, **kwargs: object) -> None:
        # set before DataTable.__init__, which already clears (and so renders) the table
        self.styles_by_state: dict[State | None, Style] = {}
        self.down: Style | None = None
        self.tz: tzinfo | None = None
        self._cells: dict[str, dict[str, Cell]] = {}  # what each row shows now
        self._columns: tuple[str, ...] = ()
        self._built_for: tuple[int, bool] = (0, False)
        # Until the user moves the cursor it stays on the first (worst) row; after
        # that it follows the highlighted host. `g` (top) hands it back to the top.
        self.follow_top = True
        self._moving = False
        self._versions: dict[tuple[str | None, str | None], int] = {}  # (row, column) -> edits
        self._own_cells: LRUCache[tuple[object, ...], tuple[tuple[int, int], SegmentLines]] = LRUCache(4000)
        self._structure = 0  # bumped on every add/remove/clear/sort of rows
        self._ordered_key: tuple[int, int] = (-1, -1)
        self._ordered: list[Row] = []
        self._offsets_key: tuple[int, int] = (-1, -1)
        self._offsets: list[tuple[RowKey, int]] = []
        self._kept_anchor: tuple[str | None, int] | None = None
        self._dirty: set[str] = set()  # rows edited since the last flush_edits()
        self._row_edits: dict[str, int] = {}  # row -> edits of any of its cells
        self._own_lines: LRUCache[tuple[object, ...], tuple[int, Strip]] = LRUCache(1000)
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]

    # ----- layout -------------------------------------------------------------------------
    def build_columns(self, entries: Sequence[HostEntry], width: int) -> bool:
        """(Re)create columns for this width; True when the columns changed (rows were dropped)."""
        wide = width >= WIDE_MIN
        hosts = [e.host for e in entries]
        widths: dict[str, int] = {
            "state": STATE_W,
            "name": _cap((h.name for h in hosts), 8, 24),
            "kind": _cap((h.kind for h in hosts), 4, 11),
        }
        labels = {"state": "State", "name": "Host", "kind": "Kind", "site": "Site", "address": "Address",
                  "finding": "Worst finding", "checked": "Checked", "age": "Age"}
        if wide:
            widths["site"] = _cap((h.site or "" for h in hosts), 4, 14)
            widths["address"] = _cap((h.address for h in hosts), 7, 22)
        used = sum(widths.values()) + (CHECKED_W if wide else 0) + AGE_W
        ncols = len(widths) + 2 + (1 if wide else 0)
        widths["finding"] = max(MIN_FINDING, width - used - 2 * ncols - 2)  # 2: scrollbar
        if wide:
            widths["checked"] = CHECKED_W
        widths["age"] = AGE_W
        key = (width, wide)
        if key == self._built_for and self._columns:
            return False
        self._built_for = key
        self._columns = tuple(widths)
        if self.row_count:
            self._kept_anchor = self._anchor()  # show() puts the highlighted host back
        self._moving = True
        try:
            self.clear(columns=True)
        finally:
            self._moving = False
        self._cells.clear()
        self._own_cells.clear()
        for col, w in widths.items():
            self.add_column(labels[col], width=w, key=col)
        return True

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> SegmentLines:
        # DataTable keys its cell cache on a table-wide update counter, so one changed cell
        # re-renders every visible cell (~370 at 160x50: the whole cost of a frame). Here a
        # cell is cached on its own version and survives edits elsewhere and re-sorts. The
        # rendered segments carry the row index as mouse meta; a row that moved gets its
        # cached cell re-tagged instead of re-rendered.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        col_key = self._column_locations.get_key(column_index)
        if row_key is None or col_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        version = self._versions.get((row_key.value, col_key.value), 0)
        key = (row_key, col_key, version, base_style, width, cursor, hover,
               self._show_hover_cursor, self._pseudo_class_state)
        cached = self._own_cells.get(key)
        if cached is not None and cached[0] == (row_index, column_index):
            return cached[1]
        if cached is None:
            lines = self.render_text_cell(row_index, column_index, base_style, width, cursor, hover)
        else:
            meta = Style.from_meta({"row": row_index, "column": column_index})
            lines = [[Segment(seg.text, seg.style + meta if seg.style else meta, seg.control)
                      for seg in line] for line in cached[1]]
        self._own_cells[key] = ((row_index, column_index), lines)
        return lines

    def render_text_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                         cursor: bool, hover: bool) -> SegmentLines:
        """What DataTable._render_cell draws for a one-line Text cell, without Rich's generic
        Styled(Padding(...)) pipeline (4x the work). tests/tui/test_render.py checks that the
        result equals DataTable's for every cell, cursor and hover state of the test fleet."""
        row_key = self._row_locations.get_key(row_index)
        col_key = self._column_locations.get_key(column_index)
        cell = None if row_key is None or col_key is None else self._data[row_key][col_key]
        if not isinstance(cell, Text) or self.fixed_columns or self.fixed_rows or row_key is None \
                or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        base_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pad = self.cell_padding
        inner = max(0, width - 2 * pad)
        text = cell.copy()
        text.truncate(inner, overflow=cell.overflow or "ellipsis")
        console = self.app.console
        style = console.get_style(text.style) if text.style else None
        line = [Segment(" " * pad)] if pad else []
        for seg in text.render(console):  # the Text's own style under its spans, as Rich does
            seg_style = seg.style if style is None else (style + seg.style if seg.style else style)
            line.append(Segment(seg.text, seg_style))
        fill = inner - text.cell_len
        if fill > 0:
            line.append(Segment(" " * fill))
        if pad:
            line.append(Segment(" " * pad))
        return [list(Segment.apply_style(line, base_style + component_style, post_style))]

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        # A re-sort bumps DataTable's update counter, so every visible line used to be rebuilt
        # cell by cell (~1 ms a line, 45 ms a frame at 160x50: the longest stall while a scan
        # streams). A row's finished line is cached here on the row's own edits; a row that
        # only moved gets that line re-tagged with its new row index (mouse meta) instead
        # (bench/tui_2000.py: that frame went from ~45 ms to ~20 ms).
        header = self.header_height if self.show_header else 0
        row_index = y - header
        row_key = self._row_locations.get_key(row_index) if 0 <= row_index < self.row_count else None
        if (row_key is None or self.cursor_type != "row" or self.fixed_rows or self.fixed_columns
                or self.zebra_stripes or (self._labelled_row_exists and self.show_row_labels)
                or self.rows[row_key].height != 1):
            return super()._render_line(y, x1, x2, base_style)
        key = (row_key, self._row_edits.get(row_key.value, 0), x1, x2, self.size.width, base_style,
               self.cursor_coordinate.row == row_index, self.hover_coordinate.row == row_index,
               self.show_cursor, self._show_hover_cursor, self._pseudo_class_state)
        cached = self._own_lines.get(key)
        if cached is not None and cached[0] == row_index:
            return cached[1]
        if cached is None:
            strip = super()._render_line(y, x1, x2, base_style)
        else:
            strip = _retag(cached[1], row_index)
        self._own_lines[key] = (row_index, strip)
        return strip

    # DataTable recomputes these O(rows) lists whenever its update counter moves, i.e. on
    # every cell edit; they only depend on the row order, so key them on structure changes.
    @property
    def ordered_rows(self) -> list[Row]:
        key = (self.row_count, self._structure)
        if self._ordered_key != key:
            self._ordered_key = key
            get_key = self._row_locations.get_key
            keys = (get_key(i) for i in range(self.row_count))
            self._ordered = [self.rows[k] for k in keys if k is not None]
        return self._ordered

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        key = (self.row_count, self._structure)
        if self._offsets_key != key:
            self._offsets_key = key
            self._offsets = [(row.key, y) for row in self.ordered_rows for y in range(row.height)]
        return self._offsets

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._own_lines.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._own_lines.clear()

    def clear(self, columns: bool = False) -> Self:
        self._structure += 1
        self._own_lines.clear()
        super().clear(columns)
        self._structure += 1
        return self

    def add_row(self, *cells: Text, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        self._structure += 1
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        self._structure += 1
        return row_key

    def remove_row(self, row_key: RowKey | str) -> None:
        self._structure += 1
        super().remove_row(row_key)
        self._structure += 1

    def sort(self, *columns: ColumnKey | str, key: Callable[[Any], Any] | None = None,
             reverse: bool = False) -> Self:
        self._structure += 1
        super().sort(*columns, key=key, reverse=reverse)
        self._structure += 1
        return self

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # Every column has a fixed width and every row is one line, so measuring each new
        # cell (2000 rows x 8 columns on the first paint, ~1 s on a busy 2-core box) buys
        # nothing; only the virtual size needs recomputing, which the base does without rows.
        super()._update_dimensions(())

    # ----- cells ---------------------------------------------------------------------------
    def cells_for(self, entry: HostEntry, now: datetime) -> dict[str, Cell]:
        host = entry.host
        state_style = self.styles_by_state.get(entry.state)
        if entry.result is not None and not entry.reachable and self.down is not None:
            state_style = self.down
        checked = SCANNING if entry.scanning else clock_text(entry.checked_at, self.tz)
        finding_style = self.styles_by_state.get(None) if entry.result is None else None
        full: dict[str, Cell] = {
            "state": (state_label(entry.state, entry.reachability), state_style),
            "name": (host.name, None),
            "kind": (host.kind, None),
            "site": (host.site or "", None),
            "address": (host.address, None),
            "finding": (one_line(entry.finding()), finding_style),
            "checked": (checked, self.styles_by_state.get(None) if entry.scanning else None),
            "age": (age_text(entry.checked_at, now), None),
        }
        return {c: full[c] for c in self._columns}

    @staticmethod
    def _text(cell: Cell) -> Text:
        text, style = cell
        return Text(text, style=style or "", no_wrap=True, overflow="ellipsis")

    def add_entry(self, entry: HostEntry, now: datetime) -> None:
        cells = self.cells_for(entry, now)
        self._cells[entry.name] = cells
        self._row_edits[entry.name] = self._row_edits.get(entry.name, 0) + 1  # a name can come back
        self.add_row(*(self._text(cells[c]) for c in self._columns), key=entry.name)

    def update_entry(self, entry: HostEntry, now: datetime) -> int:
        """Update only the cells whose text or style changed; returns how many."""
        shown = self._cells.get(entry.name)
        if shown is None:
            return 0
        changed = 0
        for col, cell in self.cells_for(entry, now).items():
            if shown.get(col) != cell:
                shown[col] = cell
                self._versions[(entry.name, col)] = self._versions.get((entry.name, col), 0) + 1
                self._row_edits[entry.name] = self._row_edits.get(entry.name, 0) + 1
                self._data[RowKey(entry.name)][ColumnKey(col)] = self._text(cell)
                self._dirty.add(entry.name)
                changed += 1
        return changed

    def update_age(self, entry: HostEntry, now: datetime) -> None:
        """The periodic tick only moves ages; leave the other cells alone (cheap for 2000 rows)."""
        shown = self._cells.get(entry.name)
        if shown is None or "age" not in shown:
            return
        cell = (age_text(entry.checked_at, now), None)
        if shown["age"] != cell:
            shown["age"] = cell
            self._versions[(entry.name, "age")] = self._versions.get((entry.name, "age"), 0) + 1
            self._row_edits[entry.name] = self._row_edits.get(entry.name, 0) + 1
            self._data[RowKey(entry.name)][ColumnKey("age")] = self._text(cell)
            self._dirty.add(entry.name)

    def flush_edits(self) -> None:
        """Repaint the rows edited by update_entry, and only those.

        DataTable.update_cell bumps a table-wide counter that every render cache is keyed
        on, so one edit re-renders every visible line. Here the edited rows' cache entries
        are dropped and only their lines are marked for repaint; the rest stays cached.
        """
        if not self._dirty:
            return
        dirty = {RowKey(name) for name in self._dirty}
        self._dirty.clear()
        rows = {i for key in dirty if (i := self._row_locations.get(key)) is not None}
        lines = {row + (self.header_height if self.show_header else 0) for row in rows}
        _drop(self._row_render_cache, 0, dirty)
        # DataTable's own cell cache only serves misses of ours (cells that changed), so it
        # can go whole; scanning its 10000 keys cost up to 60 ms per batch.
        self._cell_render_cache.clear()
        _drop(self._row_renderable_cache, 1, rows)
        _drop(self._line_cache, 0, lines)
        # refresh_row() sums the heights of all rows above (O(rows) each); ours are one line
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_y)
        width = max(self.size.width, self.virtual_size.width)
        for row in rows:
            y = row + header
            if top <= y <= top + self.size.height:
                self._refresh_region(Region(0, y, width, 1))

    def has(self, name: str) -> bool:
        return name in self._cells

    @property
    def shown_names(self) -> list[str]:
        return [str(row.key.value) for row in self.ordered_rows]

    @property
    def highlighted_name(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        except Exception:  # cursor outside the table while it is being rebuilt
            return None

    # ----- structure, keeping the highlighted host where it is --------------------------------
    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if not self._moving and old != new:
            self.follow_top = False  # the user navigated

    def go_top(self) -> None:
        self.follow_top = True
        if self.row_count:
            self._move(0)
            self.scroll_to(y=0, animate=False, immediate=True)

    def _move(self, row: int) -> None:
        self._moving = True
        try:
            self.move_cursor(row=row, animate=False, scroll=False)
        finally:
            self._moving = False

    def _anchor(self) -> tuple[str | None, int]:
        name = None if self.follow_top else self.highlighted_name
        return name, self.cursor_row - int(self.scroll_y)

    def _restore(self, anchor: tuple[str | None, int]) -> None:
        name, offset = anchor
        if self.follow_top:
            if self.row_count and self.cursor_row != 0:
                self._move(0)
            return
        if name is None or name not in self._cells:
            return
        row = self.get_row_index(name)
        if row != self.cursor_row:
            self._move(row)
        self.scroll_to(y=max(0, row - offset), animate=False, immediate=True)

    def show(self, entries: Sequence[HostEntry], now: datetime) -> None:
        """Replace all rows (view, filter or sort changed); keeps the highlighted host if shown."""
        anchor = self._kept_anchor or self._anchor()
        self._kept_anchor = None
        self._moving = True
        try:
            self.clear(columns=False)
            self._cells.clear()
            self._own_cells.clear()
            self._dirty.clear()
            for entry in entries:
                self.add_entry(entry, now)
        finally:
            self._moving = False
        self._restore(anchor)

    def reorder(self, order: Sequence[str]) -> None:
        """Put rows in this order (names not shown are ignored)."""
        rank = {name: i for i, name in enumerate(order)}
        anchor = self._anchor()
        # DataTable.sort builds a key from every row's cell dict; the row key is the name
        # already. Same stable order, and no repaint at all when no row moved.
        last = len(rank)
        keys = sorted(self._data, key=lambda k: rank.get(k.value, last))
        get_key = self._row_locations.get_key
        if any(get_key(i) != k for i, k in enumerate(keys)):
            self._structure += 1
            self._row_locations = TwoWayDict({k: i for i, k in enumerate(keys)})
            self._update_count += 1
            self._structure += 1
            self.refresh()
        self._restore(anchor)

    def remove_entries(self, names: Iterable[str]) -> None:
        anchor = self._anchor()
        self._moving = True
        try:
            for name in names:
                if name in self._cells:
                    del self._cells[name]
                    self.remove_row(name)
        finally:
            self._moving = False
        self._restore(anchor)
