"""The host table's own line renderer draws what Rich's generic pipeline draws.

HostTable builds each row's line from plain segments and caches it across
re-sorts; this test renders every row of the fixed fleet again through Rich
(`Text` with ellipsis truncation, padded cells, the widget's and the cursor's
styles) and compares character by character with style, in two themes and
both layouts, so a Textual or Rich upgrade that changes either shows up here.
"""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from fleetcheck.tui.widgets.host_table import PAD, HostTable

from .helpers import make_app, run, settle, table

Cells = list[tuple[str, Style | None]]


def cells(strip: Strip | list[Segment]) -> Cells:
    return [(ch, seg.style) for seg in strip for ch in seg.text]


def reference(t: HostTable, console: Console, name: str, cursor: bool) -> Cells:
    """The row as Rich would draw it, cell by cell."""
    base = t.rich_style
    row = t.cells_for(t.rows.entries[name], t.now)  # type: ignore[arg-type]
    segments: list[Segment] = []
    for col in t.columns:
        label, style = row[col.key]
        text = Text(label, style=style or "", no_wrap=True, overflow="ellipsis")
        text.truncate(col.width - 2 * PAD, overflow="ellipsis")
        fill = col.width - 2 * PAD - text.cell_len
        segments.append(Segment(" " * PAD))
        own = console.get_style(text.style) if text.style else None  # Text.render leaves it to the caller
        segments.extend(Segment.apply_style([seg for seg in text.render(console) if seg.text], own))
        segments.append(Segment(" " * (fill + PAD)))
    segments = list(Segment.apply_style(segments, base))
    if cursor:
        cursor_style = t.get_component_rich_style("host-table--cursor")
        segments = list(Segment.apply_style(segments, post_style=cursor_style))
    fill = t.size.width - sum(c.width for c in t.columns)
    return cells(segments) + [(" ", base)] * fill


@pytest.mark.parametrize("theme, size", [("textual-dark", (120, 30)), ("ansi-light", (80, 24))])
def test_every_line_matches_rich(theme: str, size: tuple[int, int]) -> None:
    async def scenario() -> int:
        app = make_app(theme=theme)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            t = table(app)
            console = app.console
            checked = 0
            for row, name in enumerate(t.shown_names):
                for cursor in (False, True):
                    t.cursor_row = row if cursor else -1
                    expected = reference(t, console, name, cursor)
                    assert cells(t.render_line(row + 1)) == expected, (name, cursor)
                    checked += 1
            header = cells(t.render_line(0))
            assert "".join(ch for ch, _ in header).split()[:3] == ["State", "Host", "Kind"]
            return checked
    assert run(scenario) >= 2 * 7


def test_cached_line_of_a_moved_row_matches_a_fresh_render() -> None:
    """After a re-sort a row's line comes from the cache; it must equal a fresh render."""
    async def scenario() -> int:
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            t = table(app)
            lines = range(1, t.row_count + 1)
            for y in lines:  # fill the line cache in the current order
                t.render_line(y)
            before = t.shown_names
            rank = {name: i for i, name in enumerate(reversed(before))}
            t.resort(lambda e: rank[e.name])
            assert t.shown_names == list(reversed(before))
            ours = [cells(t.render_line(y)) for y in lines]
            t.restyle(t.styles_by_state, t.down, t.tz)  # drops every cached line
            fresh = [cells(t.render_line(y)) for y in lines]
            assert ours == fresh
            return len(ours)
    assert run(scenario) >= 5
