"""A scan's counts and coverage, computed once for every front end.

One partition of hosts whose parts add up to the fleet: hosts that were
reached, by roll-up state; hosts tried but not reached (down, timeout, login,
host key); hosts not checked (cancelled, scan deadline, no collector); and,
in the dashboard, hosts without a result yet. Checks are counted by state
too, with N/A and skipped apart: they are no verdict, so they never raise a
host's state, but a reader must see how much did not apply.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fleetcheck.core.states import Reachability, State

if TYPE_CHECKING:  # results.py uses this module for ScanResult's JSON counts
    from fleetcheck.core.results import HostResult


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


@dataclass(frozen=True)
class Counts:
    hosts: int = 0
    crit: int = 0  # reached hosts, by roll-up state
    warn: int = 0
    unknown: int = 0
    ok: int = 0
    unreachable: int = 0  # tried but not reached: down, timeout, login, host key
    not_checked: int = 0  # never tried or not finished: cancelled, deadline, no collector, collector error
    pending: int = 0  # no result yet (the dashboard during its first scan)
    checks: dict[State, int] = field(default_factory=lambda: {s: 0 for s in State})
    host_states: dict[State, int] = field(default_factory=lambda: {s: 0 for s in State})  # every host
    acknowledged: int = 0  # problem checks someone acknowledged: still counted above, shown apart

    @property
    def unknown_checks(self) -> int:
        """Checks that could not run, on all hosts."""
        return self.checks[State.UNKNOWN]

    @property
    def na_checks(self) -> int:
        return self.checks[State.NA]

    @property
    def skipped_checks(self) -> int:
        return self.checks[State.SKIPPED]

    def set_aside(self) -> str:
        """`2 not applicable; 1 skipped by the inventory`, or '' when none."""
        parts = []
        if self.na_checks:
            parts.append(f"{self.na_checks} not applicable")
        if self.skipped_checks:
            parts.append(f"{self.skipped_checks} skipped by the inventory")
        return "; ".join(parts)

    def line(self) -> str:
        """The one-line coverage summary every text format ends with."""
        not_checked = f"{self.not_checked} not checked, " if self.not_checked else ""
        text = (f"{_plural(self.hosts, 'host')}: {self.crit} CRIT, {self.warn} WARN, {self.unknown} UNKNOWN, "
                f"{self.unreachable} unreachable, {not_checked}{self.ok} OK; "
                f"{_plural(self.unknown_checks, 'check')} could not run")
        aside = self.set_aside()
        text = f"{text}; {aside}" if aside else text
        if self.acknowledged:  # an ack annotates, it never makes a problem disappear from the counts
            text += f"; {_plural(self.acknowledged, 'problem')} acknowledged (counted above)"
        return text

    def to_json(self) -> dict[str, Any]:
        """JSON `counts`: the old keys as before (by host state, so an unreachable host is in
        its state and in `unreachable`), plus `hosts`, a partition that adds up, and `checks`."""
        legacy = {s.value: self.host_states[s] for s in (State.OK, State.WARN, State.CRIT, State.UNKNOWN)}
        return {
            # legacy keys: every host once by its roll-up state, plus how many were not reached
            **legacy, "unreachable": self.unreachable + self.not_checked,
            "hosts": {"total": self.hosts, "crit": self.crit, "warn": self.warn, "unknown": self.unknown,
                      "ok": self.ok, "unreachable": self.unreachable, "not_checked": self.not_checked},
            "checks": {"total": sum(self.checks.values()), **{s.value: n for s, n in self.checks.items()}},
        }


def count(results: Iterable[HostResult | None], acked: Collection[tuple[str, str]] = ()) -> Counts:
    """Counts of a scan's hosts; None stands for a host without a result yet.

    `acked` holds the (host, check id) pairs someone acknowledged; WARN, CRIT and
    UNKNOWN checks among them are counted apart as well (never instead)."""
    hosts = crit = warn = unknown = ok = unreachable = not_checked = pending = 0
    checks = {s: 0 for s in State}
    host_states = {s: 0 for s in State}
    acknowledged = 0
    for h in results:
        hosts += 1
        if h is None:
            pending += 1
            continue
        if acked:
            acknowledged += sum(1 for c in h.checks if (h.name, c.id) in acked
                                and c.state in (State.WARN, State.CRIT, State.UNKNOWN))
        for state, n in h.check_counts.items():
            checks[state] += n
        host_states[h.state] += 1
        if h.reachability is Reachability.NOT_CHECKED:
            not_checked += 1
        elif h.reachability is not Reachability.REACHABLE:
            unreachable += 1
        else:
            state = h.state
            if state is State.CRIT:
                crit += 1
            elif state is State.WARN:
                warn += 1
            elif state is State.OK:
                ok += 1
            else:
                unknown += 1
    return Counts(hosts, crit, warn, unknown, ok, unreachable, not_checked, pending, checks, host_states,
                  acknowledged)

