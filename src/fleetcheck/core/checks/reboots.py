"""Unexpected reboots: earlier boots that did not end with an orderly shutdown.

Linux (journald, journalctl(1)): `journalctl --list-boots` names the boots;
the last entries of each earlier boot are searched for shutdown markers
(systemd-shutdown, journald "Journal stopped" / "Received SIGTERM from PID 1",
"Reached target ... Shutdown/Power-Off/Reboot/Halt"). Lines printed after
journald stops are never persisted, so no marker = crash, power loss or hard
reset. Without systemd, wtmp (`last -x`) says the same: a `reboot` record
with no `shutdown` record before it.

A boot counts when it *ended* inside the window; its fingerprint is its boot id.
A volatile journal (only the current boot) is UNKNOWN, never OK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from fleetcheck.core.checks import EvidenceArg, Message, judged, msg
from fleetcheck.core.checks.crash_events import CrashEvent, from_epoch_us, in_window, judge_events
from fleetcheck.core.checks.journal import LogEntry
from fleetcheck.core.family import COMPUTER_KINDS, Category, Family, levels
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "boot.unexpected"
_SHUTDOWN = re.compile(
    r"systemd-shutdown|Journal stopped|Received SIGTERM from PID 1|Sending SIGTERM to remaining processes"
    r"|Reached target .*(Shutdown|Power-Off|Power Off|Reboot|Halt|Kexec|Final Step|Late Shutdown)"
    r"|Shutting down\.|System is (powering down|rebooting)|Power key pressed|systemd-logind.*(power|reboot)",
    re.IGNORECASE)
# "-1 8e2d… Mon 2024-01-15 10:00:01 UTC—Tue 2024-01-16 18:00:00 UTC" (old) or the same with
# spaces instead of '—' under an "IDX BOOT ID FIRST ENTRY LAST ENTRY" header (newer). The probe
# exports TZ=UTC, so the times are UTC.
_TEXT_BOOT = re.compile(r"^\s*(-?\d+)\s+([0-9a-f]{32})\s+(.*)$")
_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_WTMP = re.compile(r"^(reboot|shutdown)\s.*?(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})")

_WTMP_KINDS = ("reboot", "shutdown")
VOLATILE_REASON = "journal is volatile: previous boots are not recorded"
VOLATILE_FIX = "mkdir /var/log/journal (or set Storage=persistent in journald.conf) and restart journald"


@dataclass(frozen=True, slots=True)
class Boot:
    index: int  # 0 = current, -1 = the one before, ...
    boot_id: str
    first: datetime | None
    last: datetime | None


def parse_list_boots(text: str) -> list[Boot]:
    """`journalctl --list-boots -o json` (systemd >= 2xx) or its plain table (sniffed, like old systemd)."""
    body = text.strip()
    if body.startswith("["):
        rows = json.loads(body)
        if not isinstance(rows, list):
            raise ValueError("list-boots JSON is not a list")
        boots = []
        for row in rows:
            if not isinstance(row, dict) or "boot_id" not in row:
                raise ValueError(f"unexpected list-boots row: {row!r}"[:200])
            first, last = row.get("first_entry"), row.get("last_entry")
            boots.append(Boot(int(row.get("index", 0)), str(row["boot_id"]).replace("-", ""),
                              None if first is None else from_epoch_us(first),
                              None if last is None else from_epoch_us(last)))
        return boots
    boots = []
    for line in body.splitlines():
        if not line.strip() or line.strip().startswith("IDX") or "No journal files" in line:
            continue
        m = _TEXT_BOOT.match(line)
        stamps = _STAMP.findall(m.group(3)) if m else []
        if m is None or len(stamps) != 2:
            raise ValueError(f"unrecognised list-boots line: {line[:100]!r}")
        first, last = (datetime.strptime(t, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) for t in stamps)
        boots.append(Boot(int(m.group(1)), m.group(2), first, last))
    return boots


def ended_cleanly(tail: Sequence[LogEntry]) -> bool:
    return any(_SHUTDOWN.search(e.message) or e.identifier == "systemd-shutdown" for e in tail)


def check_boots(boots: Sequence[Boot], tails: Mapping[str, Sequence[LogEntry] | None], since: datetime,
                until: datetime, thresholds: Thresholds, evidence: EvidenceArg,
                persistent: bool | None) -> list[CheckResult]:
    """`boot.unexpected` from the boot list and the last entries of each earlier boot.

    `tails` maps boot id -> its last entries (None: could not be read).
    `persistent`: whether /var/log/journal exists (None: unknown).
    """
    earlier = [b for b in boots if b.index < 0]
    if not earlier and persistent is not True:
        return [judged(CHECK_ID, State.UNKNOWN, msg("boot.volatile"),
                       evidence, reason=msg("boot.volatile.reason"), fix=msg("boot.volatile.fix"),
                       details="journalctl --list-boots shows only the current boot")]
    events: list[CrashEvent] = []
    unreadable: list[Boot] = []
    clean = 0
    for boot in earlier:
        if boot.last is None or not since <= boot.last <= until:
            continue
        tail = tails.get(boot.boot_id)
        if tail is None:
            unreadable.append(boot)
        elif ended_cleanly(tail):
            clean += 1
        else:
            last_msg = tail[-1].message if tail else "(no entries)"
            events.append(CrashEvent.of(boot.last, f"boot {boot.boot_id[:12]} (index {boot.index}) ended "
                                        f"without a clean shutdown; last entry: {last_msg[:100]}",
                                        "unclean", key=f"boot:{boot.boot_id}"))
    events = in_window(events, since, until)
    note = f"{len(earlier)} earlier boot(s) in the journal, {clean} ended cleanly in the window"
    starts = [b.first for b in boots if b.first is not None]
    if starts and min(starts) > since:
        note += f"\nthe journal starts at {min(starts):%Y-%m-%d %H:%M} UTC: earlier reboots are not visible"
    if unreadable and not events:
        ids = ", ".join(b.boot_id[:12] for b in unreadable)
        return [judged(CHECK_ID, State.UNKNOWN, msg("boot.unreadable", boots=ids), evidence,
                       reason=msg("boot.unreadable.reason"), details=note)]
    return [judge_events(CHECK_ID, events, "boot.unexpected", thresholds, "unexpected reboot", since, until,
                         evidence, extra_details=note)]


def parse_wtmp(text: str) -> list[tuple[str, datetime]]:
    """(`reboot`|`shutdown`, time) from `last -x -F shutdown reboot`, oldest first."""
    out = []
    for line in text.splitlines():
        m = _WTMP.match(line)
        if m:
            when = datetime.strptime(m.group(2), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
            out.append((m.group(1), when))
        elif line.strip() and not line.startswith("wtmp begins") and line.split()[0] not in _WTMP_KINDS:
            raise ValueError(f"unrecognised last line: {line[:100]!r}")
    return sorted(out, key=lambda r: r[1])


def check_wtmp(records: Sequence[tuple[str, datetime]], since: datetime, until: datetime,
               thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    """`boot.unexpected` from wtmp: a reboot whose predecessor record is a reboot, not a shutdown."""
    if not any(kind == "reboot" for kind, _ in records):
        return [judged(CHECK_ID, State.UNKNOWN, msg("boot.wtmp.empty"),
                       evidence, reason=msg("boot.wtmp.empty.reason"), fix=msg("boot.wtmp.empty.fix"))]
    events = []
    for (prev_kind, prev_time), (kind, when) in pairwise(records):
        if kind == "reboot" and prev_kind == "reboot":
            events.append(CrashEvent.of(when, f"reboot at {when:%Y-%m-%d %H:%M:%S} UTC without a shutdown "
                                        f"record after the boot of {prev_time:%Y-%m-%d %H:%M:%S}", "unclean",
                                        key=f"wtmp-reboot:{when.isoformat()}"))
    events = in_window(events, since, until)
    return [judge_events(CHECK_ID, events, "boot.unexpected", thresholds, "unexpected reboot", since, until,
                         evidence, extra_details="judged from wtmp (last -x): no systemd journal")]


def check_uptime_only(boot: datetime, since: datetime, evidence: EvidenceArg, why_no_log: Message,
                      fix: Message | None) -> CheckResult:
    """Neither journal nor wtmp: a boot before the window proves no reboot in it (OK); a boot in
    it is a reboot of unknown cause (UNKNOWN: nothing says whether it was shut down cleanly)."""
    at = f"{boot:%Y-%m-%d %H:%M}"
    if boot < since:
        return judged(CHECK_ID, State.OK, msg("boot.uptime.before", boot=at), evidence,
                      details=f"judged on the uptime alone: {why_no_log.en}")
    reason = msg("boot.uptime.inside.reason", why_no_log=why_no_log.code, **why_no_log.params)
    return judged(CHECK_ID, State.UNKNOWN, msg("boot.uptime.inside", boot=at), evidence, fix=fix,
                  reason=reason)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("boot.unexpected", "Unexpected restarts", "Unerwartete Neustarts", Category.CRASH, COMPUTER_KINDS,
           thresholds={"boot.unexpected": levels(None, "0")}),
)
