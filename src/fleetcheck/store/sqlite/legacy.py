"""Taking over the JSON history folder of earlier versions, once.

Earlier versions kept one JSON file per scan (`<time>_<customer slug>.json`)
plus small `latest-*.json` indexes. On first use of the database the folder
is read once; every readable scan is saved with its own customer name (not
the slug, which merged customers), and the folder is recorded as imported.
The folder itself is left in place, untouched.
"""

from __future__ import annotations

import json
from pathlib import Path

from fleetcheck.core.results import ScanResult
from fleetcheck.store.sqlite.backend import SqliteStore
from fleetcheck.store.sqlite.codec import to_us

MAX_FILE = 64 * 1024 * 1024  # a larger "scan" is not one of ours


def scan_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*_*.json") if p.name[:1].isdigit() and p.is_file())


def import_folder(store: SqliteStore, folder: Path) -> tuple[int, int] | None:
    """(scans imported, files skipped), or None when this folder was imported before or is empty."""
    source = str(folder.resolve())
    conn = store._conn
    if conn.execute("SELECT 1 FROM imports WHERE source = ?", (source,)).fetchone():
        return None
    files = scan_files(folder)
    if not files:
        return None
    imported = skipped = 0
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE:
                raise ValueError("too large")
            scan = ScanResult.from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, AssertionError, RecursionError):
            skipped += 1
            continue
        store.save_scan(scan)
        imported += 1
    from fleetcheck.core.results import utcnow

    with store._write() as c:
        c.execute("INSERT OR REPLACE INTO imports (source, scans, at) VALUES (?, ?, ?)",
                  (source, imported, to_us(utcnow())))
    return imported, skipped
