"""Reading the Windows probe's sections into the typed values the check families judge.

Everything here reads what the host sent: a value of the wrong shape raises
(PsShapeError or ValueError/TypeError/KeyError/...), which the probe reports
as the host's "unexpected data from PowerShell". The families in
core/checks/windows/ only judge these values; an exception there is
fleetcheck's own bug (probes/judging.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fleetcheck.core.checks.filesystem import FsUsage
from fleetcheck.core.checks.memory import MemInfo
from fleetcheck.core.checks.printqueues import PrintJob
from fleetcheck.core.checks.windows.defender import AntivirusData, AvProduct, DefenderStatus
from fleetcheck.core.checks.windows.errors import SectionError
from fleetcheck.core.checks.windows.events import EventBatch, WinEvent
from fleetcheck.core.checks.windows.printers import SpoolerData, WinPrinter, job_state, printer_queue
from fleetcheck.core.checks.windows.reboot import PendingFlags
from fleetcheck.core.checks.windows.services import StoppedService
from fleetcheck.core.checks.windows.system import WindowsBoot
from fleetcheck.core.checks.windows.updates import HistoryEntry, HotfixLatest, UpdatesData
from fleetcheck.core.probes.windows.psjson import (
    PsShapeError,
    Section,
    as_bool,
    as_dict,
    as_int,
    as_list,
    ps_time,
)
from fleetcheck.core.probes.windows.sections import source_of
from fleetcheck.core.results import iso

BOOT_TYPES = {0: "cold boot", 1: "Fast Startup (hybrid boot)", 2: "resume from hibernation"}


def boot_type_note(os_data: dict[str, Any]) -> str:
    boot = os_data.get("boot_event")
    if not isinstance(boot, dict) or "error" in boot:
        return "boot type unknown (no Kernel-Boot 27 event read)"
    data = boot.get("data") if isinstance(boot.get("data"), dict) else {}
    params = boot.get("params") if isinstance(boot.get("params"), list) else []
    value = (data or {}).get("BootType", params[0] if params else None)
    code = as_int(value)
    when = ps_time(boot.get("t"))
    what = BOOT_TYPES.get(code, f"boot type {value!r}") if code is not None else f"boot type {value!r}"
    return f"last start: {what} at {iso(when)} (Kernel-Boot 27)"


def read_boot(section: Section) -> WindowsBoot:
    os_data = as_dict(section.data, "os data")
    last_boot = ps_time(os_data.get("last_boot"))
    if last_boot is None:
        raise PsShapeError("Win32_OperatingSystem.LastBootUpTime missing")
    return WindowsBoot(last_boot, as_int(os_data.get("hiberboot")), boot_type_note(os_data))


def _kb(value: Any, what: str) -> int:
    n = as_int(value)
    if n is None:
        raise PsShapeError(f"Win32_OperatingSystem.{what} missing")
    return n * 1024


def read_memory(section: Section) -> MemInfo:
    os_data = as_dict(section.data, "os data")
    return MemInfo(total=_kb(os_data.get("mem_total_kb"), "TotalVisibleMemorySize"),
                   available=_kb(os_data.get("mem_free_kb"), "FreePhysicalMemory"),
                   swap_total=_kb(os_data.get("pagefile_total_kb") or 0, "SizeStoredInPagingFiles"),
                   swap_free=_kb(os_data.get("pagefile_free_kb") or 0, "FreeSpaceInPagingFiles"))


def volume_item(vol: dict[str, Any]) -> str | None:
    """'C:' for a lettered volume, 'D:\\Data' for a mount folder, None for neither."""
    letter = vol.get("letter")
    if isinstance(letter, str) and letter.strip():
        return letter.strip().upper()
    name = vol.get("name")
    if isinstance(name, str) and name and not name.startswith("\\\\?\\"):
        return name.rstrip("\\") or name
    return None


def read_volumes(data: Any) -> tuple[list[tuple[FsUsage, str]], list[str]]:
    """([(volume to check, its raw JSON)], descriptions of skipped ones)."""
    vols = as_list(as_dict(data, "volumes data").get("volumes"), "volumes")
    out: list[tuple[FsUsage, str]] = []
    skipped: list[str] = []
    for raw in vols:
        vol = as_dict(raw, "volume")
        item = volume_item(vol)
        label = f" {vol['label']}" if vol.get("label") else ""
        if item is None:
            skipped.append(f"{vol.get('name')}{label} (no drive letter or mount folder)")
            continue
        size, free = as_int(vol.get("size")), as_int(vol.get("free"))
        if not size or free is None:
            skipped.append(f"{item}{label} (no size reported: not formatted or not mounted)")
            continue
        fs = FsUsage(mount=item, fstype=str(vol.get("fs") or "?"), device=str(vol.get("name") or item),
                     total=size, used=max(0, size - free), free=free)
        out.append((fs, json.dumps(vol, ensure_ascii=False, separators=(",", ":"))))
    return out, skipped


def read_services(data: Any) -> list[StoppedService]:
    rows = as_list(as_dict(data, "services data").get("stopped_auto"), "services")
    out = []
    for raw in rows:
        row = as_dict(raw, "service")
        out.append(StoppedService(str(row.get("name") or "?"), str(row.get("display") or ""),
                                  str(row.get("state") or "?"), as_int(row.get("exit")),
                                  as_int(row.get("svc_exit")), as_bool(row.get("delayed")),
                                  as_bool(row.get("trigger"))))
    return out


def read_reboot(data: Any) -> PendingFlags:
    d = as_dict(data, "reboot data")
    cbs, wu = as_bool(d.get("cbs")), as_bool(d.get("wu"))
    if cbs is None or wu is None:
        raise PsShapeError("reboot data without the CBS/WindowsUpdate flags")
    sample = tuple(str(x) for x in d.get("pfro_sample") or [])
    return PendingFlags(cbs, wu, as_int(d.get("pfro_entries")) or 0, sample)


def _error(value: Any) -> SectionError | None:
    return None if value is None else SectionError.from_json(value)


def read_antivirus(data: Any) -> AntivirusData:
    d = as_dict(data, "defender data")
    raw = d.get("status")
    status = None
    if isinstance(raw, dict):
        status = DefenderStatus(as_bool(raw.get("am_service")), as_bool(raw.get("av")),
                                as_bool(raw.get("rtp")), as_int(raw.get("sig_age_days")),
                                str(raw.get("mode") or ""), raw.get("sig_version"), raw.get("engine"),
                                raw.get("tamper"))
    products = [as_dict(p, "antivirus product") for p in as_list(d.get("products"), "antivirus products")]
    return AntivirusData(status, _error(d.get("status_error")),
                         [AvProduct(str(p.get("name") or ""), as_int(p.get("state"))) for p in products],
                         _error(d.get("products_error")))


def read_wu_lines(lines: list[str]) -> tuple[datetime | None, list[HistoryEntry]]:
    """(AutoUpdate LastInstallationSuccessDate, history entries) from the script's tab-separated lines."""
    au_install: datetime | None = None
    history: list[HistoryEntry] = []
    for line in lines:
        fields = str(line).split("\t")
        if fields[0] == "au" and len(fields) >= 3:
            au_install = ps_time(fields[2] or None)
        elif fields[0] == "h" and len(fields) >= 5:
            when = ps_time(fields[1] or None)
            op, result = as_int(fields[2]), as_int(fields[3])
            if when is None or op is None or result is None:
                continue
            history.append(HistoryEntry(when, op, result, fields[4].strip()))
        else:
            raise PsShapeError(f"unexpected Windows Update line {line!r:.120}")
    return au_install, history


def read_updates(data: Any) -> UpdatesData:
    d = as_dict(data, "updates data")
    au_install: datetime | None = None
    history: list[HistoryEntry] = []
    if d.get("wu") is not None:
        au_install, history = read_wu_lines([str(x) for x in as_list(d.get("wu"), "Windows Update lines")])
    latest = d.get("hotfix_latest")
    hotfix = None
    if isinstance(latest, dict) and latest.get("installed"):
        installed = str(latest["installed"])
        day = datetime.strptime(installed[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        hotfix = HotfixLatest(str(latest.get("id")), installed, day)
    return UpdatesData(au_install, history, hotfix, _error(d.get("wu_error")), _error(d.get("hotfix_error")))


def _event(obj: Any, query: str) -> WinEvent:
    d = as_dict(obj, "event")
    when = ps_time(d.get("t"))
    record = as_int(d.get("record"))
    event_id = as_int(d.get("id"))
    if when is None or record is None or event_id is None:
        raise PsShapeError(f"event without time, RecordId or Id: {json.dumps(d)[:200]}")
    named = d.get("data") or {}
    data = {str(k): "" if v is None else str(v) for k, v in as_dict(named, "event data").items()}
    params = tuple("" if v is None else str(v) for v in as_list(d.get("params"), "event params"))
    return WinEvent(str(d.get("log") or ""), str(d.get("provider") or ""), event_id, record, when,
                    as_int(d.get("level")), data, params, str(d.get("msg") or ""),
                    json.dumps(d, ensure_ascii=False, separators=(",", ":")), query)


def read_events(section: Section) -> EventBatch:
    """The section's events; PsShapeError when the data is not what the script emits.

    A NoMatchingEventsFound marker is an empty, valid batch.
    """
    if section.error is not None:
        if section.error.no_events:
            return EventBatch([], none_found=True)
        raise PsShapeError(section.error.describe())
    d = as_dict(section.data, f"{section.name} data")
    seen: dict[tuple[str, str, int, datetime], WinEvent] = {}
    duplicates = 0
    for obj in as_list(d.get("events"), "events"):
        ev = _event(obj, source_of(section.name))
        if ev.key in seen:
            duplicates += 1
            continue
        seen[ev.key] = ev
    events = sorted(seen.values(), key=lambda e: (e.time, e.record))
    return EventBatch(events, capped=bool(d.get("capped")), lookback_start=ps_time(d.get("since")),
                      duplicates=duplicates)




def _job(raw: Any, queue: str) -> PrintJob:
    d = as_dict(raw, "print job")
    status = str(d.get("status") or "")
    return PrintJob(str(d.get("id") if d.get("id") is not None else "?"), queue, ps_time(d.get("submitted")),
                    job_state(status), tuple(w.strip() for w in status.split(",") if w.strip()),
                    str(d.get("user") or ""))


def read_printers(data: Any) -> SpoolerData:
    """The `printers` section: the spooler service, then each printer with its jobs."""
    d = as_dict(data, "printers data")
    spooler = d.get("spooler")
    status, start = None, ""
    if spooler is not None:
        sp = as_dict(spooler, "spooler")
        status, start = str(sp.get("status") or "?"), str(sp.get("start") or "")
    printers: list[WinPrinter] | None = None
    if d.get("printers") is not None:
        printers = []
        for raw in as_list(d.get("printers"), "printers"):
            p = as_dict(raw, "printer")
            name = str(p.get("name") or "")
            if not name:
                raise PsShapeError("a printer without a name")
            shared = as_bool(p.get("shared"))
            queue = printer_queue(name, str(p.get("status") or ""), shared, str(p.get("port") or ""),
                                  str(p.get("comment") or ""))
            job_error = _error(p.get("job_error"))
            jobs = None if job_error is not None else [
                _job(j, name) for j in as_list(p.get("job_list"), "jobs")]
            raw_json = json.dumps(p, ensure_ascii=False, separators=(",", ":"))
            printers.append(WinPrinter(queue, jobs, job_error, raw_json))
    return SpoolerData(status, start, _error(d.get("spooler_error")), printers,
                       _error(d.get("printers_error")))
