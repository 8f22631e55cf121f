"""History of scans behind one narrow interface (`Store`); SQL lives only in the backends.

`open_store()` is the one way in: it finds the database (`--db PATH` or
`--db postgresql://...`, else `$FLEETCHECK_DB`, else
`$FLEETCHECK_HOME/history.sqlite3`, else the per-user state folder), opens
or repairs it (SQLite), and takes over an earlier version's JSON history
folder once. A PostgreSQL URL opens the central store (docs/postgresql.md).
Front ends print `store.notices` (one line each) and never touch SQL.
"""

from __future__ import annotations

import os
from pathlib import Path

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.store.identity import customer_key, host_key, no_customer_warning
from fleetcheck.store.model import (
    Ack,
    Changes,
    Finding,
    HostChange,
    HostKey,
    HostPoint,
    ScanInfo,
    ScanStatus,
    ScanWriter,
    Store,
    StoreError,
)

ENV_HOME = "FLEETCHECK_HOME"
ENV_DB = "FLEETCHECK_DB"  # a path or postgresql:// URL used when --db is not given
DB_NAME = "history.sqlite3"
LEGACY_DIR = "history"  # the JSON folder of earlier versions, beside the database


def state_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    from platformdirs import user_state_dir  # only needed when no override is given

    return Path(user_state_dir("fleetcheck"))


def default_db_path() -> Path:
    return state_dir() / DB_NAME


def chosen_db(db: str | Path | None) -> str | Path | None:
    """--db, else $FLEETCHECK_DB, else None (the default SQLite file)."""
    if db is not None:
        return db
    return os.environ.get(ENV_DB) or None


def is_central(db: str | Path | None) -> bool:
    """Whether `db` (after `chosen_db`) names a PostgreSQL server rather than a file."""
    from fleetcheck.store.postgres.conninfo import is_postgres

    return isinstance(db, str) and is_postgres(db)


def open_store(db: str | Path | None = None, *, import_legacy: bool = True, spool: bool = False) -> Store:
    """Open the history: PostgreSQL for a `postgresql://` URL, else an SQLite file (created,
    migrated, or replaced when damaged).

    Without `db`, $FLEETCHECK_DB, else the default file; there, an earlier version's JSON
    history folder is imported once and a notice says how many scans it took over.
    `spool`: for scanning; a PostgreSQL store is then seen through the local spool
    (store/spool.py), so an unreachable database never loses a scan.
    """
    db = chosen_db(db)
    if is_central(db) and spool:
        from fleetcheck.store.spool import SpoolingStore

        return SpoolingStore(str(db))
    if is_central(db):
        from fleetcheck.store.postgres.backend import PostgresStore

        return PostgresStore(str(db))
    from fleetcheck.store.sqlite.backend import SqliteStore

    path = Path(db).expanduser() if db is not None else default_db_path()
    store = SqliteStore(path)
    legacy = path.parent / LEGACY_DIR
    if import_legacy and legacy.is_dir():
        from fleetcheck.store.sqlite.legacy import import_folder

        result = import_folder(store, legacy)
        if result is not None:
            imported, skipped = result
            plural = "s" if imported != 1 else ""
            extra = f" ({skipped} unreadable file{'s' if skipped != 1 else ''} skipped)" if skipped else ""
            store.notices.append(f"history: imported {imported} scan{plural} from the JSON history folder "
                                 f"{legacy} into {path}{extra}; the folder is left as it was")
    return store


__all__ = [
    "Ack", "Changes", "CrashWindows", "Finding", "HostChange", "HostKey", "HostPoint", "ScanInfo",
    "ScanStatus", "ScanWriter", "Store", "StoreError", "chosen_db", "customer_key", "default_db_path",
    "host_key", "is_central", "no_customer_warning", "open_store", "state_dir",
]
