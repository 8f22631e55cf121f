"""Which check families' sources a host result really read (the crash window, per family).

Crash checks count events since the previous scan of that machine. A scan
only moves a family's window when it read that family's source: the host was
reached, the probe's output was complete and parsable (no failed
`ssh.probe`, no cut-off `ssh.output`), and every check of the family ran
(OK, WARN or CRIT: a denied journal read, UNKNOWN, leaves the journal's window where it was;
so does a family skipped by the inventory).
"""

from __future__ import annotations

from datetime import datetime

from fleetcheck.core.results import HostResult
from fleetcheck.core.states import Reachability, State

TRANSPORT_FAMILIES = frozenset({"ssh.probe", "ssh.output", "host.reachability"})
READ_STATES = frozenset({State.OK, State.WARN, State.CRIT})


def family(check_id: str) -> str:
    return check_id.split(":", 1)[0]


def window_reads(result: HostResult) -> dict[str, datetime]:
    """family -> time of the read, for every family this result read completely."""
    if result.reachability is not Reachability.REACHABLE or result.finished is None:
        return {}
    if any(family(c.id) in TRANSPORT_FAMILIES for c in result.checks):
        return {}  # probe failed, output garbage or cut off: no family counts as read
    read: dict[str, bool] = {}
    for check in result.checks:
        fam = family(check.id)
        # only a verdict means the source was read: UNKNOWN could not, N/A and SKIPPED did not
        read[fam] = read.get(fam, True) and check.state in READ_STATES
    return {fam: result.finished for fam, ok in read.items() if ok}
