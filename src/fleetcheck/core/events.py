"""Typed events the scan engine emits; every front end consumes these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult, ScanResult, iso


@dataclass(frozen=True)
class ScanStarted:
    started: datetime
    hosts: tuple[Host, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"event": "scan_started", "time": iso(self.started),
                "hosts": [{"name": h.name, "kind": h.kind, "address": h.address} for h in self.hosts]}


@dataclass(frozen=True)
class HostStarted:
    host: Host
    time: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"event": "host_started", "time": iso(self.time), "host": self.host.name}


@dataclass(frozen=True)
class CheckFinished:
    host: Host
    check: CheckResult
    time: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"event": "check_finished", "time": iso(self.time), "host": self.host.name,
                "check": self.check.to_dict()}


@dataclass(frozen=True)
class HostFinished:
    result: HostResult

    def to_dict(self) -> dict[str, Any]:
        return {"event": "host_finished", "time": iso(self.result.finished), "host": self.result.to_dict()}


@dataclass(frozen=True)
class ScanFinished:
    result: ScanResult

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {"event": "scan_finished", "time": iso(r.finished), "state": r.state.value,
                "cancelled": r.cancelled, "counts": r.counts()}


Event = ScanStarted | HostStarted | CheckFinished | HostFinished | ScanFinished
