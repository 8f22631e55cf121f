"""What changed between the previous scan and this one, as a report lists it."""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.engine import REACHABILITY_CHECK
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.report.words import CRASH_FAMILIES, family

PROBLEM = frozenset({State.WARN, State.CRIT})


@dataclass(frozen=True)
class Change:
    kind: str  # new_problem | worse | resolved | unreachable | back | new_host | missing_host
    host: str
    check_id: str = ""
    state: State | None = None
    before: State | None = None
    summary: str = ""


def _reached(host: HostResult) -> bool:
    return host.reachability is Reachability.REACHABLE


def changes_between(old: ScanResult | None, new: ScanResult) -> list[Change]:
    """Changes host by host, in the new scan's host order. Crash findings are listed in their own
    section (they are events of the period), so they are not repeated here."""
    if old is None:
        return []
    before = {h.name: h for h in old.hosts}
    out: list[Change] = []
    for host in new.hosts:
        prev = before.pop(host.name, None)
        if prev is None:
            out.append(Change("new_host", host.name, state=host.state))
            continue
        if _reached(prev) and not _reached(host):
            check = next((c for c in host.checks if c.id == REACHABILITY_CHECK), None)
            out.append(Change("unreachable", host.name, state=host.state,
                              summary=check.summary if check else host.reachability.value))
        elif _reached(host) and not _reached(prev):
            out.append(Change("back", host.name, state=host.state))
        if not _reached(host):
            continue
        old_checks = {c.id: c for c in prev.checks}
        for check in host.checks:
            if check.id == REACHABILITY_CHECK or family(check.id) in CRASH_FAMILIES:
                continue
            was = old_checks.get(check.id)
            was_state = was.state if was is not None else None
            if check.state in PROBLEM and (was_state not in PROBLEM):
                out.append(Change("new_problem", host.name, check.id, check.state, was_state, check.summary))
            elif check.state in PROBLEM and was_state is not None and check.state.rank > was_state.rank:
                out.append(Change("worse", host.name, check.id, check.state, was_state, check.summary))
            elif check.state is State.OK and was_state in PROBLEM:
                out.append(Change("resolved", host.name, check.id, check.state, was_state, check.summary))
    out.extend(Change("missing_host", name) for name in before)
    return out
