"""Application crashes from systemd-coredump (coredumpctl(1), `--json=short`).

`coredumpctl list --json=short` gives µs times, pid, signal and executable;
older systemd lacks --json (the probe then asks for the text table, whose
layout changed in systemd 249: both layouts are read). Exit status 1 with
"No coredumps found." is an answer (none), not a failure. Each crash is an
event (fingerprint time|pid|exe); the count in the window is judged against
`apps.crashes`, and the summary names the executables that crashed most.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fleetcheck.core.checks import EvidenceArg
from fleetcheck.core.checks.crash_events import CrashEvent, from_epoch_us, in_window, judge_events
from fleetcheck.core.family import LINUX_KINDS, WINDOWS_KINDS, Category, Family, levels
from fleetcheck.core.results import CheckResult
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "apps.crashes"
NONE_FOUND = "No coredumps found"
_SIGNALS = {4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV", 3: "SIGQUIT",
            24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS"}
_TEXT = re.compile(r"^\w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \S+"
                   r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)")


@dataclass(frozen=True, slots=True)
class Coredump:
    time: datetime
    pid: int
    signal: str
    exe: str
    corefile: str = ""


def _signal(value: object) -> str:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return _SIGNALS.get(int(value), f"signal {value}")
    return str(value)


def parse_coredumps(text: str) -> list[Coredump]:
    """JSON (sniffed by '[') or the text table; "No coredumps found." is an empty list."""
    body = text.strip()
    if not body or NONE_FOUND in body:
        return []
    if body.startswith("["):
        rows = json.loads(body)
        if not isinstance(rows, list):
            raise ValueError("coredumpctl JSON is not a list")
        out = []
        for row in rows:
            if not isinstance(row, dict) or "time" not in row:
                raise ValueError(f"unexpected coredumpctl row: {row!r}"[:200])
            out.append(Coredump(from_epoch_us(row["time"]), int(row.get("pid", 0)), _signal(row.get("sig")),
                                str(row.get("exe", "?")), str(row.get("corefile", ""))))
        return out
    out = []
    for line in body.splitlines():
        if not line.strip() or line.startswith("TIME"):
            continue
        m = _TEXT.match(line)
        if m is None:
            raise ValueError(f"unrecognised coredumpctl line: {line[:100]!r}")
        when = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        out.append(Coredump(when, int(m.group(2)), _signal(m.group(5)), m.group(7), m.group(6)))
    return out


def parse_apport(files: Sequence[tuple[str, str]]) -> list[Coredump]:
    """Ubuntu apport reports from the probe's `@@file <mtime> /var/crash/<name>.crash` blocks.

    The executable is the report's ExecutablePath, else decoded from the file name
    (`_usr_bin_python3.11.1000.crash`: slashes as '_', then the uid).
    """
    out = []
    for arg, body in files:
        mtime, _, path = arg.partition(" ")
        if not mtime.isdigit():
            raise ValueError(f"crash report without a time: {arg[:100]!r}")
        exe = next((line.split(":", 1)[1].strip() for line in body.splitlines()
                    if line.startswith("ExecutablePath:")), "")
        if not exe:
            name = path.rsplit("/", 1)[-1].removesuffix(".crash")
            exe = name.rsplit(".", 1)[0].replace("_", "/") if "." in name else name.replace("_", "/")
        out.append(Coredump(datetime.fromtimestamp(int(mtime), UTC), 0, "crash report", exe, path))
    return out


def check_coredumps(dumps: Sequence[Coredump], since: datetime, until: datetime, thresholds: Thresholds,
                    evidence: EvidenceArg) -> list[CheckResult]:
    events = in_window((CrashEvent.of(d.time, _describe(d), f"exe:{d.exe}",
                                      key=f"{d.time.isoformat()}|{d.pid}|{d.exe}")
                        for d in dumps), since, until)
    per_exe = Counter(ev.category.removeprefix("exe:") for ev in events)
    extra = "crashes per executable: " + ", ".join(f"{exe} ×{n}" for exe, n in per_exe.most_common(10)) \
        if per_exe else ""
    return [judge_events(CHECK_ID, events, "apps.crashes", thresholds, "application crash", since, until,
                         evidence, extra_details=extra)]


def _describe(dump: Coredump) -> str:
    if dump.pid == 0:  # an apport report: no pid or signal in what the probe read
        return f"{dump.exe} crashed (apport report {dump.corefile})"
    return f"{dump.exe} (pid {dump.pid}) crashed with {dump.signal}"


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("apps.crashes", "Application crashes", "Programmabstürze",
           Category.CRASH, LINUX_KINDS | WINDOWS_KINDS,
           thresholds={"apps.crashes": levels("0", "5")}),
)
