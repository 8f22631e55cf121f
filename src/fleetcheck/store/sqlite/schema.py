"""The SQLite schema, its migrations, and opening a database file safely.

`PRAGMA user_version` is the schema version; MIGRATIONS[n] takes a database
from version n to n+1, each in its own transaction. A database written by a
newer fleetcheck is refused (one line), never altered.

Size: a year of nightly scans of 1000 hosts is ~10 million check results.
Each host result keeps its checks as one packed column of fixed-size
references (check id, state, content blob, evidence time); the text of a
check (summary, reason, evidence sources) and every raw evidence excerpt
are content-addressed blobs, stored once however many nights repeat them.
"""

from __future__ import annotations

import sqlite3

SCHEMA_V1 = """
CREATE TABLE blobs (
    id INTEGER PRIMARY KEY,
    digest BLOB NOT NULL UNIQUE,      -- blake2b-128 of the uncompressed content
    data BLOB NOT NULL,               -- b'j' + content, or b'z' + zlib(content)
    kids TEXT                         -- ids of raw-evidence blobs a check blob refers to (for prune)
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,         -- store.identity.customer_key
    name TEXT
);
CREATE TABLE hosts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    host_key TEXT,                    -- last SSH host key fingerprint seen
    UNIQUE (customer_id, name, address)
);
CREATE TABLE names (                  -- interned check ids
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE states (                 -- interned check states (one byte in the packed checks)
    code INTEGER PRIMARY KEY CHECK (code BETWEEN 0 AND 255),
    value TEXT NOT NULL UNIQUE
);
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    started INTEGER NOT NULL,         -- µs since the epoch, UTC
    finished INTEGER,
    status TEXT NOT NULL,             -- running | complete | cancelled | interrupted
    state TEXT,
    hosts INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    proc_started REAL,                -- the saving process's start time (pid reuse)
    node TEXT,
    version TEXT NOT NULL DEFAULT '',
    inventories TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX scans_by_customer ON scans (customer_id, started);
CREATE INDEX scans_by_start ON scans (started);
CREATE INDEX scans_running ON scans (status) WHERE status = 'running';
CREATE TABLE host_results (
    id INTEGER PRIMARY KEY,
    scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    kind TEXT NOT NULL,
    reachability TEXT NOT NULL,
    state TEXT NOT NULL,
    unknown_count INTEGER NOT NULL,
    started INTEGER,
    finished INTEGER,
    site TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    host_key TEXT,
    facts TEXT NOT NULL DEFAULT '{}', -- {"fact": blob id}
    checks BLOB NOT NULL,             -- packed (name id, state id, blob id, evidence time) per check
    UNIQUE (scan_id, host_id)
);
CREATE INDEX host_results_by_host ON host_results (host_id, scan_id);
CREATE TABLE windows (                -- crash window per host and check family
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    family TEXT NOT NULL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (host_id, family)
) WITHOUT ROWID;
CREATE TABLE acks (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    host TEXT NOT NULL,
    check_id TEXT NOT NULL,
    note TEXT NOT NULL,
    who TEXT NOT NULL,
    created INTEGER NOT NULL,
    until INTEGER,
    UNIQUE (customer_id, host, check_id)
);
CREATE TABLE imports (                -- JSON history folders already taken over
    source TEXT PRIMARY KEY,
    scans INTEGER NOT NULL,
    at INTEGER NOT NULL
);
"""

# 2: a stable identity per scan (the PostgreSQL spool sends a scan once however often it retries);
# scans saved before have none
SCHEMA_V2 = """
ALTER TABLE scans ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX scans_by_uuid ON scans (uuid)
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2)  # index n: from version n to n+1
VERSION = len(MIGRATIONS)


class NewerSchema(Exception):
    pass


def connect(path: str, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys on."""
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and path != ":memory:":
        conn.close()
        raise sqlite3.DatabaseError(f"cannot use write-ahead logging (journal mode {mode})")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoint, never corrupt
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to VERSION; returns the version found."""
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > VERSION:
        raise NewerSchema(f"written by a newer fleetcheck (schema {found}, this one knows {VERSION})")
    for version in range(found, VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) == version:
                for statement in MIGRATIONS[version].split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found
