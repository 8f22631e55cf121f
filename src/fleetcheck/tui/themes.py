"""State colours taken from the active Textual theme, never literals, so every
theme works, including `ansi-dark`/`ansi-light` that use the terminal's own
palette (for odd customer terminals). Colour always comes with a glyph + word.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.theme import Theme

from fleetcheck.core.states import State

DEFAULT_THEME = "textual-dark"
ANSI_THEMES = ("ansi-dark", "ansi-light")


def _color(value: str | None, fallback: str) -> str:
    return (Color.parse(value) if value else Color.parse(fallback)).rich_color.name


def state_styles(theme: Theme) -> dict[State | None, Style]:
    """Rich styles per state (None = no result yet) for table cells."""
    error = _color(theme.error, "red")
    return {
        State.CRIT: Style(color=error, bold=True),
        State.WARN: Style(color=_color(theme.warning, "yellow")),
        State.UNKNOWN: Style(color=_color(theme.primary, "blue"), bold=True),  # distinct from ok/warn/crit
        State.OK: Style(color=_color(theme.success, "green")),
        State.NA: Style(dim=True),  # no verdict: N/A and skipped checks say so in words
        State.SKIPPED: Style(dim=True),
        None: Style(dim=True),
    }


def down_style(theme: Theme) -> Style:
    """A host that cannot be reached: reverse, so it stands out even without colour."""
    return Style(color=_color(theme.error, "red"), reverse=True, bold=True)
