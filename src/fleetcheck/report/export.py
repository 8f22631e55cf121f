"""The dashboard's `e`: the results on screen as a report file in the current folder."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from fleetcheck import __version__
from fleetcheck.core.engine import unreachable_result
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host, Inventory
from fleetcheck.core.results import HostResult, ScanResult, utcnow
from fleetcheck.core.states import Reachability
from fleetcheck.report import SUFFIXES, Meta, render
from fleetcheck.report.output import ReportExists, write_atomic
from fleetcheck.report.source import local_zone
from fleetcheck.report.text import secrets_of
from fleetcheck.store import Changes

NOT_SCANNED = msg("report.not_scanned")


def slug(text: str | None) -> str:
    folded = unicodedata.normalize("NFKD", (text or "").replace("ß", "ss"))
    plain = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode().lower()).strip("-")
    return plain[:40].strip("-") or "report"


def dashboard_scan(inventory: Inventory, entries: Sequence[tuple[Host, HostResult | None]]) -> ScanResult:
    """One scan of what the dashboard shows; a host without a result yet is 'not checked', never left out."""
    now = utcnow()
    hosts = [result if result is not None else
             unreachable_result(host, Reachability.NOT_CHECKED, NOT_SCANNED, None, "", now)
             for host, result in entries]
    starts = [h.started for h in hosts if h.started is not None]
    ends = [h.finished for h in hosts if h.finished is not None]
    return ScanResult(min(starts, default=now), max(ends, default=now), tuple(hosts), inventory.customer,
                      inventory.files, False, __version__)


def write_dashboard_report(inventory: Inventory, entries: Sequence[tuple[Host, HostResult | None]],
                           fmt: str, lang: str, changes: Callable[[ScanResult], Changes | None] | None,
                           folder: str | Path, when: datetime | None = None) -> Path:
    """Render and write next to nothing else: a new file name, never an existing file replaced."""
    scan = dashboard_scan(inventory, entries)
    settings = inventory.report
    meta = Meta(customer=inventory.customer, company=settings.company, technician=settings.technician,
                contact=settings.contact, generated=utcnow())
    data = render(scan, fmt, lang, local_zone(), changes=changes(scan) if changes is not None else None,
                  meta=meta, secrets=secrets_of(inventory))
    stamp = (when or datetime.now()).strftime("%Y-%m-%d-%H%M")
    base = Path(folder) / f"fleetcheck-{slug(inventory.customer)}-{stamp}"
    for n in range(1, 100):
        target = base.with_name(f"{base.name}{'' if n == 1 else f'-{n}'}{SUFFIXES[fmt]}")
        try:
            return write_atomic(target, data, force=False)
        except ReportExists:
            continue
    raise ReportExists(f"{base}: 99 reports of this minute exist already")
