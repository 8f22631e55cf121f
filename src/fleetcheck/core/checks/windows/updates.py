"""Last successful Windows update, judged against `updates.age_days`.

Sources, best first: the Windows Update history (Microsoft.Update.Session,
installs that succeeded), Get-HotFix's newest InstalledOn, and the Automatic
Updates LastInstallationSuccessDate. Defender definition updates
(KB2267602, "Security Intelligence Update") install daily and would make a
machine that gets no OS patches look current, so they are not counted; the
AutoUpdate date may include them, so it is used only when nothing else is there.
WUA dates are UTC already; Get-HotFix gives a date only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fleetcheck.core.checks import judged, levels_param, msg, unknown
from fleetcheck.core.checks.windows.errors import SectionError, error_fix
from fleetcheck.core.family import WINDOWS_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "updates.age"
INSTALL = 1
SUCCEEDED = (2, 3)  # orcSucceeded, orcSucceededWithErrors
FAILED = (4, 5)  # orcFailed, orcAborted
DEFINITIONS = re.compile(r"KB2267602|KB4052623|Security Intelligence Update|Definition Update", re.I)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    time: datetime
    operation: int
    result: int
    title: str


@dataclass(frozen=True)
class HotfixLatest:
    id: str
    installed: str  # as Get-HotFix wrote it
    day: datetime  # that date, UTC midnight


@dataclass(frozen=True)
class UpdatesData:
    """The updates section as the probe read it."""

    au_install: datetime | None = None  # AutoUpdate LastInstallationSuccessDate
    history: list[HistoryEntry] = field(default_factory=list)
    hotfix_latest: HotfixLatest | None = None
    wu_error: SectionError | None = None
    hotfix_error: SectionError | None = None


def check_updates(d: UpdatesData, thresholds: Thresholds, observed: datetime,
                  evidence: Evidence) -> list[CheckResult]:
    au_install, history = d.au_install, d.history
    installs = [h for h in history if h.operation == INSTALL and not DEFINITIONS.search(h.title)]
    good = sorted((h for h in installs if h.result in SUCCEEDED), key=lambda h: h.time)
    candidates: list[tuple[datetime, str]] = []
    if good:
        candidates.append((good[-1].time, f"Windows Update history: {good[-1].title}"))
    latest = d.hotfix_latest
    notes: list[str] = []
    if latest is not None:
        if latest.day > observed + timedelta(days=1):
            # Get-HotFix parses InstalledOn with the host's locale; some swap day and month.
            notes.append(f"ignored Get-HotFix date {latest.installed}: in the future (locale misparse)")
        else:
            candidates.append((latest.day, f"Get-HotFix: {latest.id} installed {latest.installed}"))
    if not candidates and au_install is not None:
        candidates.append((au_install,
                           "AutoUpdate LastInstallationSuccessDate (may include definition updates)"))
    if not candidates:
        errors = [e for e in (d.wu_error, d.hotfix_error) if e is not None]
        why = "; ".join(e.describe() for e in errors) or "no successful update installation on record"
        fix = next((f for e in errors if (f := error_fix(e, "updates")) is not None), None)
        return [unknown(CHECK_ID, msg("win.updates.unknown", why=why),
                        msg("win.updates.unknown.reason", why=why), fix, (evidence,))]
    when, source = max(candidates)
    age_days = max(0.0, (observed - when).total_seconds() / 86400)
    levels = thresholds.levels("updates.age_days")
    state = evaluate(age_days, levels.warn, levels.crit)
    p: dict[str, object] = {"days": age_days, "when": f"{when:%Y-%m-%d}",
                            "levels": levels_param(state, levels)}
    failed_after = [h for h in installs if h.result in FAILED and h.time > when]
    lines = [f"source: {source}", *notes]
    lines += [f"failed after it: {h.time:%Y-%m-%d} {h.title} (result {h.result})" for h in failed_after]
    if d.wu_error is not None:
        lines.append(f"Windows Update API: {d.wu_error.describe()}")
    if failed_after:
        summary = msg("win.updates.age.failed", failed=len(failed_after), **p)
    else:
        summary = msg("win.updates.age", **p)
    metrics = (Metric.of("update_age_days", round(age_days, 1), "d", levels.warn, levels.crit, 0),)
    return [judged(CHECK_ID, state, summary, evidence, metrics=metrics, details="\n".join(lines))]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("updates.age", "Windows updates", "Windows-Updates", Category.FAILURE, WINDOWS_KINDS,
           thresholds={"updates.age_days": levels("35", "60")}),
)
