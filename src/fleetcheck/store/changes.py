"""What changed between two scans of one customer: computed the same way by every backend.

A backend hands over, per host, its reachability and each check's state and
summary (no evidence needed); this module decides what counts as new,
resolved, a crash, unreachable or back.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from fleetcheck.core.engine import REACHABILITY_CHECK
from fleetcheck.core.states import Reachability, State
from fleetcheck.store.model import Changes, Finding, HostChange, ScanInfo
from fleetcheck.store.windows import family

# Check families that report events since the previous scan (crashes, panics, OOM kills,
# unexpected reboots): any WARN/CRIT among them in the newer scan is a new event.
CRASH_FAMILIES = frozenset({"boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes"})
PROBLEM_STATES = frozenset({State.WARN, State.CRIT})


@dataclass(frozen=True)
class HostView:
    """The part of a host result change detection reads."""

    name: str
    reachability: Reachability
    checks: Mapping[str, tuple[State, str]]  # check id -> (state, summary)


def _problem(state: State) -> bool:
    return state in PROBLEM_STATES


def _reason(host: HostView) -> str:
    found = host.checks.get(REACHABILITY_CHECK)
    return found[1] if found else host.reachability.value.replace("_", " ")


def compute_changes(old: ScanInfo | None, new: ScanInfo, old_hosts: Mapping[Hashable, HostView],
                    new_hosts: Mapping[Hashable, HostView]) -> Changes:
    """`old_hosts`/`new_hosts` are keyed by host identity (the same machine in both)."""
    new_problems: list[Finding] = []
    resolved: list[Finding] = []
    crashes: list[Finding] = []
    unreachable: list[HostChange] = []
    back: list[HostChange] = []
    added: list[str] = []
    for ident, host in new_hosts.items():
        before = old_hosts.get(ident)
        reached = host.reachability is Reachability.REACHABLE
        if before is None and old is not None:
            added.append(host.name)
        if before is not None:
            was_reached = before.reachability is Reachability.REACHABLE
            if was_reached and not reached:
                unreachable.append(HostChange(host.name, before.reachability, host.reachability,
                                              _reason(host)))
            elif reached and not was_reached:
                back.append(HostChange(host.name, before.reachability, host.reachability, _reason(host)))
        old_checks = before.checks if before is not None else {}
        for cid, (state, summary) in host.checks.items():
            if cid == REACHABILITY_CHECK:
                continue
            prev = old_checks.get(cid)
            prev_state = prev[0] if prev else None
            if reached and family(cid) in CRASH_FAMILIES and _problem(state):
                crashes.append(Finding(host.name, cid, state, summary, prev_state))
            elif _problem(state) and (prev_state is None or not _problem(prev_state)
                                      or state.rank > prev_state.rank):
                new_problems.append(Finding(host.name, cid, state, summary, prev_state))
        if reached:
            for cid, (prev_state, _) in old_checks.items():
                now = host.checks.get(cid)
                if _problem(prev_state) and now is not None and now[0] is State.OK:
                    resolved.append(Finding(host.name, cid, now[0], now[1], prev_state))
    missing = [h.name for ident, h in old_hosts.items() if ident not in new_hosts]

    def order(f: Finding) -> tuple[int, str, str]:
        return (-f.state.rank, f.host, f.check_id)

    return Changes(old, new, tuple(sorted(new_problems, key=order)), tuple(sorted(resolved, key=order)),
                   tuple(sorted(crashes, key=order)), tuple(sorted(unreachable, key=lambda c: c.host)),
                   tuple(sorted(back, key=lambda c: c.host)), tuple(sorted(added)), tuple(sorted(missing)))
