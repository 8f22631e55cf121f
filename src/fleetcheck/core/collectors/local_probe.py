"""`kind: local` on Linux and macOS: the POSIX probe run on this machine, no SSH.

The same script, parser and checks as a remote host, so this machine gets the
crash families too (unexpected reboots, kernel errors, OOM kills, crashes,
SMART, RAID, pending reboot, clock). psutil stays the source where it is the
better one (uptime, load, memory, filesystems with bounded statvfs,
temperatures, services): those families are taken from psutil, the rest from
the probe. Blocking: run off the event loop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fleetcheck.core.checks import msg, unknown
from fleetcheck.core.contracts import Collection, EventWindows, ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, utcnow

# families psutil answers for this machine; everything else comes from the probe
PSUTIL_FAMILIES = frozenset({"system.uptime", "cpu.load", "mem.used", "swap.used", "fs.used", "fs.inodes",
                             "fs.readonly", "temp", "services.failed"})
OUTPUT_CAP = 4 * 1024 * 1024
ARGV = ("env", "LC_ALL=C", "sh", "-s")


def applies() -> bool:
    return sys.platform.startswith("linux") or sys.platform == "darwin"


def run_probe(script: bytes, timeout: float) -> ProbeRun | CheckResult:
    """Run the POSIX probe here; a ProbeRun, or the UNKNOWN that says why it did not run."""
    started = utcnow()
    command = " ".join(ARGV)
    t0 = time.monotonic()
    try:
        # its own session: at the deadline the whole process group goes (subprocess.run would
        # kill only the shell and leave a hung child of it running on this machine)
        proc = subprocess.Popen(ARGV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as exc:
        why = msg("local.probe.nostart.reason", command=command, error=str(exc))
        return unknown("probe.output", msg("local.probe.nostart"), why, None,
                       Evidence.of(command, why.en, utcnow()))
    with proc:
        try:
            out, err = proc.communicate(script, timeout=max(1.0, timeout))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            partial, _ = proc.communicate()
            why = msg("local.probe.timeout.reason", seconds=time.monotonic() - t0)
            raw = (partial or b"")[-2000:].decode("utf-8", "replace")
            return unknown("probe.output", msg("local.probe.timeout"), why, msg("engine.timeout.fix"),
                           Evidence.of(f"{command} <posix.sh", raw or "(no output)", utcnow()))
    return ProbeRun(command, out[:OUTPUT_CAP], err[:65536], proc.returncode, len(out) > OUTPUT_CAP,
                    started, utcnow())


def family(check_id: str) -> str:
    return check_id.split(":", 1)[0]


def merge(psutil_checks: Sequence[CheckResult], facts: dict[str, Any],
          probe: Collection | CheckResult) -> list[CheckResult]:
    """psutil's families, then the probe's others; the probe's facts fill what psutil did not set."""
    checks = list(psutil_checks)
    if isinstance(probe, CheckResult):
        return [*checks, probe]
    checks += [c for c in probe.checks if family(c.id) not in PSUTIL_FAMILIES]
    for key, value in probe.facts.items():
        facts.setdefault(key, value)
    facts["sources"] = {"psutil": sorted(PSUTIL_FAMILIES), "posix probe (local)": "the other families"}
    return checks


def probe_here(host: Host, since: datetime | EventWindows, timeout: float) -> Collection | CheckResult:
    from fleetcheck.core.probes.posix.probe import PROBE, script_bytes

    run = run_probe(script_bytes(), timeout)
    if isinstance(run, CheckResult):
        return run
    # a Host of kind linux/macos for the parser: it reads the OS from uname, never from the kind
    as_posix = Host(host.name, "macos" if sys.platform == "darwin" else "linux", host.address,
                    thresholds=host.thresholds)
    return PROBE.parse(run, as_posix, since)
