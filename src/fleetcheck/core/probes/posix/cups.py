"""CUPS print queues from the POSIX probe's `lpstat` sections (posix.sh `cups`), read here and
judged by checks/printqueues.py.

Sections: `cups` (`lpstat -H -r`: which scheduler the host's clients use, and whether it
runs), then only with a running scheduler `cups_queues` (`lpstat -l -p`), `cups_accepting`
(`lpstat -a`) and `cups_jobs` (`lpstat -W not-completed -l -o`). The script runs under
LC_ALL=C and TZ=UTC, so the texts are CUPS' English ones and the dates UTC.

Whether the queues apply: on `kind: printserver` they must be read (a missing lpstat, a
scheduler that does not run, a refusal: UNKNOWN with the reason). On any other POSIX host
they are judged when a local scheduler answers; no lpstat, no scheduler, or a client of
another server (lpstat -H names it) is N/A with that output as the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from fleetcheck.core.checks import printqueues as pq
from fleetcheck.core.probes.posix.family import Ctx, guarded
from fleetcheck.core.probes.posix.sections import Section, problem, unparsable
from fleetcheck.core.results import CheckResult, Evidence

WHAT = "print queues"
NO_QUEUES = "No destinations added"  # lpstat's stderr (exit status 1) when the scheduler has no queue
# `lpstat -l -p` attribute lines; a tab-indented line before the first of them is the
# printer-state-message
_KEYS = frozenset({"Form mounted", "Content types", "Printer types", "Description", "Alerts", "Location",
                   "Connection", "Interface", "On fault", "After fault", "Users allowed", "Users denied",
                   "Forms allowed", "Banner required", "Charset sets", "Default pitch", "Default page size",
                   "Default port settings", "Rejecting Jobs"})
_JOB = re.compile(r"^(\S+)\s+(\S*)\s+(\d+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d\d:\d\d:\d\d\s+\d{4})\s*$")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                       "Nov", "Dec"), 1)}
_LOCAL = ("localhost", "127.", "::1", "[::1]")


def lpstat_date(text: str) -> datetime:
    """`Fri Dec  4 16:48:02 2026` (strftime %c in the C locale, UTC by the script's TZ)."""
    _day, month, mday, clock, year = text.split()
    hh, mm, ss = (int(x) for x in clock.split(":"))
    return datetime(int(year), _MONTHS[month], int(mday), hh, mm, ss, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Scheduler:
    server: str  # what lpstat -H said: a socket path or host:port
    running: bool
    said: str  # lpstat -r's line

    def local(self, hostname: str) -> bool:
        """Whether the scheduler is this host's own (a socket, loopback or its own name)."""
        host = self.server.rsplit(":", 1)[0] if self.server.count(":") == 1 else self.server
        own = hostname.split(".")[0].lower()
        return (self.server.startswith("/") or host.startswith(_LOCAL)
                or (bool(own) and host.split(".")[0].lower() == own))


def parse_scheduler(lines: list[str]) -> Scheduler:
    said = next((ln.strip() for ln in lines if "scheduler is" in ln), "")
    if not said:
        raise ValueError("lpstat -r printed no 'scheduler is ...' line")
    server = next((ln.strip() for ln in lines if ln.strip() and "scheduler is" not in ln), "")
    return Scheduler(server, said == "scheduler is running", said)


def _blocks(lines: list[str], starts: re.Pattern[str] | None = None) -> list[list[str]]:
    """Lines grouped by their unindented first line."""
    out: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        if not line.startswith((" ", "\t")) and (starts is None or starts.match(line)):
            out.append([line])
        elif out:
            out[-1].append(line)
        else:
            raise ValueError(f"indented line before the first entry: {line[:80]!r}")
    return out


def parse_queues(lines: list[str]) -> list[tuple[pq.PrintQueue, str]]:
    """`lpstat -l -p`: each queue with its own lines (the raw text of its evidence)."""
    out = []
    for block in _blocks(lines):
        head = block[0]
        if not head.startswith("printer "):
            raise ValueError(f"not a printer line: {head[:80]!r}")
        name, _, rest = head[len("printer "):].partition(" ")
        state_part, _, since = rest.partition(" since ")
        enabled = not state_part.startswith("disabled")
        if state_part.startswith("is idle"):
            status = "idle"
        elif state_part.startswith("now printing"):
            job = state_part.removeprefix("now printing").strip().split(".  ")[0].rstrip(".")
            status = f"printing {job}"
        elif not enabled:
            status = "disabled"
        else:
            raise ValueError(f"unknown printer state in {head[:80]!r}")
        message: list[str] = []
        attrs: dict[str, str] = {}
        for line in block[1:]:
            if line.startswith("\t\t"):
                continue
            key, sep, value = line.strip().partition(":")
            if (sep and key in _KEYS) or line.strip() in _KEYS:
                attrs[key] = value.strip()
            elif not attrs:
                message.append(line.strip())
        reasons = tuple(attrs.get("Alerts", "").split())
        out.append((pq.PrintQueue(
            name, enabled, None, status, " ".join(message), tuple(r for r in reasons if r != "none"),
            attrs.get("Description", ""), attrs.get("Interface", ""),
            since=since.rstrip(" -").strip()), "\n".join(block)))
    return out


def parse_accepting(lines: list[str]) -> dict[str, tuple[bool, str, str]]:
    """`lpstat -a`: queue -> (accepting, the reject reason, its lines)."""
    out: dict[str, tuple[bool, str, str]] = {}
    for block in _blocks(lines):
        name, _, rest = block[0].partition(" ")
        if rest.startswith("accepting requests"):
            out[name] = (True, "", "\n".join(block))
        elif rest.startswith("not accepting requests"):
            out[name] = (False, " ".join(ln.strip() for ln in block[1:]), "\n".join(block))
        else:
            raise ValueError(f"not an lpstat -a line: {block[0][:80]!r}")
    return out


def _job_state(reasons: tuple[str, ...], has_alerts: bool) -> str:
    if not has_alerts:
        return "unknown"
    if any("hold" in r or "held" in r for r in reasons):
        return "held"
    if "job-printing" in reasons:
        return "printing"
    if any(r.endswith("-error") or r in ("aborted-by-system", "job-stopped") for r in reasons):
        return "error"
    return "pending"


def parse_jobs(lines: list[str]) -> list[tuple[pq.PrintJob, str]]:
    """`lpstat -W not-completed -l -o`: each job with its own lines."""
    out = []
    for block in _blocks(lines):
        m = _JOB.match(block[0])
        if m is None:
            raise ValueError(f"not a job line: {block[0][:100]!r}")
        job_id, user, _size, date = m.groups()
        queue = job_id.rsplit("-", 1)[0]
        status = ""
        reasons: tuple[str, ...] = ()
        has_alerts = False
        for line in block[1:]:
            text = line.strip()
            if text.startswith("queued for "):
                queue = text.removeprefix("queued for ").strip()
            elif text.startswith("Alerts:"):
                has_alerts = True
                reasons = tuple(text.removeprefix("Alerts:").split())
            elif text.startswith("Status:"):
                status = text.removeprefix("Status:").strip()
        job = pq.PrintJob(job_id, queue, lpstat_date(date), _job_state(reasons, has_alerts),
                          tuple(r for r in reasons if r != "none"), "" if user == "unknown" else user, status)
        out.append((job, "\n".join(block)))
    return out


@dataclass(frozen=True, slots=True)
class Read:
    queues: list[tuple[pq.PrintQueue, str]]
    accepting: dict[str, tuple[bool, str, str]]
    jobs: list[tuple[pq.PrintJob, str]] | None  # None: the jobs could not be read


def print_queues(ctx: Ctx, printserver: bool) -> list[CheckResult]:
    """`print.queue:*` and `print.jobs:*` from the lpstat sections (see the module's text)."""
    sec = ctx.sec("cups")
    if sec is not None and sec.missing and not sec.cut and not printserver:
        return [pq.not_here("print.na.nolpstat", sec.evidence(ctx.observed))]
    bad = problem(sec, pq.QUEUE_ID, WHAT, ctx.observed)
    if bad is not None or sec is None:
        return [bad] if bad is not None else []
    ev = sec.evidence(ctx.observed)
    hostname = ctx.out.meta.get("hostname", "")

    def judge_scheduler(sched: Scheduler) -> list[CheckResult]:
        if not sched.running:
            if printserver:
                return [pq.not_read("print.unread.nosched", "print.fix.nosched", ev, said=sched.said)]
            return [pq.not_here("print.na.nosched", ev, said=sched.said)]
        if not printserver and not sched.local(hostname):
            return [pq.not_here("print.na.remote", ev, server=sched.server)]
        return _queues(ctx, printserver, ev)

    return guarded(ctx, sec, pq.QUEUE_ID, WHAT, lambda: parse_scheduler(sec.lines), judge_scheduler)


def _queues(ctx: Ctx, printserver: bool, sched_ev: Evidence) -> list[CheckResult]:
    q, a, j = ctx.sec("cups_queues"), ctx.sec("cups_accepting"), ctx.sec("cups_jobs")
    if q is not None and not q.cut and not q.text.strip() and q.stderr_says(NO_QUEUES):
        return [pq.no_queues(printserver, [sched_ev, q.evidence(ctx.observed)])]
    bad = problem(q, pq.QUEUE_ID, WHAT, ctx.observed)
    if bad is not None or q is None:
        return [bad] if bad is not None else []
    accepting_bad = problem(a, pq.QUEUE_ID, WHAT, ctx.observed)
    if accepting_bad is not None or a is None:
        return [accepting_bad] if accepting_bad is not None else []
    jobs_bad = problem(j, pq.JOBS_ID, "print jobs", ctx.observed)
    jobs: list[tuple[pq.PrintJob, str]] | None = None
    if jobs_bad is None and j is not None:
        try:  # the jobs' own output, so garbled jobs cost the jobs check only
            jobs = parse_jobs(j.lines)
        except (ValueError, KeyError, IndexError) as exc:
            jobs_bad = unparsable(j, pq.JOBS_ID, "print jobs", ctx.observed, str(exc) or type(exc).__name__)

    def parse() -> Read:
        return Read(parse_queues(q.lines), parse_accepting(a.lines), jobs)

    def judge(read: Read) -> list[CheckResult]:
        return _judge(ctx, printserver, read, q, a, j, jobs_bad)

    return guarded(ctx, q, pq.QUEUE_ID, WHAT, parse, judge)


def _judge(ctx: Ctx, printserver: bool, read: Read, q: Section, a: Section, j: Section | None,
           jobs_bad: CheckResult | None) -> list[CheckResult]:
    if not read.queues:
        return [pq.no_queues(printserver, [q.evidence(ctx.observed, "(no output: no queue)")])]
    results: list[CheckResult] = [] if jobs_bad is None else [jobs_bad]
    by_queue: dict[str, list[tuple[pq.PrintJob, str]]] = {}
    for job, raw in read.jobs or []:
        by_queue.setdefault(job.queue, []).append((job, raw))
    for queue, raw in read.queues:
        accepting, why, accept_raw = read.accepting.get(queue.name, (None, "", ""))
        queue = pq.PrintQueue(queue.name, queue.enabled, accepting, queue.status, queue.message or why,
                              queue.reasons, queue.description, queue.device, since=queue.since)
        evidence = [q.evidence(ctx.observed, raw),
                    a.evidence(ctx.observed, accept_raw or f"(no line for {queue.name})")]
        mine = by_queue.get(queue.name, [])
        results.append(pq.check_queue(queue, None if read.jobs is None else len(mine), evidence))
        if read.jobs is not None and j is not None:
            jobs_raw = "\n".join(r for _job, r in mine) or "(no output for this queue: no job waits)"
            results.append(pq.check_jobs(queue.name, [job for job, _r in mine], ctx.until, ctx.thresholds,
                                         [j.evidence(ctx.observed, jobs_raw)]))
    return results
