"""Kernel and system log lines: `journalctl -o json`, `dmesg -x --time-format iso`, BusyBox `dmesg -r`.

Both become `LogEntry` (time, priority, message, boot id) so the kernel, OOM
and reboot families judge the same shape whatever the source. journald's
MESSAGE may be a byte array (non-UTF-8 text); it is decoded, not dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fleetcheck.core.checks.crash_events import from_epoch_us

PRIORITIES = {"emerg": 0, "alert": 1, "crit": 2, "err": 3, "warn": 4, "warning": 4, "notice": 5,
              "info": 6, "debug": 7}
_DMESG = re.compile(r"^(?:(\w+)\s*:\s*(\w+)\s*:\s*)?"
                    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)[,.](\d+)([+-]\d\d:?\d\d)\s?(.*)$")


@dataclass(frozen=True, slots=True)
class LogEntry:
    time: datetime
    message: str
    priority: int | None = None  # syslog priority 0 (emerg) .. 7 (debug)
    identifier: str = ""  # SYSLOG_IDENTIFIER
    boot_id: str = ""


def _message(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) for b in value):
        return bytes(b & 0xFF for b in value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def parse_journal_json(text: str) -> list[LogEntry]:
    """One JSON object per line (journalctl -o json). Raises ValueError on anything else."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("-- "):  # "-- No entries --" on older journalctl
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {n} is not JSON: {exc}") from None
        if not isinstance(row, dict) or "__REALTIME_TIMESTAMP" not in row:
            raise ValueError(f"line {n} is not a journal entry")
        prio = row.get("PRIORITY")
        out.append(LogEntry(from_epoch_us(row["__REALTIME_TIMESTAMP"]), _message(row.get("MESSAGE")),
                            int(prio) if isinstance(prio, str | int) and str(prio).isdigit() else None,
                            str(row.get("SYSLOG_IDENTIFIER") or row.get("_COMM") or ""),
                            str(row.get("_BOOT_ID", ""))))
    return out


def parse_dmesg(text: str) -> tuple[list[LogEntry], list[str]]:
    """`dmesg -x --time-format iso` lines ("kern  :err   : 2024-05-01T10:00:00,123456+00:00 msg").

    Real kernels print multi-line messages: the continuation lines are indented under the first
    and are joined to its message. A line that can be placed nowhere costs only itself: it is
    returned in the second list (for the evidence). Raises only when no line at all was read.
    """
    out: list[LogEntry] = []
    unplaced: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _DMESG.match(line.strip())
        if m is None:
            if out and line[:1].isspace():
                out[-1] = _continued(out[-1], line)
            else:
                unplaced.append(line)
            continue
        _facility, level, stamp, frac, offset, message = m.groups()
        when = datetime.fromisoformat(f"{stamp}.{frac[:6]:0<6}{offset}")
        out.append(LogEntry(when, message, PRIORITIES.get(level or ""), "kernel"))
    if unplaced and not out:
        raise ValueError(f"no line is a dmesg -x iso line: {unplaced[0][:80]!r}")
    return out, unplaced


def _continued(entry: LogEntry, line: str) -> LogEntry:
    """An indented dmesg line continues the message before it (one message, not a stray line)."""
    return replace(entry, message=f"{entry.message} {line.strip()}")


_RAW = re.compile(r"^(?:<(\d+)>)?\[\s*(\d+)\.(\d+)\]\s?(.*)$")


def parse_dmesg_raw(text: str, boot: datetime, max_priority: int = 4) -> tuple[list[LogEntry], list[str]]:
    """BusyBox `dmesg -r` ("<3>[   12.345678] msg": priority and seconds since boot), for hosts whose
    dmesg has no -x or --time-format. Lines above `max_priority` (warn) are dropped, as
    `--level=emerg..warn` does; lines without a priority are kept with none."""
    out: list[LogEntry] = []
    unplaced: list[str] = []
    read = 0
    kept = False  # whether the last line read was kept: its continuation lines follow it
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _RAW.match(line.strip())
        if m is None:
            if read and line[:1].isspace():
                if kept:
                    out[-1] = _continued(out[-1], line)
            else:
                unplaced.append(line)
            continue
        read += 1
        prio, secs, frac, message = m.groups()
        priority = None if prio is None else int(prio) & 7
        kept = priority is None or priority <= max_priority
        if kept:
            when = boot + timedelta(seconds=int(secs), microseconds=int(frac[:6].ljust(6, "0")))
            out.append(LogEntry(when, message, priority, "kernel"))
    if unplaced and not read:
        raise ValueError(f"no line is a dmesg -r line: {unplaced[0][:80]!r}")
    return out, unplaced


_SYSLOG = re.compile(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) \S+ (?:\w+\.(\w+) )?kernel: "
                     r"(?:\[ *\d+\.\d+\] )?(.*)$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LEVELS = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")


def parse_syslog_kernel(text: str, now: datetime, max_priority: int = 4) -> tuple[list[LogEntry], list[str]]:
    """Kernel lines of a BusyBox syslogd file (Alpine's /var/log/messages): "Mon DD HH:MM:SS host
    [facility.level] kernel: msg". The first line is the host's `date +%z` (syslogd writes local
    time). No year is written: the host clock's year, one back for a date in the future."""
    lines = text.splitlines()
    offset = lines[0].strip() if lines else ""
    if not re.fullmatch(r"[+-]\d{4}", offset):
        raise ValueError(f"no UTC offset (date +%z) before the log lines: {offset[:40]!r}")
    tz = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:])) * (-1 if offset[0] == "-" else 1)
    local_now = now + tz
    out: list[LogEntry] = []
    unplaced: list[str] = []
    for line in lines[1:]:
        m = _SYSLOG.match(line)
        if m is None:
            if line.strip():
                unplaced.append(line)
            continue
        mon, day, hh, mm, ss, level, message = m.groups()
        if mon not in _MONTHS:
            unplaced.append(line)
            continue
        priority = _LEVELS.index(level) if level in _LEVELS else None
        if priority is not None and priority > max_priority:
            continue
        try:
            when = datetime(local_now.year, _MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss),
                            tzinfo=UTC)
            if when > local_now + timedelta(days=1):
                when = when.replace(year=when.year - 1)
        except ValueError:  # Feb 29 in another year, a torn line
            unplaced.append(line)
            continue
        out.append(LogEntry(when - tz, message, priority, "kernel"))
    if unplaced and len(unplaced) == sum(1 for line in lines[1:] if line.strip()):
        raise ValueError(f"no line is a syslog kernel line: {unplaced[0][:80]!r}")
    return out, unplaced
