"""Typed messages the scan worker posts to the app (Harlequin style).

Engine events are coalesced (see scanning.py) so the table repaints a few
times a second at most, however many hosts report.
"""

from __future__ import annotations

from textual.message import Message

from fleetcheck.core.results import HostResult, ScanResult


class ScanBegan(Message):
    def __init__(self, scan_id: int, hosts: tuple[str, ...], full: bool) -> None:
        super().__init__()
        self.scan_id, self.hosts, self.full = scan_id, hosts, full


class HostsUpdated(Message):
    """Hosts that started scanning and results that arrived since the last batch."""

    def __init__(self, scan_id: int, started: tuple[str, ...], finished: tuple[HostResult, ...]) -> None:
        super().__init__()
        self.scan_id, self.started, self.finished = scan_id, started, finished


class ScanEnded(Message):
    def __init__(self, scan_id: int, full: bool, result: ScanResult | None, error: str | None = None) -> None:
        super().__init__()
        self.scan_id, self.full, self.result, self.error = scan_id, full, result, error
