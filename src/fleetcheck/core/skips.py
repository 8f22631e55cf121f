"""Applying an inventory's `skip:` to a host's check results.

A skipped check is never silently absent and never OK: each check a skip
matches is replaced by a SKIPPED result that says "skipped by the inventory:
<reason>" with the inventory's file:line as evidence. A skip that matched no
result on this host is shown once too, so the technician still sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fleetcheck.core.catalog import family_of, id_matches, skippable_ids
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Skip
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State


def skipped(check_id: str, skip: Skip, observed: datetime, was: CheckResult | None = None) -> CheckResult:
    why = msg("skip", skip_reason=skip.reason)  # summary and reason alike; the inventory's words as said
    entry = f"skip: {{check: {skip.pattern}, reason: {skip.reason}}}"
    evidence = Evidence.of(f"inventory {skip.source}", entry, observed, kind="inventory")
    details = "" if was is None else f"the check ran and said: {was.state.label}: {was.summary}"
    return CheckResult(check_id, State.SKIPPED, why.en, details, (), (evidence,), why.en, None,
                       code=why.code, reason_code=why.code, params=why.params)


def apply_skips(checks: Sequence[CheckResult], skips: Sequence[Skip],
                observed: datetime) -> tuple[CheckResult, ...]:
    """`checks` with every result a skip matches replaced; the first matching skip wins."""
    if not skips:
        return tuple(checks)
    out: list[CheckResult] = []
    used: set[int] = set()
    for check in checks:
        index = None
        if family_of(check.id) in skippable_ids():  # host-level findings (probe.output, ...): never
            index = next((i for i, s in enumerate(skips) if id_matches(s.pattern, check.id)), None)
        if index is None:
            out.append(check)
            continue
        used.add(index)
        out.append(skipped(check.id, skips[index], observed, was=check))
    out.extend(skipped(s.pattern, s, observed) for i, s in enumerate(skips) if i not in used)
    return tuple(out)
