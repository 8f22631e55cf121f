"""What every human-readable format says the same way: order, glyphs, coverage."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TextIO

from fleetcheck.core.counts import Counts, count
from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import SET_ASIDE, Reachability, State
from fleetcheck.core.text import SUMMARY_CAP, clean

# A glyph next to the word, so the state never depends on colour alone.
GLYPHS = {State.OK: "✔", State.WARN: "▲", State.UNKNOWN: "?", State.CRIT: "✖", State.NA: "–",
          State.SKIPPED: "»"}
ASCII_GLYPHS = {State.OK: "+", State.WARN: "!", State.UNKNOWN: "?", State.CRIT: "X", State.NA: "-",
                State.SKIPPED: ">"}
STYLES = {State.OK: "green", State.WARN: "yellow", State.UNKNOWN: "magenta", State.CRIT: "bold red",
          State.NA: "dim", State.SKIPPED: "dim"}


def can_print_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def state_label(state: State, unicode: bool = True) -> str:
    glyph = (GLYPHS if unicode else ASCII_GLYPHS)[state]
    return f"{glyph} {state.label}"


def worst_first(hosts: Iterable[HostResult]) -> list[HostResult]:
    """Worst roll-up first; among equals more UNKNOWN checks first, then inventory order."""
    indexed = list(enumerate(hosts))
    indexed.sort(key=lambda ih: (-ih[1].state.rank, -ih[1].unknown_count, ih[0]))
    return [h for _, h in indexed]


def problems(host: HostResult) -> list[CheckResult]:
    """The host's judged non-OK checks, worst first (stable within a state)."""
    return sorted((c for c in host.checks if c.state.rank > State.OK.rank), key=lambda c: -c.state.rank)


def set_aside(host: HostResult) -> list[CheckResult]:
    """The host's N/A checks, then its skipped ones: shown with their reason, never as problems."""
    return sorted((c for c in host.checks if c.state in SET_ASIDE), key=lambda c: -c.state.rank)


def coverage(scan: ScanResult, acked: Collection[tuple[str, str]] = ()) -> Counts:
    """The scan's counts (core/counts.py); `.line()` is the summary line (acknowledged problems apart)."""
    return count(scan.hosts, acked)


def ended_early(scan: ScanResult) -> str | None:
    """Why the scan stopped before every host finished, if it did."""
    if not scan.cancelled:
        return None
    reasons = [h.checks[0].reason or "" for h in scan.hosts
               if h.reachability is Reachability.NOT_CHECKED and h.checks]
    cut = [r for r in reasons if r.startswith(("scan cancelled", "scan deadline"))]
    if not cut:
        return "scan ended early"
    return f"scan ended early: {cut[0]} ({len(cut)} host{'' if len(cut) == 1 else 's'} not checked)"


def one_line(text: str, limit: int = SUMMARY_CAP) -> str:
    """Untrusted text as one harmless, capped line (again here: results may come from elsewhere)."""
    return clean(" ".join(text.split()), limit)
