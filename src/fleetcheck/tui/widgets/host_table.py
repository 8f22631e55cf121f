"""The live host table: a DataTable keyed by host name, updated cell by cell.

Rules from measurements (docs in shared reference tui.md §3): fixed column
widths and `update_cell(update_width=False)` (auto width is quadratic at 2000
rows); untrusted text always wrapped in `Text` (a raw str is Rich markup);
re-sorting keeps the highlighted host highlighted and at the same place on
screen, so the view never jumps under the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from fleetcheck.core.states import State
from fleetcheck.tui.fleet import HostEntry
from fleetcheck.tui.formatting import SCANNING, age_text, clock_text, one_line, state_label

WIDE_MIN = 110  # below this many columns, site, address and time are left to the detail screen
STATE_W, CHECKED_W, AGE_W, MIN_FINDING = 9, 8, 4, 20

Cell = tuple[str, Style | None]


def _cap(values: Iterable[str], lo: int, hi: int) -> int:
    return max(lo, min(hi, max((len(v) for v in values), default=lo)))


class HostTable(DataTable[Text]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
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
        self.clear(columns=True)
        self._cells.clear()
        for col, w in widths.items():
            self.add_column(labels[col], width=w, key=col)
        return True

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
                self.update_cell(entry.name, col, self._text(cell), update_width=False)
                changed += 1
        return changed

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
        anchor = self._anchor()
        self._moving = True
        try:
            self.clear(columns=False)
            self._cells.clear()
            for entry in entries:
                self.add_entry(entry, now)
        finally:
            self._moving = False
        self._restore(anchor)

    def reorder(self, order: Sequence[str]) -> None:
        """Put rows in this order (names not shown are ignored)."""
        rank = {name: i for i, name in enumerate(order)}
        anchor = self._anchor()
        self.sort("name", key=lambda cell: rank.get(cell.plain, len(rank)))
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
