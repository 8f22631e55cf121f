"""Typed messages: the scan worker posts results to the app (Harlequin style), and the
screens post requests to the app instead of calling it.

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


class ScanSaved(Message):
    """The history save of a full scan ended (in a thread); `error` says why it failed."""

    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


# ----- requests from the screens to the app (they bubble up from the screen) ------------------
class MainReady(Message):
    """The main screen's table exists: the first scan may start."""


class RescanRequested(Message):
    def __init__(self, names: tuple[str, ...] | None) -> None:
        super().__init__()
        self.names = names  # None: every host


class DetailRequested(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.host_name = name


class CopyAddressRequested(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.host_name = name


class PauseToggled(Message):
    """Pause or resume automatic rescans."""


class IntervalStepped(Message):
    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step  # +1: rescan less often, -1: more often


class ExportRequested(Message):
    """Export a report of the last scan."""

