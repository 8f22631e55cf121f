"""How states, times and ages are written in the dashboard (pure, no Textual).

Every state is shown as a glyph and a word, never by colour alone, so the
table stays readable on monochrome terminals and for colour-blind users.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from fleetcheck.core.states import Reachability, State
from fleetcheck.core.text import CELL_CAP, clean

GLYPHS = {State.OK: "✔", State.WARN: "▲", State.UNKNOWN: "?", State.CRIT: "✖",
          State.NA: "–", State.SKIPPED: "»"}
UNREACHABLE_GLYPH = "⊘"  # the host could not be talked to; the word still says the state
PENDING = "· PENDING"
SCANNING = "… SCAN"


def state_label(state: State | None, reachability: Reachability | None = None) -> str:
    """`✖ CRIT`, `⊘ CRIT` for a host that is down, `· PENDING` before any result."""
    if state is None:
        return PENDING
    reachable = reachability is None or reachability is Reachability.REACHABLE
    glyph = GLYPHS[state] if reachable else UNREACHABLE_GLYPH
    return f"{glyph} {state.label}"


def age_text(then: datetime | None, now: datetime) -> str:
    """Coarse age (`<1m`, `12m`, `3h`, `2d`): changes rarely, so cells repaint rarely."""
    if then is None:
        return "—"
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def clock_text(then: datetime | None, tz: tzinfo | None = None) -> str:
    """Time of day in the given zone (local when None)."""
    if then is None:
        return "—"
    return then.astimezone(tz).strftime("%H:%M:%S")


def stamp_text(then: datetime | None, tz: tzinfo | None = None) -> str:
    if then is None:
        return "—"
    return then.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def duration_text(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def interval_text(seconds: float) -> str:
    if seconds <= 0:
        return "off"
    if seconds < 60:
        return f"{seconds:g}s"
    if seconds < 3600:
        return f"{seconds / 60:g}m"
    return f"{seconds / 3600:g}h"


def printable(text: str) -> str:
    """Untrusted text with every control, bidi and lone-surrogate character shown escaped
    (`\x1b`, core/text.py): written raw, ESC starts escape sequences, OSC 52 writes the clipboard."""
    return clean(text, None)


def one_line(text: str, limit: int = CELL_CAP) -> str:
    """Untrusted text squeezed into one table cell, control characters escaped."""
    flat = printable(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def next_at(last: datetime, interval: float) -> datetime:
    return last + timedelta(seconds=interval)
