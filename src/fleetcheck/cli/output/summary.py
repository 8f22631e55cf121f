"""What every human-readable format says the same way: order, glyphs, coverage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.text import SUMMARY_CAP, clean

# A glyph next to the word, so the state never depends on colour alone.
GLYPHS = {State.OK: "✔", State.WARN: "▲", State.UNKNOWN: "?", State.CRIT: "✖"}
ASCII_GLYPHS = {State.OK: "+", State.WARN: "!", State.UNKNOWN: "?", State.CRIT: "X"}
STYLES = {State.OK: "green", State.WARN: "yellow", State.UNKNOWN: "magenta", State.CRIT: "bold red"}


def can_print_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def state_label(state: State, unicode: bool = True) -> str:
    glyph = (GLYPHS if unicode else ASCII_GLYPHS)[state]
    return f"{glyph} {state.value}"


def worst_first(hosts: Iterable[HostResult]) -> list[HostResult]:
    """Worst roll-up first; among equals more UNKNOWN checks first, then inventory order."""
    indexed = list(enumerate(hosts))
    indexed.sort(key=lambda ih: (-ih[1].state.rank, -ih[1].unknown_count, ih[0]))
    return [h for _, h in indexed]


def problems(host: HostResult) -> list[CheckResult]:
    """The host's non-OK checks, worst first (stable within a state)."""
    return sorted((c for c in host.checks if c.state is not State.OK), key=lambda c: -c.state.rank)


@dataclass(frozen=True)
class Coverage:
    """Hosts split so the parts add up: reached hosts by roll-up state, plus the ones not reached."""

    hosts: int
    crit: int
    warn: int
    unknown: int
    ok: int
    unreachable: int  # tried but not reached: down, timeout, login, host key
    not_checked: int  # never tried or not finished: cancelled, scan deadline, no collector, collector error
    unknown_checks: int  # checks that could not run (UNKNOWN), on all hosts

    def line(self) -> str:
        checks = "check" if self.unknown_checks == 1 else "checks"
        skipped = f"{self.not_checked} not checked, " if self.not_checked else ""
        return (f"{self.hosts} host{'' if self.hosts == 1 else 's'}: {self.crit} CRIT, {self.warn} WARN, "
                f"{self.unknown} UNKNOWN, {self.unreachable} unreachable, {skipped}{self.ok} OK; "
                f"{self.unknown_checks} {checks} could not run")


def coverage(scan: ScanResult) -> Coverage:
    reached = [h for h in scan.hosts if h.reachability is Reachability.REACHABLE]
    not_checked = sum(h.reachability is Reachability.NOT_CHECKED for h in scan.hosts)
    return Coverage(
        hosts=len(scan.hosts),
        crit=sum(h.state is State.CRIT for h in reached),
        warn=sum(h.state is State.WARN for h in reached),
        unknown=sum(h.state is State.UNKNOWN for h in reached),
        ok=sum(h.state is State.OK for h in reached),
        unreachable=len(scan.hosts) - len(reached) - not_checked,
        not_checked=not_checked,
        unknown_checks=sum(h.unknown_count for h in scan.hosts),
    )


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
