"""Linux software RAID (md) from /proc/mdstat: a missing or failed member is CRIT.

`[UU_]` marks a missing member, `(F)` a failed one; a resync/recovery in
progress is WARN (redundancy is not complete yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, judged, msg, not_applicable
from fleetcheck.core.family import LINUX_KINDS, Category, Family
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State

_ARRAY = re.compile(r"^(md\w+)\s*:\s*(\w+)\s+(?:\((?:auto-)?read-only\)\s+)?(\w+)?\s*(.*)$")
_STATUS = re.compile(r"\[(\d+)/(\d+)\]\s+\[([U_]+)\]")
_PROGRESS = re.compile(r"(resync|recovery|reshape|check)\s*=\s*([\d.]+%)")


@dataclass(frozen=True, slots=True)
class MdArray:
    name: str
    state: str  # active / inactive
    level: str
    members: tuple[str, ...]
    map: str = ""  # "UU_" ('' when the status line has none, e.g. raid0)
    progress: str = ""  # "recovery = 12.6%"


def parse_mdstat(text: str) -> list[MdArray]:
    arrays: list[MdArray] = []
    for line in text.splitlines():
        m = _ARRAY.match(line)
        if m:
            arrays.append(MdArray(m.group(1), m.group(2), m.group(3) or "", tuple(m.group(4).split())))
            continue
        if not arrays:
            continue
        last = arrays[-1]
        s = _STATUS.search(line)
        if s:
            arrays[-1] = MdArray(last.name, last.state, last.level, last.members, s.group(3), last.progress)
        p = _PROGRESS.search(line)
        if p:
            arrays[-1] = MdArray(last.name, last.state, last.level, last.members, arrays[-1].map,
                                 f"{p.group(1)} = {p.group(2)}")
    return arrays


def check_md(array: MdArray, evidence: EvidenceArg) -> list[CheckResult]:
    check_id = f"disk.raid:{array.name}"
    failed = [m for m in array.members if m.endswith("(F)")]
    p: dict[str, object] = {"name": array.name, "level": array.level or "?",
                            "members": " ".join(array.members), "state": array.state, "map": array.map,
                            "progress": array.progress or "",
                            "missing": array.map.count("_"), "failed": ", ".join(failed)}
    if array.state != "active":
        return [judged(check_id, State.CRIT, msg("raid.state", **p), evidence)]
    if "_" in array.map or failed:
        what = ["raid.degraded.missing"] if p["missing"] else []
        what += ["raid.degraded.failed"] if failed else []
        return [judged(check_id, State.CRIT, msg("raid.degraded", what=what, **p), evidence)]
    if array.progress:
        return [judged(check_id, State.WARN, msg("raid.progress", **p), evidence)]
    healthy = msg("raid.healthy.map" if array.map else "raid.healthy", **p)
    return [judged(check_id, State.OK, healthy, evidence)]


def no_arrays(evidence: EvidenceArg, mdstat_absent: bool) -> list[CheckResult]:
    """No md array exists: software RAID does not apply (hardware RAID controllers are not read)."""
    why = "raid.none.absent" if mdstat_absent else "raid.none.empty"
    return [not_applicable("disk.raid", msg("raid.none"), msg("raid.none.reason", why=why), evidence)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("disk.raid", "Software RAID", "Software-RAID", Category.FAILURE, LINUX_KINDS),
)
