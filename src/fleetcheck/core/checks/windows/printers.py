"""Windows print queues: the Print Spooler service, Get-Printer and Get-PrintJob, judged by the
same pure checks as CUPS queues (checks/printqueues.py).

The reader (probes/windows/read.py) turns the PrinterStatus and JobStatus flag words into the
neutral PrintQueue / PrintJob: flags with an IPP printer-state-reasons equivalent become that
keyword (PaperJam → media-jam, so a jam is CRIT as on a network printer), other fault flags
stay in the spooler's own words (WARN), Paused stops the queue (CRIT).

Where the spooler cannot be read: a workstation without the Print Spooler service, with the
spooler stopped, or without the PrintManagement module is N/A (it serves no print queue), with
the service's state as the evidence; on `kind: printserver` each is UNKNOWN with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fleetcheck.core.checks import printqueues as pq
from fleetcheck.core.checks.windows.errors import SectionError
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.thresholds import Thresholds

# PrinterStatus flag words (MSFT_Printer) with an IPP printer-state-reasons equivalent
PRINTER_REASONS = {
    "PaperJam": "media-jam", "PaperOut": "media-empty", "DoorOpen": "door-open", "Offline": "offline",
    "NotAvailable": "offline", "NoToner": "toner-empty", "TonerLow": "toner-low",
    "OutputBinFull": "output-area-full",
}
# flag words that say something is wrong, with no IPP equivalent: shown in the spooler's words
PRINTER_FAULTS = frozenset({"Error", "PaperProblem", "UserIntervention", "OutOfMemory", "PagePunt",
                            "ServerUnknown"})
# JobStatus flag words that mean the job cannot print as it is
JOB_FAULTS = frozenset({"Error", "Offline", "PaperOut", "Blocked", "UserIntervention"})


@dataclass(frozen=True, slots=True)
class WinPrinter:
    queue: pq.PrintQueue
    jobs: list[pq.PrintJob] | None  # None: Get-PrintJob failed (job_error says why)
    job_error: SectionError | None
    raw: str  # this printer's JSON, its evidence


@dataclass(frozen=True, slots=True)
class SpoolerData:
    status: str | None  # Get-Service Spooler: Running, Stopped, ...; None: not read
    start: str  # StartType: Automatic, Manual, Disabled
    spooler_error: SectionError | None
    printers: list[WinPrinter] | None  # None: not read (spooler not running, or Get-Printer failed)
    printers_error: SectionError | None


def flags(text: str) -> tuple[str, ...]:
    """'Error, Printing' → ('Error', 'Printing')."""
    return tuple(f.strip() for f in text.split(",") if f.strip())


def printer_queue(name: str, status: str, shared: bool | None, port: str, comment: str) -> pq.PrintQueue:
    words = flags(status)
    reasons = tuple(PRINTER_REASONS[w] for w in words if w in PRINTER_REASONS)
    faults = tuple(w for w in words if w in PRINTER_FAULTS)
    return pq.PrintQueue(name, "Paused" not in words, None, status or "?", "", reasons, comment, port, shared,
                         errors=faults)


def job_state(status: str) -> str:
    words = flags(status)
    if any(w in JOB_FAULTS for w in words):
        return "error"
    if "Paused" in words:
        return "held"
    if "Printing" in words or "Spooling" in words:
        return "printing"
    if "Deleting" in words or "Restarted" in words:
        return "other"
    return "pending"


def check_spooler(data: SpoolerData, printserver: bool, thresholds: Thresholds, now: datetime,
                  evidence: Evidence) -> list[CheckResult]:
    """`print.queue:*` and `print.jobs:*` of a Windows host (see the module's text)."""
    err = data.spooler_error
    if err is not None:
        if err.fqid.startswith("NoServiceFoundForGivenName"):
            if printserver:
                return [pq.not_read("print.unread.nospooler", "print.fix.nospooler", evidence)]
            return [pq.not_here("print.na.nospooler", evidence)]
        return [_failed(err, evidence)]
    if data.status != "Running":
        p = {"spooler": (data.status or "?").lower(), "start": data.start or "?"}
        if printserver:
            return [pq.not_read("print.unread.spooler", "print.fix.spooler", evidence, **p)]
        return [pq.not_here("print.na.spooler", evidence, **p)]
    perr = data.printers_error
    if perr is not None:
        if perr.command_missing:
            if printserver:
                return [pq.not_read("print.unread.nomodule", "print.fix.nomodule", evidence,
                                    error=perr.describe())]
            return [pq.not_here("print.na.nomodule", evidence, error=perr.describe())]
        return [_failed(perr, evidence)]
    if not data.printers:
        return [pq.no_queues(printserver, evidence)]
    results: list[CheckResult] = []
    for printer in data.printers:
        ev = Evidence.of(evidence.source, printer.raw, evidence.observed)
        count = None if printer.jobs is None else len(printer.jobs)
        results.append(pq.check_queue(printer.queue, count, ev))
        jobs_id = f"{pq.JOBS_ID}:{printer.queue.name}"
        if printer.jobs is None:
            err = printer.job_error
            why = err.describe() if err else "no job list"
            results.append(pq.not_read_jobs(jobs_id, why, ev, admin=bool(err and err.access_denied)))
        else:
            results.append(pq.check_jobs(printer.queue.name, printer.jobs, now, thresholds, ev))
    return results


def _failed(err: SectionError, evidence: Evidence) -> CheckResult:
    fix = "win.fix.admin" if err.access_denied else None
    return pq.not_read("print.unread.failed", fix, evidence, error=err.describe())
