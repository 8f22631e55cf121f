"""The header: customer, scan progress, counts per state, view/sort/filter.

Repaints only when its text actually changes (slow SSH links).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from fleetcheck.core.counts import Counts
from fleetcheck.core.states import State
from fleetcheck.tui.formatting import GLYPHS, UNREACHABLE_GLYPH


@dataclass(frozen=True)
class Summary:
    customer: str
    progress: str  # "scanning 12/40", "last scan 10:41:03 (12 s)"
    rescan: str  # "auto-rescan every 5m, next 10:46" / "paused"
    counts: Counts
    view: str
    sort: str
    filter: str
    error: str = ""  # a filter that could not be read
    first_line: Text | None = None  # the central view's own first line (customers, database)


def render_summary(s: Summary, styles: dict[State | None, Style], down: Style | None) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if s.first_line is not None:
        text.append_text(s.first_line)
        text.append("\n")
    else:
        text.append(s.customer, style="bold")
        text.append(f" │ {s.progress} │ {s.rescan}\n")
    c = s.counts
    parts: list[tuple[str, Style | None]] = [
        (f"{GLYPHS[State.CRIT]} CRIT {c.crit}", styles.get(State.CRIT)),
        (f"{GLYPHS[State.WARN]} WARN {c.warn}", styles.get(State.WARN)),
        (f"{GLYPHS[State.UNKNOWN]} UNKNOWN {c.unknown}", styles.get(State.UNKNOWN)),
        (f"{UNREACHABLE_GLYPH} unreachable {c.unreachable}", down if c.unreachable else None),
        (f"{GLYPHS[State.OK]} OK {c.ok}", styles.get(State.OK)),
    ]
    if c.not_checked:
        parts.append((f"· not checked {c.not_checked}", styles.get(State.UNKNOWN)))
    if c.na_checks:  # checks, not hosts: they never raise a host's state
        parts.append((f"{GLYPHS[State.NA]} N/A checks {c.na_checks}", styles.get(State.NA)))
    if c.skipped_checks:
        parts.append((f"{GLYPHS[State.SKIPPED]} skipped checks {c.skipped_checks}",
                      styles.get(State.SKIPPED)))
    if c.pending:
        parts.append((f"· pending {c.pending}", styles.get(None)))
    for i, (label, style) in enumerate(parts):
        if i:
            text.append("  ")
        text.append(label, style=style or "")
    text.append("\n")
    text.append(f"view: {s.view} │ sort: {s.sort} │ filter: ")
    if s.error:
        text.append(s.error, style=styles.get(State.CRIT) or "")
    else:
        text.append(s.filter or "—")
    return text


class SummaryBar(Widget):
    """Three fixed lines. Not a Static: Static.update() asks for a new layout of the whole
    screen on every change, and the header changes with every batch of results."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def show(self, text: Text) -> None:
        if self._text == text:
            return
        self._text = text
        self.refresh()
