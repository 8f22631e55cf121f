"""Untrusted text made harmless: what a host or an inventory says can never act on a terminal.

Every string that comes from a host (mount points, unit names, log lines, hostnames, ...)
may carry bytes a terminal obeys: C0 controls (ESC starts cursor moves, window titles,
OSC 52 clipboard writes), C1 controls (0x9b is a one-byte CSI), DEL, bidirectional
overrides that reorder what a reader sees, lone surrogates (a lone "\\ud800" in JSON
cannot be encoded, so one such string used to crash every output format) and NULs.

`clean()` replaces each such character by its visible escape (`\\x1b`, `\\u202e`), so
nothing is lost for the reader and nothing can act; it is idempotent (the escape is
plain text). It is applied where a CheckResult/Evidence/Metric/facts value is made
(core/results.py), and again by every front end that writes to a terminal.
Caps keep a hostile 3 MB value from making a 7 MB table; evidence keeps more.
"""

from __future__ import annotations

import re
from typing import Any

SUMMARY_CAP = 500  # characters of a one-line field (summary, reason, fix, id, names)
DETAILS_CAP = 8192  # characters of a multi-line field (details)
CELL_CAP = 200  # characters of a table cell in a terminal front end

# C0 (tab and newline handled by the caller's `keep`), DEL, C1, bidi marks/overrides/isolates,
# line/paragraph separators, BOM, and the surrogate range (only lone ones exist in a str).
_OTHER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHER}]")
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER}]")  # keeps \t and \n
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cap(text: str, limit: int) -> str:
    """At most `limit` characters; a cut says how much was left off."""
    if len(text) <= limit:
        return text
    note = f"… [{len(text) - limit} more characters cut]"
    keep = max(0, limit - len(note) - 8)  # room for the count growing by a few digits
    return text[:keep] + f"… [{len(text) - keep} more characters cut]"


def clean(text: str, limit: int | None = SUMMARY_CAP) -> str:
    """One line of untrusted text: every control/bidi/surrogate character escaped, capped."""
    if not isinstance(text, str):
        text = str(text)
    if _ONE_LINE.search(text) is not None:
        text = _ONE_LINE.sub(_escape, text)
    return text if limit is None else cap(text, limit)


def clean_lines(text: str, limit: int | None = DETAILS_CAP) -> str:
    """Multi-line untrusted text: newlines and tabs kept, everything else as in `clean`."""
    if not isinstance(text, str):
        text = str(text)
    if _MULTI_LINE.search(text) is not None:
        text = _MULTI_LINE.sub(_escape, text)
    return text if limit is None else cap(text, limit)


def clean_value(value: Any, limit: int = SUMMARY_CAP, depth: int = 0) -> Any:
    """A facts value (str, number, list, dict of them) with every string cleaned."""
    if isinstance(value, str):
        return clean(value, limit)
    if depth > 8:
        return clean(repr(value), limit)
    if isinstance(value, dict):
        return {clean(str(k), limit): clean_value(v, limit, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v, limit, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean(str(value), limit)


def is_clean(text: str) -> bool:
    """True when `text` holds nothing a terminal would act on (tests and front ends)."""
    return _ONE_LINE.search(text.replace("\n", "").replace("\t", "")) is None


__all__ = ["CELL_CAP", "DETAILS_CAP", "SUMMARY_CAP", "cap", "clean", "clean_lines", "clean_value",
           "is_clean"]
