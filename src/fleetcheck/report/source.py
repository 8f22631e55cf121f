"""Where a report's data comes from: a scan file or the history, the inventory's `report:` section."""

from __future__ import annotations

import json
import os
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.results import ScanResult
from fleetcheck.store import Changes, ScanInfo, ScanStatus, Store, StoreError, customer_key
from fleetcheck.store.changes import HostView, compute_changes


@dataclass
class Source:
    scan: ScanResult
    changes: Changes | None  # None: not compared (no history at hand)
    where: str  # what was read, for messages


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


def _info(scan: ScanResult, key: str, scan_id: int = 0) -> ScanInfo:
    return ScanInfo(scan_id, scan.customer, key, scan.started, scan.finished,
                    ScanStatus.CANCELLED if scan.cancelled else ScanStatus.COMPLETE,
                    scan.state if scan.hosts else None, len(scan.hosts), scan.inventories, scan.version)


def _views(scan: ScanResult) -> dict[Hashable, HostView]:
    return {(h.name, h.address): HostView(h.name, h.reachability,
                                          {c.id: (c.state, c.summary) for c in h.checks})
            for h in scan.hosts}


def changes_between(old: ScanResult | None, new: ScanResult) -> Changes:
    """The store's change rules applied to a scan that is not (yet) in the store."""
    key = customer_key(new.customer, new.inventories)
    return compute_changes(_info(old, key, -1) if old is not None else None, _info(new, key),
                           _views(old) if old is not None else {}, _views(new))


def previous_in_store(store: Store, scan: ScanResult) -> ScanResult | None:
    """The customer's newest saved scan that started before `scan`."""
    for info in store.list_scans(customer_key(scan.customer, scan.inventories), limit=20):
        if info.started < scan.started and info.hosts:
            return store.load_scan(info.id)
    return None


def changes_since_saved(store: Store, scan: ScanResult) -> Changes:
    """What changed since the customer's newest saved scan before `scan` (saved or not itself)."""
    return changes_between(previous_in_store(store, scan), scan)


def from_scan_id(scan_id: str, store: Store) -> Source:
    """`--scan ID`: a saved scan's number (`fleetcheck history`), or a scan file (`--format json -o`)."""
    if scan_id.isdigit() and not Path(scan_id).exists():
        try:
            return Source(store.load_scan(int(scan_id)), store.changes(int(scan_id)), f"scan {scan_id}")
        except StoreError as exc:
            raise FleetcheckError(f"--scan {scan_id}: {exc}") from None
    path = Path(scan_id)
    if not path.is_file():
        raise FleetcheckError(f"--scan {scan_id}: no such scan file or saved scan number")
    scan = read_scan_file(path)
    return Source(scan, changes_between(previous_in_store(store, scan), scan), str(path))


def latest(key: str, who: str, store: Store) -> Source:
    """`--latest`: the newest complete saved scan of the customer, and what changed since the one before."""
    info = store.latest_scan(key)
    if info is None:
        raise FleetcheckError(f"no saved scan of {who} in {store.location}")
    return Source(store.load_scan(info.id), store.changes(info.id), f"scan {info.id}")


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
