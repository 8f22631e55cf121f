"""The PostgreSQL schema (in schema `fleetcheck`), its migrations, and `fleetcheck db upgrade`.

Numbered like the SQLite ones and with the same intent: MIGRATIONS[n] takes
the database from version n to n+1 (1: the tables; 2: a stable UUID per scan,
so a spooled scan sent twice is stored once). The version lives in
`fleetcheck.schema_version`. Unlike SQLite, a PostgreSQL store never migrates
itself when opened: scanners log in with roles that may only insert their
customer's rows, so the owner runs `fleetcheck db upgrade` once per release,
and a store whose schema is older or newer than the code is refused with one line.

Row-level security: every row belongs to a customer (`customer_id`), and
`grants` says which roles may read (and write) which customer ('*': every
customer, read only). The table owner (who runs `db upgrade`) is not bound
by it. Times are microseconds since the epoch (UTC), as in SQLite, so both
backends store the same thing with the same codec.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleetcheck.core.states import State

if TYPE_CHECKING:
    import psycopg

SCHEMA = "fleetcheck"
LOCK_KEY = 0x666C6565  # pg_advisory_xact_lock: one upgrader at a time

# which rows a role may see / write: its own customers (via `grants`, itself filtered to its roles)
_READ = "customer_id IN (SELECT id FROM fleetcheck.customers)"
_WRITE = ("customer_id IN (SELECT c.id FROM fleetcheck.customers c JOIN fleetcheck.grants g "
          "ON g.customer_key = c.key AND g.write)")
CUSTOMER_TABLES = ("blobs", "names", "hosts", "scans", "host_results", "windows", "acks")


def _policies(table: str) -> str:
    return (f"ALTER TABLE fleetcheck.{table} ENABLE ROW LEVEL SECURITY;\n"
            f"CREATE POLICY readers ON fleetcheck.{table} FOR SELECT USING ({_READ});\n"
            f"CREATE POLICY writers ON fleetcheck.{table} USING ({_WRITE}) WITH CHECK ({_WRITE});\n")


_STATES = ", ".join(f"({i}, '{s.value}')" for i, s in enumerate(State))

SCHEMA_V1 = f"""
CREATE TABLE fleetcheck.grants (      -- which role may read (write) which customer; '*': all, read only
    role_name name NOT NULL,
    customer_key text NOT NULL,
    write boolean NOT NULL,
    PRIMARY KEY (role_name, customer_key)
);
CREATE TABLE fleetcheck.customers (
    id serial PRIMARY KEY,
    key text NOT NULL UNIQUE,         -- store.identity.customer_key
    name text
);
CREATE TABLE fleetcheck.blobs (       -- content-addressed, per customer (evidence never crosses customers)
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    digest bytea NOT NULL,            -- blake2b-128 of the uncompressed content
    data bytea NOT NULL,              -- b'j' + content, or b'z' + zlib(content)
    kids text,                        -- ids of raw-evidence blobs a check blob refers to (for prune)
    UNIQUE (customer_id, digest)
);
CREATE TABLE fleetcheck.names (       -- interned check ids (they name mount points, services: per customer)
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    text text NOT NULL,
    UNIQUE (customer_id, text)
);
CREATE TABLE fleetcheck.states (      -- check states, one byte in the packed checks
    code smallint PRIMARY KEY CHECK (code BETWEEN 0 AND 255),
    value text NOT NULL UNIQUE
);
INSERT INTO fleetcheck.states (code, value) VALUES {_STATES};
CREATE TABLE fleetcheck.hosts (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    name text NOT NULL,
    address text NOT NULL,
    host_key text,
    UNIQUE (customer_id, name, address)
);
CREATE TABLE fleetcheck.scans (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    started bigint NOT NULL,          -- µs since the epoch, UTC
    finished bigint,
    status text NOT NULL CHECK (status IN ('complete', 'cancelled', 'interrupted')),
    state text,
    hosts integer NOT NULL DEFAULT 0,
    node text,
    version text NOT NULL DEFAULT '',
    inventories text NOT NULL DEFAULT '[]'
);
CREATE INDEX scans_by_customer ON fleetcheck.scans (customer_id, started);
CREATE INDEX scans_by_start ON fleetcheck.scans (started);
CREATE TABLE fleetcheck.host_results (
    id bigserial PRIMARY KEY,
    scan_id bigint NOT NULL REFERENCES fleetcheck.scans(id) ON DELETE CASCADE,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    host_id integer NOT NULL REFERENCES fleetcheck.hosts(id),
    kind text NOT NULL,
    reachability text NOT NULL,
    state text NOT NULL,
    unknown_count integer NOT NULL,
    started bigint,
    finished bigint,
    site text,
    tags text NOT NULL DEFAULT '[]',
    host_key text,
    facts text NOT NULL DEFAULT '{{}}',
    checks bytea NOT NULL,
    UNIQUE (scan_id, host_id)
);
CREATE INDEX host_results_by_host ON fleetcheck.host_results (host_id, scan_id);
CREATE TABLE fleetcheck.windows (
    host_id integer NOT NULL REFERENCES fleetcheck.hosts(id),
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    family text NOT NULL,
    read_at bigint NOT NULL,
    PRIMARY KEY (host_id, family)
);
CREATE TABLE fleetcheck.acks (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES fleetcheck.customers(id),
    host text NOT NULL,
    check_id text NOT NULL,
    note text NOT NULL,
    who text NOT NULL,
    created bigint NOT NULL,
    until bigint,
    UNIQUE (customer_id, host, check_id)
);
ALTER TABLE fleetcheck.grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON fleetcheck.grants FOR SELECT USING (
    CASE WHEN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name)
         THEN pg_has_role(role_name, 'MEMBER') ELSE false END);
ALTER TABLE fleetcheck.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON fleetcheck.customers FOR SELECT USING (
    EXISTS (SELECT 1 FROM fleetcheck.grants g WHERE g.customer_key IN (key, '*')));
CREATE POLICY writers ON fleetcheck.customers FOR INSERT WITH CHECK (
    EXISTS (SELECT 1 FROM fleetcheck.grants g WHERE g.write AND g.customer_key = key));
""" + "".join(_policies(t) for t in CUSTOMER_TABLES)

# 2: a stable identity per scan (the spool sends a scan once however often it is retried)
SCHEMA_V2 = """
ALTER TABLE fleetcheck.scans ADD COLUMN uuid uuid;
UPDATE fleetcheck.scans SET uuid = gen_random_uuid() WHERE uuid IS NULL;
ALTER TABLE fleetcheck.scans ALTER COLUMN uuid SET NOT NULL;
CREATE UNIQUE INDEX scans_by_uuid ON fleetcheck.scans (uuid);
"""

MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2)
VERSION = len(MIGRATIONS)

BOOTSTRAP = ("CREATE SCHEMA IF NOT EXISTS fleetcheck",
             "CREATE TABLE IF NOT EXISTS fleetcheck.schema_version (version integer NOT NULL)")


def found_version(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    """The schema version in this database (0: none yet)."""
    row = conn.execute("SELECT to_regclass('fleetcheck.schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM fleetcheck.schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def upgrade(conninfo: str, connect_timeout: int = 10) -> tuple[int, int]:
    """Bring the schema to VERSION, one transaction per step; returns (found, now).

    Raises NewerSchema for a database written by a newer fleetcheck (left as it is).
    """
    import psycopg

    with psycopg.connect(conninfo, connect_timeout=connect_timeout, application_name="fleetcheck") as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            for statement in BOOTSTRAP:
                conn.execute(statement)
        found = found_version(conn)
        if found > VERSION:
            raise NewerSchema(found)
        for version in range(found, VERSION):
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                if found_version(conn) != version:  # another upgrader did this step while we waited
                    continue
                conn.execute(MIGRATIONS[version])
                conn.execute("DELETE FROM fleetcheck.schema_version")
                conn.execute("INSERT INTO fleetcheck.schema_version (version) VALUES (%s)", (version + 1,))
        return found, found_version(conn)


class NewerSchema(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(f"written by a newer fleetcheck (schema {found}, this one knows {VERSION})")
        self.found = found
