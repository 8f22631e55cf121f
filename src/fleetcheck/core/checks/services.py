"""Failed systemd units.

`systemctl list-units --state=failed --output=json` prints JSON on systemd
>= 246; older systemd accepts the option but prints the plain table, so the
parser sniffs the first non-blank character ('[' = JSON) instead of
trusting the option. Plain lines may start with a '●'/'*' marker column.

No systemd on the host is UNKNOWN, not OK: fleetcheck has no "not
applicable" state, and a green result without anything checked would lie.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, Text, judged, levels_param, msg
from fleetcheck.core.family import COMPUTER_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "services.failed"
SYSTEMD_NOT_RUNNING = "systemd is not running on this host"
LOAD_STATES = frozenset({"loaded", "not-found", "bad-setting", "error", "masked", "stub", "merged"})
_LEGEND = re.compile(
    r"^(UNIT\s+LOAD\s|LOAD\s+=|ACTIVE\s+=|SUB\s+=|Legend:|To show all|\d+ loaded units? listed)")


@dataclass(frozen=True, slots=True)
class FailedUnit:
    unit: str  # e.g. "nginx.service"
    load: str = "loaded"
    active: str = "failed"
    sub: str = "failed"
    description: str = ""


def parse_failed_units(text: str) -> list[FailedUnit]:
    """Units from `systemctl list-units --state=failed` output, JSON or plain text.

    Raises ValueError on output that is neither, so a changed format becomes
    an UNKNOWN instead of a silent "no failed units".
    """
    body = text.strip()
    if not body:
        return []
    if body.startswith("["):
        return _from_json(body)
    return _from_table(body)


def _from_json(body: str) -> list[FailedUnit]:
    try:
        rows = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"systemctl JSON output does not parse: {exc}") from None
    if not isinstance(rows, list):
        raise ValueError("systemctl JSON output is not a list")
    out = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("unit"), str):
            raise ValueError(f"unexpected systemctl JSON row: {row!r}")
        out.append(FailedUnit(row["unit"], str(row.get("load", "")), str(row.get("active", "")),
                              str(row.get("sub", "")), str(row.get("description", ""))))
    return out


def _from_table(body: str) -> list[FailedUnit]:
    out = []
    for line in body.splitlines():
        text = line.strip()
        if not text or _LEGEND.match(text):
            continue
        if text[0] in "●*×":  # the marker column of plain (non --plain) output
            text = text[1:].lstrip()
        fields = text.split(None, 4)
        if len(fields) < 4 or fields[1] not in LOAD_STATES:
            raise ValueError(f"unrecognised systemctl line: {text[:120]!r}")
        description = fields[4] if len(fields) > 4 else ""
        out.append(FailedUnit(fields[0], fields[1], fields[2], fields[3], description))
    return out


def check_failed_units(units: Sequence[FailedUnit], thresholds: Thresholds,
                       evidence: EvidenceArg) -> list[CheckResult]:
    """`services.failed`: the count of failed units against the services.failed levels."""
    levels = thresholds.levels("services.failed")
    count = len(units)
    state = evaluate(count, levels.warn, levels.crit)
    metric = Metric.of("failed_units", count, "", levels.warn, levels.crit, 0)
    if count == 0:
        return [judged(CHECK_ID, state, msg("services.none", levels=levels_param(state, levels)), evidence,
                       metrics=(metric,), details="systemctl listed no units in state 'failed'")]
    names = [u.unit for u in units]
    summary = msg("services.failed.more" if count > 5 else "services.failed", count=count, names=names[:5],
                  more=count - 5, levels=levels_param(state, levels))
    details = "\n".join(f"{u.unit}: {u.load}/{u.active}/{u.sub} {u.description}".rstrip() for u in units)
    return [judged(CHECK_ID, state, summary, evidence, metrics=(metric,), details=details)]


def systemd_not_running(evidence: EvidenceArg) -> list[CheckResult]:
    """The honest answer for a host without systemd as PID 1 (containers, other inits)."""
    return [judged(CHECK_ID, State.UNKNOWN, msg("services.nosystemd"),
                   evidence, reason=msg("services.nosystemd.reason"), fix=msg("services.nosystemd.fix"))]


def units_unreadable(reason: Text, evidence: EvidenceArg, fix: Text | None = None) -> list[CheckResult]:
    """systemctl missing, failing, timing out or printing something unparseable."""
    summary = msg("services.unreadable", why=reason.code, **reason.params)
    return [judged(CHECK_ID, State.UNKNOWN, summary, evidence, reason=reason, fix=fix)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("services.failed", "Failed services", "Ausgefallene Dienste", Category.FAILURE, COMPUTER_KINDS,
           thresholds={"services.failed": levels(None, "0")}),
)
