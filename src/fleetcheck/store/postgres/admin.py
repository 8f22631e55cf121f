"""Owner-side PostgreSQL tasks: upgrading the schema and granting roles (`fleetcheck db ...`).

A scanner role gets SELECT and INSERT where a scan needs them (and UPDATE
only for a host's key and crash windows, DELETE only for crash windows and
acknowledgements), plus a `grants` row that row-level security reads: it
sees and writes its own customer's rows and nothing else. A reader role
gets SELECT everywhere and a '*' grant: it sees every customer, writes none.
"""

from __future__ import annotations

from fleetcheck.store.model import StoreError
from fleetcheck.store.postgres import schema
from fleetcheck.store.postgres.conninfo import check_url, location, redact

READ_TABLES = ("schema_version", "grants", "customers", "blobs", "names", "states", "hosts", "scans",
               "host_results", "windows", "acks")
# what a scanner inserts (a scan, its hosts, evidence, check ids, crash windows; acks on site)
SCANNER_INSERT = ("customers", "blobs", "names", "hosts", "scans", "host_results", "windows", "acks")
SCANNER_UPDATE = ("hosts", "windows", "acks")  # a host's new SSH key, a moved crash window, a re-ack
SCANNER_DELETE = ("windows", "acks")  # windows of a replaced machine start over; unack


def _one_line(exc: BaseException) -> str:
    return redact(" ".join(str(exc).split()) or type(exc).__name__)


def upgrade_message(url: str) -> str:
    """Run the migrations; the line to print."""
    import psycopg

    where = location(check_url(url))
    try:
        found, now = schema.upgrade(url)
    except schema.NewerSchema as exc:
        raise StoreError(f"{where}: {exc}; upgrade fleetcheck") from None
    except psycopg.Error as exc:
        raise StoreError(f"{where}: schema upgrade failed, nothing changed by the failed step: "
                         f"{_one_line(exc)}") from None
    if found == now:
        return f"{where}: schema is at version {now}, nothing to do"
    return f"{where}: schema upgraded from version {found} to {now}"


def grant(url: str, role: str, customer_key: str | None) -> str:
    """Give `role` a scanner's rights for `customer_key` (None: a reader's for every customer)."""
    import psycopg
    from psycopg import sql

    where = location(check_url(url))
    r = sql.Identifier(role)

    def on(tables: tuple[str, ...]) -> sql.Composable:
        return sql.SQL(", ").join(sql.Identifier(schema.SCHEMA, t) for t in tables)

    statements: list[sql.Composed] = [
        sql.SQL("GRANT USAGE ON SCHEMA fleetcheck TO {}").format(r),
        sql.SQL("GRANT SELECT ON {} TO {}").format(on(READ_TABLES), r),
    ]
    if customer_key is not None:
        statements += [
            sql.SQL("GRANT INSERT ON {} TO {}").format(on(SCANNER_INSERT), r),
            sql.SQL("GRANT UPDATE ON {} TO {}").format(on(SCANNER_UPDATE), r),
            sql.SQL("GRANT DELETE ON {} TO {}").format(on(SCANNER_DELETE), r),
            sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA fleetcheck TO {}").format(r),
        ]
    try:
        with psycopg.connect(url, connect_timeout=10, application_name="fleetcheck") as conn:
            if schema.found_version(conn) != schema.VERSION:
                raise StoreError(f"{where}: run 'fleetcheck db upgrade' first")
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO fleetcheck.grants (role_name, customer_key, write) VALUES (%s, %s, %s) "
                         "ON CONFLICT (role_name, customer_key) DO UPDATE SET write = excluded.write",
                         (role, customer_key or "*", customer_key is not None))
    except psycopg.Error as exc:
        raise StoreError(f"{where}: grant failed: {_one_line(exc)}") from None
    if customer_key is None:
        return f"{where}: role {role} may read every customer's history (and write none)"
    return f"{where}: role {role} may read and write the history of {customer_key.split(':', 1)[-1]} only"
