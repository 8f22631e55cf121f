"""The contract between a transport (SSH) and a probe (what to run, how to read it).

A probe's command and script are constants of fleetcheck: nothing from the
inventory is ever interpolated into them. The transport runs `command` with
`stdin` fed to it, and hands back a `ProbeRun`; `parse` turns that into
check results (UNKNOWN with a reason wherever the data is missing).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fleetcheck.core.collectors.base import Collection
from fleetcheck.core.inventory.model import Host


@dataclass(frozen=True)
class ProbeRun:
    """What the transport got back from running a probe."""

    command: str  # the exact remote command line
    stdout: bytes
    stderr: bytes
    exit_status: int | None  # None: the channel closed without one
    truncated: bool  # output was cut at the transport's cap
    started: datetime
    finished: datetime


class Probe(Protocol):
    name: str

    def command(self) -> str:
        """The remote command line (a constant)."""
        ...

    def stdin(self) -> bytes | None:
        """The script fed on standard input, if any."""
        ...

    def parse(self, run: ProbeRun, host: Host, since: datetime) -> Collection:
        """Checks from the probe's output; `since` starts the crash-event window."""
        ...


# kind -> "module:attribute" of a Probe instance; imported only when needed.
_PROBES = {
    "linux": "fleetcheck.core.probes.posix:PROBE",
    "macos": "fleetcheck.core.probes.posix:PROBE",
    "printserver": "fleetcheck.core.probes.posix:PROBE",
    "windows": "fleetcheck.core.probes.windows:PROBE",
}


def probe_for_kind(kind: str) -> Probe | None:
    target = _PROBES.get(kind)
    if target is None:
        return None
    module, attr = target.split(":")
    probe: Probe = getattr(importlib.import_module(module), attr)
    return probe
