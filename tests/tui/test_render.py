"""The host table's own cell renderer draws exactly what DataTable draws.

HostTable.render_text_cell skips Rich's generic pipeline for speed; this test
compares both, character by character with style and mouse meta, for every
cell of the fixed fleet in every cursor/hover state, in two themes and both
layouts, so a Textual or Rich upgrade that changes DataTable shows up here.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from fleetcheck.tui.widgets.host_table import SegmentLines

from .helpers import make_app, run, settle, table


def cells(lines: SegmentLines) -> list[tuple[str, object]]:
    return [(ch, seg.style) for line in lines for seg in line for ch in seg.text]


@pytest.mark.parametrize("theme, size", [("textual-dark", (120, 30)), ("ansi-light", (80, 24))])
def test_fast_cell_rendering_matches_datatable(theme: str, size: tuple[int, int]) -> None:
    async def scenario() -> int:
        app = make_app(theme=theme)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            t = table(app)
            checked = 0
            for row in range(t.row_count):
                for col, column in enumerate(t.ordered_columns):
                    width = column.get_render_width(t)
                    for cursor in (False, True):
                        for hover in (False, True):
                            ours = t.render_text_cell(row, col, t.rich_style, width, cursor, hover)
                            theirs = DataTable._render_cell(t, row, col, t.rich_style, width, cursor, hover)
                            assert cells(ours) == cells(theirs), (row, col, cursor, hover)
                            checked += 1
            return checked
    assert run(scenario) >= 7 * 5 * 4


def test_cached_line_of_a_moved_row_matches_a_fresh_render() -> None:
    """After a re-sort, a row's cached line is re-tagged with its new row index (the mouse
    meta used for clicks) instead of re-rendered; it must equal what DataTable draws anew."""
    async def scenario() -> int:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            width, header = t.size.width, t.header_height
            lines = range(header, header + t.row_count)
            for y in lines:  # fill the line cache in the current order
                t._render_line(y, 0, width, t.rich_style)
            before = t.shown_names
            t.reorder(list(reversed(before)))
            assert t.shown_names == list(reversed(before))
            ours = [t._render_line(y, 0, width, t.rich_style) for y in lines]
            t._clear_caches()
            theirs = [DataTable._render_line(t, y, 0, width, t.rich_style) for y in lines]
            for y, (mine, fresh) in enumerate(zip(ours, theirs, strict=True)):
                assert cells([list(mine)]) == cells([list(fresh)]), y
                assert all(seg.style.meta.get("row") == y for seg in mine if seg.style and seg.style.meta)
            return len(ours)
    assert run(scenario) >= 5
