"""Which `--db` values are PostgreSQL, and keeping passwords out of them and out of every message.

A URL (`postgresql://` or `postgres://`) is handed to libpq as it is, so
libpq's usual ways apply: `PGPASSFILE` (~/.pgpass), `service=` with
`PGSERVICEFILE` (~/.pg_service.conf), the `PG*` environment, TLS options
such as `sslmode=verify-full&sslrootcert=...`. A password inside the URL is
refused: it would sit in shell history, `ps` output and systemd units. What
fleetcheck shows of a URL is `redact()`ed; libpq's own error texts never
contain the password, and are redacted all the same.
"""

from __future__ import annotations

import re

from fleetcheck.store.model import StoreError

SCHEMES = ("postgresql://", "postgres://")
ENV_DB = "FLEETCHECK_DB"
CONNECT_TIMEOUT = "5"  # seconds, unless the URL or PGCONNECT_TIMEOUT says otherwise
# user:password@ in a URL, and password=... as a URL parameter or conninfo keyword
_URL_PASSWORD = re.compile(r"(?P<pre>://[^/@:?#\s]*):[^@/?#\s]*@")
_KW_PASSWORD = re.compile(r"(?P<pre>(?:^|[?&\s])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^&\s]*)", re.IGNORECASE)


def is_postgres(db: str | None) -> bool:
    return db is not None and db.strip().lower().startswith(SCHEMES)


def redact(text: str) -> str:
    """`text` with any password in a URL or conninfo replaced by `***`."""
    text = _URL_PASSWORD.sub(r"\g<pre>:***@", text)
    return _KW_PASSWORD.sub(r"\g<pre>***", text)


def check_url(url: str) -> str:
    """The URL to hand to libpq; refuses one that carries a password (one line, redacted)."""
    import psycopg

    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"--db {redact(url)}: not a valid PostgreSQL URL ({redact(str(exc))})") from None
    if params.get("password"):
        raise StoreError(f"--db {redact(url)}: a password in the URL is refused (it would show in shell "
                         "history and process lists); put it in ~/.pgpass (PGPASSFILE) or a service file "
                         "(PGSERVICEFILE), see docs/postgresql.md")
    return url


def location(url: str) -> str:
    """What the user is shown for a PostgreSQL store: the URL without any password."""
    return redact(url)
