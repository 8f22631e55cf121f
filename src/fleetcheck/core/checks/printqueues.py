"""Print queues of a print server: CUPS (lpstat over the POSIX probe) and the Windows spooler
(Get-Printer / Get-PrintJob over the PowerShell probe), judged alike.

Both probes read their host's output into the neutral `PrintQueue` / `PrintJob` below;
the judging is here, once:

- `print.queue:<queue>`: a stopped (CUPS disabled, Windows paused) queue is CRIT with the
  reason the server gives; a queue not accepting jobs is WARN; a fault the printer reports
  through the queue (CUPS printer-state-reasons, Windows PrinterStatus) is judged like the
  printer's own (checks/printer/status.py: paper out and jams CRIT, toner low WARN).
- `print.jobs:<queue>`: the oldest job not yet completed against `print.job_age_min`
  (minutes; a job waiting that long is stuck), with why it waits (held for authentication,
  held until a time, in error); a job the spooler marks as failed is at least WARN.

Queue names, descriptions and messages are the host's text: the result builder escapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleetcheck.core.checks import EvidenceArg, judged, levels_param, msg, not_applicable, unknown
from fleetcheck.core.checks.printer.status import CONDITIONS, INFO_REASONS, REASON_CONDITIONS
from fleetcheck.core.family import COMPUTER_KINDS, Category, Family, levels
from fleetcheck.core.i18n import Message, part
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

QUEUE_ID = "print.queue"
JOBS_ID = "print.jobs"
AGE_THRESHOLD = "print.job_age_min"
_SUFFIXES = ("-report", "-warning", "-error")


@dataclass(frozen=True, slots=True)
class PrintQueue:
    """One print queue as its server reports it."""

    name: str
    enabled: bool  # False: stopped (CUPS disabled, Windows paused): nothing prints
    accepting: bool | None  # None: the server has no such notion (Windows)
    status: str  # idle / printing <job> / stopped; Windows: PrinterStatus as text
    message: str = ""  # why (CUPS printer-state-message / reject reason)
    reasons: tuple[str, ...] = ()  # printer-state-reasons keywords, as reported
    description: str = ""
    device: str = ""  # device URI (CUPS) or port name (Windows)
    shared: bool | None = None
    since: str = ""  # "Fri Dec  4 16:48:02 2026" (CUPS: since when enabled/disabled)
    errors: tuple[str, ...] = ()  # faults in the server's own words, no IPP keyword (Windows flags)


@dataclass(frozen=True, slots=True)
class PrintJob:
    """One job not yet completed."""

    id: str
    queue: str
    submitted: datetime | None  # None: the server did not say (its age is then unknown)
    state: str  # pending | held | printing | error | other
    reasons: tuple[str, ...] = ()  # job-state-reasons (CUPS) / JobStatus flags (Windows)
    user: str = ""
    status: str = ""  # the server's message on it (CUPS job-printer-state-message)


def keyword(reason: str) -> str:
    """`media-empty` of `media-empty-warning` (IPP's severity suffixes)."""
    for suffix in _SUFFIXES:
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def _conditions(queue: PrintQueue) -> tuple[State, list[dict[str, Any]]]:
    """The printer faults a queue's reasons name (message parts, worst first) and their worst state."""
    found: dict[str, list[dict[str, Any]]] = {}
    unknown_kw: list[str] = []
    for raw in queue.reasons:
        base = keyword(raw)
        if base in ("none", "") or base in INFO_REASONS or base.startswith("cups-"):
            continue
        if base == "paused" and not queue.enabled:
            continue  # the stopped queue itself, judged on its own
        cond = REASON_CONDITIONS.get(base)
        if cond is None:
            unknown_kw.append(raw)
        else:
            found.setdefault(cond, []).append(part("print.said", keyword=raw))
    states = [CONDITIONS[c].state for c in found]
    states += [State.WARN for k in unknown_kw if k.endswith("-error")]
    states += [State.WARN for _ in queue.errors]
    ordered = sorted(found, key=lambda c: -CONDITIONS[c].state.rank)
    words = [part("printer.condition", condition=part(f"printer.condition.{c}"), said=found[c])
             for c in ordered]
    words += [part("printer.condition.unknown_reason", keyword=k) for k in unknown_kw]
    words += [part("print.queue.fault", word=w) for w in queue.errors]
    return worst(states, default=State.OK), words


def check_queue(queue: PrintQueue, jobs: int | None, evidence: EvidenceArg) -> CheckResult:
    """`print.queue:<queue>`: stopped CRIT, not accepting WARN, printer faults as the printer's."""
    check_id = f"{QUEUE_ID}:{queue.name}"
    fault_state, faults = _conditions(queue)
    p: dict[str, object] = {"queue": queue.name, "status": queue.status, "message": queue.message,
                            "since": queue.since, "conditions": faults, "jobs": jobs or 0}
    problems: list[str] = []
    states: list[State] = [fault_state]
    if not queue.enabled:
        problems.append("print.queue.why.stopped" if queue.message else "print.queue.why.stopped.bare")
        states.append(State.CRIT)
    if queue.accepting is False:
        problems.append("print.queue.why.rejecting")
        states.append(State.WARN)
    if faults:
        problems.append("print.queue.why.faults")
    state = worst(states, default=State.OK)
    details = "\n".join(line for line in (
        f"description: {queue.description}" if queue.description else "",
        f"device: {queue.device}" if queue.device else "",
        f"shared: {'yes' if queue.shared else 'no'}" if queue.shared is not None else "",
        f"message: {queue.message}" if queue.message else "",
        f"reasons: {' '.join(queue.reasons)}" if queue.reasons else "") if line)
    metrics = () if jobs is None else (Metric.of("jobs", jobs, "", min=0),)
    if problems and state is not State.OK:
        summary = msg("print.queue.problem", problems=problems, **p)
    else:
        ok = "print.queue.ok" if queue.accepting is not None else "print.queue.ok.spooler"
        summary = msg(ok + (".jobs" if jobs is not None else ""), **p)
        if problems:  # a reason keyword the server reports without it being a fault
            summary = msg("print.queue.noted", problems=problems, **p)
    return judged(check_id, state, summary, evidence, metrics=metrics, details=details)


_JOB_STATES = {"pending": "print.job.pending", "held": "print.job.held", "printing": "print.job.printing",
               "error": "print.job.error", "other": "print.job.other",
               "unknown": "print.job.unknown"}


def _why_waiting(job: PrintJob) -> str:
    """The reasons a job waits (held for authentication, until a time, ...), else its state."""
    reasons = [r for r in job.reasons if r not in ("none", "job-printing", "job-queued", "job-incoming")]
    return ", ".join(reasons) or job.state


def check_jobs(queue: str, jobs: Sequence[PrintJob], now: datetime, thresholds: Thresholds,
               evidence: EvidenceArg) -> CheckResult:
    """`print.jobs:<queue>`: the oldest waiting job's age against print.job_age_min (minutes)."""
    check_id = f"{JOBS_ID}:{queue}"
    lv = thresholds.levels(AGE_THRESHOLD, queue)
    if not jobs:
        none = msg("print.jobs.none", queue=queue, levels=levels_param(State.OK, lv))
        return judged(check_id, State.OK, none, evidence, metrics=(Metric.of("jobs", 0, "", min=0),))
    dated = [j for j in jobs if j.submitted is not None]
    failed = [j for j in jobs if j.state == "error"]
    listing = "\n".join(
        f"{j.id}: {j.state} ({_why_waiting(j)}), submitted "
        f"{j.submitted.isoformat() if j.submitted else 'at an unknown time'}"
        f"{' by ' + j.user if j.user else ''}{': ' + j.status if j.status else ''}" for j in jobs)
    if not dated:
        why = msg("print.jobs.undated.reason", queue=queue, count=len(jobs))
        return unknown(check_id, msg("print.jobs.undated", queue=queue, count=len(jobs)), why,
                       evidence=evidence, details=listing)
    oldest = min(dated, key=lambda j: j.submitted or now)
    assert oldest.submitted is not None
    age_min = max(0.0, (now - oldest.submitted).total_seconds() / 60)
    state = evaluate(age_min, lv.warn, lv.crit)
    if failed:
        state = worst([state, State.WARN])
    hold = _why_waiting(oldest)
    p = {"queue": queue, "count": len(jobs), "age": age_min * 60, "job": oldest.id,
         "job_state": _JOB_STATES.get(oldest.state, "print.job.other"), "hold": hold,
         "failed": len(failed), "levels": levels_param(state, lv)}
    code = "print.jobs.failed" if failed else "print.jobs"
    metrics = (Metric.of("jobs", len(jobs), "", min=0),
               # minutes like its thresholds; no unit (Nagios knows none for minutes), the name says it
               Metric.of("oldest_job_age_min", round(age_min, 1), "", lv.warn, lv.crit, 0))
    return judged(check_id, state, msg(code, **p), evidence, metrics=metrics, details=listing)


def no_queues(printserver: bool, evidence: EvidenceArg) -> CheckResult:
    """A scheduler that answers but has no queue: nothing to judge (N/A); odd on a print server."""
    if printserver:
        return judged(QUEUE_ID, State.WARN, msg("print.noqueues.printserver"), evidence)
    return not_here("print.na.noqueues", evidence)


def not_here(why: str, evidence: EvidenceArg, **params: object) -> CheckResult:
    """N/A: no print server runs on this host (`why` a print.na.* code saying what showed it)."""
    return not_applicable(QUEUE_ID, msg("print.na", **params), msg("print.na.reason", why=why, **params),
                          evidence)


def not_read(why: str, fix: str | None, evidence: EvidenceArg, **params: object) -> CheckResult:
    """UNKNOWN on a print server whose queues could not be read (`why`, `fix`: print.* codes)."""
    fix_msg: Message | None = None if fix is None else msg(fix, **params)
    return unknown(QUEUE_ID, msg("print.unread", why=why, **params), msg(why, **params), fix_msg, evidence)


def not_read_jobs(check_id: str, error: str, evidence: EvidenceArg, admin: bool = False) -> CheckResult:
    """UNKNOWN for one queue's jobs the server would not list (`error`: what it said)."""
    fix = msg("win.fix.admin") if admin else None
    why = msg("print.jobs.unread.reason", error=error)
    return unknown(check_id, msg("print.jobs.unread", error=error), why, fix, evidence)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family(QUEUE_ID, "Print queues", "Druckwarteschlangen", Category.FAILURE, COMPUTER_KINDS),
    Family(JOBS_ID, "Stuck print jobs", "Hängende Druckaufträge", Category.FAILURE, COMPUTER_KINDS,
           thresholds={AGE_THRESHOLD: levels("30", "120")}),
)
