"""A reboot the system is waiting for (needs-restarting(8), needrestart(1), Debian's /run/reboot-required).

Debian/Ubuntu: /run/reboot-required (its mtime = since when; .pkgs lists
why). RHEL family: `needs-restarting -r` exits 1 when a reboot is needed;
SUSE: `zypper needs-rebooting` exits 102. needrestart -b states the kernel's
status (NEEDRESTART-KSTA). A running kernel older than the newest installed
image in /boot is pending too. Pending longer than `reboot.pending_days` is
WARN; freshly pending is OK with the fact stated.

"None pending" needs positive evidence: a tool that answered, the running
kernel being the newest installed one, or a marker file that some installed
package keeps up to date (on plain Debian only unattended-upgrades,
update-notifier-common or reboot-notifier write /run/reboot-required, so
without them its absence proves nothing). Otherwise UNKNOWN, saying what
was looked at and what to install.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fleetcheck.core.checks import EvidenceArg, Text, judged, levels_param, msg
from fleetcheck.core.family import LINUX_KINDS, WINDOWS_KINDS, Category, Family, levels
from fleetcheck.core.i18n import Message
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "reboot.pending"


@dataclass(frozen=True, slots=True)
class PendingReboot:
    required: bool | None  # None: could not tell
    since: datetime | None = None  # when it became pending, if known
    packages: tuple[str, ...] = ()
    source: str = ""  # which mechanism answered


def check_pending_reboot(pending: PendingReboot, now: datetime, thresholds: Thresholds,
                         evidence: EvidenceArg, unknown_reason: Text | None = None, fix: Text | None = None
                         ) -> list[CheckResult]:
    if pending.required is None:
        return [judged(CHECK_ID, State.UNKNOWN, msg("reboot.unchecked"),
                       evidence, fix=fix, reason=unknown_reason or msg("reboot.unchecked.reason"))]
    p = {"source": pending.source, "packages": list(pending.packages[:5]),
         "for": "reboot.for" if pending.packages else None}
    if not pending.required:
        return [judged(CHECK_ID, State.OK, msg("reboot.none", **p), evidence)]
    if pending.since is None:
        return [judged(CHECK_ID, State.WARN, msg("reboot.pending.since_unknown", **p),
                       evidence, details="\n".join(pending.packages))]
    days = max(0.0, (now - pending.since).total_seconds() / 86400)
    levels = thresholds.levels("reboot.pending_days")
    state = evaluate(days, levels.warn, levels.crit)
    summary = msg("reboot.pending", seconds=days * 86400, levels=levels_param(state, levels), **p)
    return [judged(CHECK_ID, state, summary, evidence, details="\n".join(pending.packages),
                   metrics=(Metric.of("pending_days", round(days, 2), "d", levels.warn, levels.crit, 0),))]


def packages_from(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({line.removeprefix("pkg=").strip() for line in lines if line.startswith("pkg=")}))


def _version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for kernel release strings: numbers compare as numbers ('6.1.0-18' < '6.1.0-21')."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[a-z]+", name))


def kernel_verdict(running: str, installed: Sequence[tuple[str, str]]
                   ) -> tuple[PendingReboot | None, Message | None]:
    """From `uname -r` and the /boot images [(mtime, 'vmlinuz-<release>')]: the verdict (None: no
    evidence) and, without one, what was seen (a message for the UNKNOWN reason)."""
    releases = {name.split("-", 1)[1]: mtime for mtime, name in installed if "-" in name}
    if not running or not releases:
        return None, msg("reboot.looked.noimages")
    newest = max(releases, key=_version_key)
    if running not in releases:
        return None, msg("reboot.looked.notinstalled", running=running, images=sorted(releases))
    if newest == running:
        return PendingReboot(False, source=f"running kernel {running} is the newest installed"), None
    mtime = releases[newest]
    since = datetime.fromtimestamp(int(mtime), UTC) if mtime.isdigit() else None
    source = f"kernel {newest} installed, {running} running"
    return PendingReboot(True, since, (f"kernel {newest}",), source), None


_KSTA = {"1": False, "2": True, "3": True}


def needrestart_verdict(text: str) -> PendingReboot | None:
    """`needrestart -b`: NEEDRESTART-KSTA 1 no pending kernel upgrade, 2/3 pending, 0 unknown."""
    values = dict(line.partition(": ")[::2] for line in text.splitlines() if line.startswith("NEEDRESTART-"))
    required = _KSTA.get(values.get("NEEDRESTART-KSTA", "").strip())
    if required is None:
        return None
    expected = values.get("NEEDRESTART-KEXP", "").strip()
    return PendingReboot(required, None, (f"kernel {expected}",) if required and expected else (),
                         "needrestart -b")


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("reboot.pending", "Pending restart", "Ausstehender Neustart",
           Category.FAILURE, LINUX_KINDS | WINDOWS_KINDS,
           thresholds={"reboot.pending_days": levels("7", None)}),
)
