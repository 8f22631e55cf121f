"""Where a report's data comes from: a scan file or the history, the inventory's `report:` section."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.history import History
from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.results import ScanResult


@dataclass
class Source:
    scan: ScanResult
    previous: ScanResult | None
    where: str  # what was read, for messages
    notices: list[str] = field(default_factory=list)


def read_scan_file(path: Path) -> ScanResult:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise FleetcheckError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise FleetcheckError(f"{path}: not a JSON scan file ({exc})") from None
    try:
        return ScanResult.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FleetcheckError(f"{path}: not a fleetcheck scan ({exc})") from None


def _previous_in_history(history: History, scan: ScanResult) -> ScanResult | None:
    for older in history.load_history(scan.customer, limit=50):
        if older.started < scan.started:
            return older
    return None


def from_scan_id(scan_id: str, history: History | None) -> Source:
    """`--scan ID`: a scan file (`-o`, `--format json`) or a history entry's name or time stamp."""
    path = Path(scan_id)
    if not path.is_file() and history is not None and history.directory.is_dir():
        found = sorted(p for p in history.directory.glob("*.json")
                       if p.name[:1].isdigit() and (p.stem == scan_id or p.name.startswith(scan_id)))
        if len(found) > 1:
            raise FleetcheckError(f"--scan {scan_id}: matches {len(found)} saved scans; "
                                  "give more of the name")
        if found:
            path = found[0]
    if not path.is_file():
        raise FleetcheckError(f"--scan {scan_id}: no such scan file or saved scan")
    scan = read_scan_file(path)
    previous = _previous_in_history(history, scan) if history is not None else None
    return Source(scan, previous, str(path))


def latest(customer: str | None, history: History) -> Source:
    """`--latest`: the newest saved scan of the customer and the one before it."""
    scans = history.load_history(customer, limit=2)
    if not scans:
        who = f"customer {customer!r}" if customer else "scans without a customer"
        raise FleetcheckError(f"no saved scan of {who} in {history.directory}")
    return Source(scans[0], scans[1] if len(scans) > 1 else None, str(history.directory))


def local_zone() -> tzinfo:
    """This machine's time zone by name (so summer and winter time come out right), else UTC."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        names.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    except OSError:
        pass
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return UTC


def zone(name: str | None) -> tzinfo:
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FleetcheckError(f"--timezone {name}: unknown time zone (e.g. Europe/Berlin, UTC)") from None


def inventory_for(paths: list[str], scan: ScanResult, ssh_config: str | None) -> tuple[Inventory | None, str]:
    """The inventory given, else the one the scan was made from if it is still there.

    Returns the inventory (None if there is none) and a notice when the scan's own
    inventory could not be read (the report then lacks the `report:` section)."""
    from fleetcheck.core.inventory import load_inventory

    if paths:
        return load_inventory(paths, ssh_config=ssh_config), ""
    known = [p for p in scan.inventories if Path(p).exists()]
    if not known:
        return None, ""
    try:
        return load_inventory(known, ssh_config=ssh_config), ""
    except FleetcheckError as exc:
        return None, f"inventory of the scan not read, report without its report: section ({exc})"
