"""The PostgreSQL store: one central database for many scanners (psycopg 3 and a connection pool).

Each scan is stored in one transaction (`deliver`): the scan row, its hosts,
evidence blobs and crash windows, and a `pg_notify('fleetcheck_scans', ...)`
that listeners receive when it commits. A scanner that dies mid-way leaves
nothing: the transaction is rolled back by the server. Every scan has a
UUID; storing the same UUID again is a no-op, so a spooled scan retried
after a lost answer is never stored twice. Rows are encoded exactly as in
SQLite (`store/sqlite/codec.py`), blobs and check ids per customer so
row-level security can keep customers apart (`schema.py`, docs/postgresql.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import uuid as uuidlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.results import HostResult, ScanResult, utcnow
from fleetcheck.core.states import Reachability, State, worst
from fleetcheck.core.text import clean
from fleetcheck.store import identity
from fleetcheck.store.changes import HostView, compute_changes
from fleetcheck.store.decode import decode_host_rows, live_blob_ids, summary_of, unpack_refs
from fleetcheck.store.model import Ack, Changes, HostKey, HostPoint, ScanInfo, ScanStatus, StoreError
from fleetcheck.store.postgres import schema
from fleetcheck.store.postgres.conninfo import CONNECT_TIMEOUT, check_url, location, redact
from fleetcheck.store.sqlite.codec import (
    REF,
    digest,
    dumps,
    encode_check,
    from_us,
    pack_blob,
    to_us,
    unpack_blob,
)
from fleetcheck.store.windows import window_reads

Conn = psycopg.Connection[tuple[Any, ...]]
CHANNEL = "fleetcheck_scans"  # pg_notify channel; payload documented in docs/postgresql.md
POOL_MAX = 4  # the dashboard's worker threads; a scanner uses one
HOST_COLUMNS = ("hr.id, hr.scan_id, h.name, h.address, hr.kind, hr.reachability, hr.started, hr.finished, "
                "hr.site, hr.tags, hr.facts, hr.checks, s.started")
SCAN_SQL = ("SELECT s.id, c.key, c.name, s.started, s.finished, s.status, s.state, s.hosts, "
            "s.inventories, s.version FROM scans s JOIN customers c "
            "ON c.id = s.customer_id")
# the pool retries in the background and logs each failure; the front end reports once, redacted
logging.getLogger("psycopg").addHandler(logging.NullHandler())
logging.getLogger("psycopg.pool").propagate = False


def _kwargs(url: str) -> dict[str, Any]:
    """Connection settings: a short connect timeout unless the URL or PGCONNECT_TIMEOUT sets one."""
    params = psycopg.conninfo.conninfo_to_dict(url)
    kw: dict[str, Any] = {"application_name": params.get("application_name") or "fleetcheck"}
    if "connect_timeout" not in params and not os.environ.get("PGCONNECT_TIMEOUT"):
        kw["connect_timeout"] = CONNECT_TIMEOUT
    return kw


def _connect_timeout(url: str) -> float:
    """Seconds libpq will try to connect: the URL's, else PGCONNECT_TIMEOUT, else ours."""
    value = (psycopg.conninfo.conninfo_to_dict(url).get("connect_timeout")
             or os.environ.get("PGCONNECT_TIMEOUT"))
    try:
        return max(2.0, float(value or CONNECT_TIMEOUT))
    except ValueError:
        return float(CONNECT_TIMEOUT)


def _configure(conn: Conn) -> None:
    """Every pooled connection finds fleetcheck's tables (and only pg_catalog's besides)."""
    conn.execute("SET search_path TO fleetcheck")
    conn.commit()


def connect_error(where: str, exc: BaseException) -> StoreError:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return StoreError(f"{where}: cannot connect: {redact(text)}")


class PostgresStore:
    """History in PostgreSQL (see the module docstring). Safe to share across threads."""

    def __init__(self, url: str) -> None:
        self.url = check_url(url)
        self.location = location(url)
        self.notices: list[str] = []
        self._names: dict[tuple[int, str], int] = {}
        self._name_of: dict[int, str] = {}
        self._state_of = dict(enumerate(s.value for s in State))
        kw = _kwargs(self.url)
        try:  # one direct connection first: libpq's own reason when it fails, and the schema check
            with psycopg.connect(self.url, **kw) as conn:
                found = schema.found_version(conn)
        except psycopg.Error as exc:
            raise connect_error(self.location, exc) from None
        if found != schema.VERSION:
            raise StoreError(schema_message(self.location, found))
        self._pool = ConnectionPool(self.url, kwargs=kw, min_size=1, max_size=POOL_MAX, open=False,
                                    configure=_configure, check=ConnectionPool.check_connection,
                                    timeout=_connect_timeout(self.url) + 1, name="fleetcheck")
        try:
            self._pool.open(wait=True, timeout=_connect_timeout(self.url) + 5)
        except PoolTimeout as exc:
            self._pool.close()
            raise connect_error(self.location, exc) from None

    @contextlib.contextmanager
    def _conn(self) -> Iterator[Conn]:
        """A pooled connection inside one transaction; connection trouble becomes a one-line StoreError."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StoreError(f"{self.location}: {redact(' '.join(str(exc).split()))}") from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError(f"{self.location}: not allowed: {redact(' '.join(str(exc).split()))}") from None
        except psycopg.Error as exc:  # the server went away mid-statement, or refused what we sent
            raise StoreError(f"{self.location}: {redact(' '.join(str(exc).split()))}") from None

    def close(self) -> None:
        self._pool.close()

    # --- saving ---------------------------------------------------------------------------

    def begin_scan(self, customer: str | None, inventories: Sequence[str], started: datetime,
                   version: str = "") -> _Writer:
        return _Writer(self, customer, inventories, started, version)

    def save_scan(self, scan: ScanResult) -> ScanInfo:
        status = ScanStatus.CANCELLED if scan.cancelled else ScanStatus.COMPLETE
        return self.deliver(scan, str(uuidlib.uuid4()), status)

    def deliver(self, scan: ScanResult, scan_uuid: str, status: ScanStatus) -> ScanInfo:
        """Store a whole scan in one transaction; a UUID stored before is not stored again."""
        ckey = identity.customer_key(scan.customer, scan.inventories)
        encoded = []
        for r in scan.hosts:
            base = to_us(r.started) or to_us(scan.started) or 0
            encoded.append((r, [encode_check(ch, base) for ch in r.checks],
                            {k: dumps(v) for k, v in r.facts.items()}))
        states = [r.state for r in scan.hosts]
        with self._conn() as conn:
            cid = self._customer_id(conn, ckey, scan.customer)
            row = conn.execute(
                "INSERT INTO scans (uuid, customer_id, started, finished, status, state, hosts, "
                "node, version, inventories) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (uuid) DO NOTHING RETURNING id",
                (scan_uuid, cid, to_us(scan.started), to_us(scan.finished), status.value,
                 worst(states).value if states else None, len(states), socket.gethostname(), scan.version,
                 json.dumps(list(scan.inventories)))).fetchone()
            if row is None:  # sent before (the answer was lost): nothing to add
                found = conn.execute("SELECT id FROM scans WHERE uuid = %s", (scan_uuid,)).fetchone()
                if found is None:
                    raise StoreError(f"{self.location}: scan {scan_uuid} is stored but not readable here")
                return self._scan_info(conn, int(found[0]))
            scan_id = int(row[0])
            raws: dict[bytes, tuple[bytes, str | None]] = {}
            for _, checks, _ in encoded:
                for ch in checks:
                    for d, content in ch.raws:
                        raws[d] = (content, None)
            raw_ids = self._resolve(conn, cid, raws)
            wanted: dict[bytes, tuple[bytes, str | None]] = {}
            for _, checks, facts in encoded:
                for ch in checks:
                    wanted[ch.digest] = (ch.content, " ".join(str(raw_ids[d]) for d, _ in ch.raws) or None)
                for content in facts.values():
                    wanted.setdefault(digest(content), (content, None))
            ids = self._resolve(conn, cid, wanted)
            names = self._name_ids(conn, cid, {ch.check_id for _, checks, _ in encoded for ch in checks})
            codes = {v: k for k, v in self._state_of.items()}
            host_ids = self._host_ids(conn, cid, [r for r, _, _ in encoded])
            rows, windows = [], []
            for r, checks, facts in encoded:
                hid = host_ids[(r.name, r.address)]
                packed = b"".join(REF.pack(names[ch.check_id], codes[ch.state], ids[ch.digest],
                                           ch.observed_ms) for ch in checks)
                fact_ids = {k: ids[digest(v)] for k, v in facts.items()}
                rows.append((scan_id, cid, hid, r.kind, r.reachability.value, r.state.value, r.unknown_count,
                             to_us(r.started), to_us(r.finished), r.site, json.dumps(list(r.tags)),
                             identity.ssh_fingerprint(r), json.dumps(fact_ids), packed))
                windows += [(hid, cid, fam, to_us(at)) for fam, at in window_reads(r).items()]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO host_results (scan_id, customer_id, host_id, kind, reachability, "
                    "state, unknown_count, started, finished, site, tags, host_key, facts, checks) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (scan_id, host_id) DO NOTHING", rows)
                cur.executemany(
                    "INSERT INTO windows (host_id, customer_id, family, read_at) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (host_id, family) DO UPDATE SET "
                    "read_at = greatest(windows.read_at, excluded.read_at)", windows)
            info = self._scan_info(conn, scan_id)
            payload = {"scan_id": scan_id, "uuid": scan_uuid, "customer_key": ckey, "customer": scan.customer,
                       "status": status.value, "state": info.state.value if info.state else None,
                       "hosts": info.hosts}
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, notify_payload(payload)))
            return info

    def _customer_id(self, conn: Conn, ckey: str, name: str | None) -> int:
        row = conn.execute("SELECT id FROM customers WHERE key = %s", (ckey,)).fetchone()
        if row is None:
            try:
                row = conn.execute("INSERT INTO customers (key, name) VALUES (%s, %s) "
                                   "ON CONFLICT (key) DO NOTHING RETURNING id", (ckey, name)).fetchone()
            except psycopg.errors.InsufficientPrivilege:  # row-level security: not this role's customer
                raise self._not_theirs(ckey) from None
        if row is None:  # created by a concurrent scanner between our two statements
            row = conn.execute("SELECT id FROM customers WHERE key = %s", (ckey,)).fetchone()
        if row is None:
            raise self._not_theirs(ckey)
        return int(row[0])

    def _not_theirs(self, ckey: str) -> StoreError:
        return StoreError(f"{self.location}: this role may not write customer "
                          f"{clean(ckey.split(':', 1)[-1])!r} (see 'fleetcheck db grant')")

    def _resolve(self, conn: Conn, cid: int,
                 wanted: dict[bytes, tuple[bytes, str | None]]) -> dict[bytes, int]:
        """Blob ids for {digest: (content, kids)}, inserting those this customer does not have yet."""
        if not wanted:
            return {}
        digests = list(wanted)
        select = "SELECT digest, id FROM blobs WHERE customer_id = %s AND digest = ANY(%s)"
        ids = {bytes(d): int(i) for d, i in conn.execute(select, (cid, digests))}
        missing = [d for d in digests if d not in ids]
        if missing:
            conn.execute("INSERT INTO blobs (customer_id, digest, data, kids) "
                         "SELECT %s, d, x, k FROM unnest(%s::bytea[], %s::bytea[], %s::text[]) AS t(d, x, k) "
                         "ON CONFLICT (customer_id, digest) DO NOTHING",
                         (cid, missing, [pack_blob(wanted[d][0]) for d in missing],
                          [wanted[d][1] for d in missing]))
            ids.update({bytes(d): int(i) for d, i in conn.execute(select, (cid, missing))})
        return ids

    def _name_ids(self, conn: Conn, cid: int, texts: set[str]) -> dict[str, int]:
        missing = [t for t in texts if (cid, t) not in self._names]
        if missing:
            conn.execute("INSERT INTO names (customer_id, text) SELECT %s, t FROM unnest(%s::text[]) "
                         "AS t ON CONFLICT (customer_id, text) DO NOTHING", (cid, missing))
            for i, text in conn.execute("SELECT id, text FROM names WHERE customer_id = %s "
                                        "AND text = ANY(%s)", (cid, missing)):
                self._names[(cid, text)], self._name_of[int(i)] = int(i), text
        return {t: self._names[(cid, t)] for t in texts}

    def _host_ids(self, conn: Conn, cid: int,
                  results: Sequence[HostResult]) -> dict[tuple[str, str], int]:
        keys = {(identity.host_key("", r.name, r.address).name, r.address): identity.ssh_fingerprint(r)
                for r in results}
        names, addresses = [k[0] for k in keys], [k[1] for k in keys]
        conn.execute("INSERT INTO hosts (customer_id, name, address, host_key) "
                     "SELECT %s, n, a, k FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(n, a, k) "
                     "ON CONFLICT (customer_id, name, address) DO NOTHING",
                     (cid, names, addresses, list(keys.values())))
        found = {(n, a): (int(i), k) for i, n, a, k in conn.execute(
            "SELECT h.id, h.name, h.address, h.host_key FROM hosts h "
            "JOIN unnest(%s::text[], %s::text[]) AS t(n, a) ON h.name = t.n AND h.address = t.a "
            "WHERE h.customer_id = %s", (names, addresses, cid))}
        changed = []
        for key, fp in keys.items():
            hid, known = found[key]
            if fp and fp != known:
                changed.append((fp, hid, bool(known)))
        if changed:  # another machine answers at this name and address: its crash windows start over
            with conn.cursor() as cur:
                cur.executemany("DELETE FROM windows WHERE host_id = %s",
                                [(hid,) for _, hid, had in changed if had])
                cur.executemany("UPDATE hosts SET host_key = %s WHERE id = %s",
                                [(fp, hid) for fp, hid, _ in changed])
        out = {(r.name, r.address): found[(identity.host_key("", r.name, r.address).name, r.address)][0]
               for r in results}
        return out

    # --- reading --------------------------------------------------------------------------

    def _fetch_by_id(self, conn: Conn,
                     ids: Iterable[int]) -> tuple[dict[int, bytes], set[int]]:
        wanted = sorted(set(ids))
        out: dict[int, bytes] = {}
        bad: set[int] = set()
        for i, data in conn.execute("SELECT id, data FROM blobs WHERE id = ANY(%s)", (wanted,)):
            try:
                out[int(i)] = unpack_blob(bytes(data))
            except ValueError:
                bad.add(int(i))
        bad.update(i for i in wanted if i not in out)
        return out, bad

    def _fetch_by_digest(self, conn: Conn,
                         digests: Iterable[bytes]) -> dict[bytes, bytes]:
        out: dict[bytes, bytes] = {}
        for d, data in conn.execute("SELECT digest, data FROM blobs WHERE digest = ANY(%s)",
                                    (sorted(set(digests)),)):
            with contextlib.suppress(ValueError):  # a damaged excerpt: the check that needs it is skipped
                out[bytes(d)] = unpack_blob(bytes(data))
        return out

    def _decode(self, conn: Conn, rows: list[tuple[Any, ...]]) -> list[HostResult]:
        """Damaged or refused rows are skipped with one notice (never deleted from a shared database)."""
        out, damaged, refused = decode_host_rows(rows, lambda ids: self._fetch_by_id(conn, ids),
                                                 lambda ds: self._fetch_by_digest(conn, ds))
        if damaged or refused:
            n = len(damaged) + refused
            self.notices.append(f"history: skipped {n} host record{'s' if n != 1 else ''} in {self.location} "
                                "that this version of fleetcheck could not read; kept, not deleted")
        return out

    def _host_rows(self, conn: Conn, where: str, params: Sequence[Any],
                   order: str = "hr.id", limit: int | None = None) -> list[tuple[Any, ...]]:
        sql = (f"SELECT {HOST_COLUMNS} FROM host_results hr JOIN hosts h "
               "ON h.id = hr.host_id JOIN scans s ON s.id = hr.scan_id JOIN customers c "
               f"ON c.id = h.customer_id WHERE {where} ORDER BY {order}"
               + ("" if limit is None else f" LIMIT {int(limit)}"))
        return conn.execute(sql, params).fetchall()

    def previous_host_result(self, key: HostKey) -> HostResult | None:
        with self._conn() as conn:
            rows = self._host_rows(conn, "c.key = %s AND h.name = %s AND h.address = %s "
                                   "AND hr.reachability = %s",
                                   (key.customer_key, key.name, key.address, Reachability.REACHABLE.value),
                                   "hr.finished DESC NULLS LAST", 1)
            found = self._decode(conn, rows)
        return found[0] if found else None

    def crash_windows(self, key: HostKey) -> CrashWindows:
        with self._conn() as conn:
            row = conn.execute("SELECT h.id, h.host_key FROM hosts h JOIN customers c "
                               "ON c.id = h.customer_id WHERE c.key = %s AND h.name = %s AND h.address = %s",
                               (key.customer_key, key.name, key.address)).fetchone()
            if row is None:
                return CrashWindows({})
            read = {fam: from_us(us) for fam, us in
                    conn.execute("SELECT family, read_at FROM windows WHERE host_id = %s", (row[0],))}
        return CrashWindows({k: v for k, v in read.items() if v is not None}, row[1])

    @staticmethod
    def _info(row: tuple[Any, ...]) -> ScanInfo:
        sid, ckey, name, started, finished, status, state, hosts, inventories, version = row
        return ScanInfo(int(sid), name, ckey, from_us(started) or utcnow(), from_us(finished),
                        ScanStatus(status), State(state) if state else None, hosts,
                        tuple(json.loads(inventories)), version)

    def _scan_info(self, conn: Conn, scan_id: int) -> ScanInfo:
        row = conn.execute(SCAN_SQL + " WHERE s.id = %s", (scan_id,)).fetchone()
        if row is None:
            raise StoreError(f"no scan {scan_id} in {self.location}")
        return self._info(row)

    def scan_info(self, scan_id: int) -> ScanInfo:
        with self._conn() as conn:
            return self._scan_info(conn, scan_id)

    def list_scans(self, customer_key: str | None = None, since: datetime | None = None,
                   limit: int | None = None) -> list[ScanInfo]:
        where: list[str] = ["true"]
        params: list[Any] = []
        if customer_key is not None:
            where.append("c.key = %s")
            params.append(customer_key)
        if since is not None:
            where.append("s.started >= %s")
            params.append(to_us(since))
        sql = SCAN_SQL + f" WHERE {' AND '.join(where)} ORDER BY s.started DESC, s.id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._conn() as conn:
            return [self._info(r) for r in conn.execute(sql, params)]

    def customers(self) -> list[tuple[str, str | None]]:
        with self._conn() as conn:
            return [(k, n) for k, n in conn.execute("SELECT key, name FROM customers ORDER BY key")]

    def load_scan(self, scan_id: int) -> ScanResult:
        with self._conn() as conn:
            info = self._scan_info(conn, scan_id)
            hosts = self._decode(conn, self._host_rows(conn, "hr.scan_id = %s", (scan_id,)))
        finished = info.finished or max((h.finished for h in hosts if h.finished), default=info.started)
        return ScanResult(info.started, finished, tuple(hosts), info.customer, info.inventories,
                          info.status is not ScanStatus.COMPLETE, info.version)

    def latest_scan(self, customer_key: str, *, include_cancelled: bool = False) -> ScanInfo | None:
        statuses = ["complete", "cancelled", "interrupted"] if include_cancelled else ["complete"]
        with self._conn() as conn:
            row = conn.execute(SCAN_SQL + " WHERE c.key = %s AND s.status = ANY(%s) "
                               "ORDER BY s.started DESC, s.id DESC LIMIT 1",
                               (customer_key, statuses)).fetchone()
        return None if row is None else self._info(row)

    @staticmethod
    def _host_filter(customer_key: str, host: str, address: str | None,
                     since: datetime | None) -> tuple[str, list[Any]]:
        where = "c.key = %s AND h.name = %s"
        params: list[Any] = [customer_key, identity.host_key("", host, "").name]
        if address is not None:
            where += " AND h.address = %s"
            params.append(address)
        if since is not None:
            where += " AND s.started >= %s"
            params.append(to_us(since))
        return where, params

    def host_results(self, customer_key: str, host: str, limit: int | None = None,
                     address: str | None = None) -> list[HostResult]:
        where, params = self._host_filter(customer_key, host, address, None)
        with self._conn() as conn:
            rows = self._host_rows(conn, where, params, "s.started DESC, hr.id DESC", limit)
            return self._decode(conn, rows)

    def _lookup_names(self, conn: Conn, ids: Iterable[int]) -> None:
        missing = sorted({i for i in ids if i not in self._name_of})
        if missing:
            for i, text in conn.execute("SELECT id, text FROM names WHERE id = ANY(%s)", (missing,)):
                self._name_of[int(i)] = text

    def host_history(self, customer_key: str, host: str, limit: int | None = None,
                     since: datetime | None = None, address: str | None = None) -> list[HostPoint]:
        where, params = self._host_filter(customer_key, host, address, since)
        sql = ("SELECT hr.scan_id, s.started, h.name, hr.started, hr.finished, hr.reachability, hr.state, "
               "hr.unknown_count, hr.checks FROM host_results hr JOIN hosts h "
               "ON h.id = hr.host_id JOIN scans s ON s.id = hr.scan_id JOIN customers c "
               f"ON c.id = h.customer_id WHERE {where} ORDER BY s.started DESC, hr.id DESC"
               + ("" if limit is None else f" LIMIT {int(limit)}"))
        ok = State.OK.value
        with self._conn() as conn:
            rows = conn.execute(sql, params).fetchall()
            refs = [unpack_refs(r[8]) or [] for r in rows]
            self._lookup_names(conn, (x[0] for rs in refs for x in rs))
            contents, _ = self._fetch_by_id(conn, (x[2] for rs in refs for x in rs
                                                   if self._state_of.get(x[1]) != ok))
        out = []
        for row, rs in zip(rows, refs, strict=True):
            problems = tuple((self._name_of.get(n, "?"), State(self._state_of[code]),
                              summary_of(contents, blob))
                             for n, code, blob, _ in rs
                             if self._state_of.get(code) != ok and blob in contents)
            out.append(HostPoint(int(row[0]), from_us(row[1]) or utcnow(), row[2], from_us(row[3]),
                                 from_us(row[4]), Reachability(row[5]), State(row[6]), row[7], problems))
        return out

    # --- changes --------------------------------------------------------------------------

    def _views(self, conn: Conn,
               scan_id: int) -> dict[int, tuple[str, Reachability, list[tuple[str, State, int]]]]:
        rows = conn.execute("SELECT hr.host_id, h.name, hr.reachability, hr.checks FROM host_results hr "
                            "JOIN hosts h ON h.id = hr.host_id WHERE hr.scan_id = %s",
                            (scan_id,)).fetchall()
        refs = {int(r[0]): unpack_refs(r[3]) or [] for r in rows}
        self._lookup_names(conn, (x[0] for rs in refs.values() for x in rs))
        return {int(r[0]): (r[1], Reachability(r[2]),
                            [(self._name_of[x[0]], State(self._state_of[x[1]]), x[2])
                             for x in refs[int(r[0])]])
                for r in rows}

    def changes(self, new_scan_id: int, old_scan_id: int | None = None) -> Changes:
        with self._conn() as conn:
            new = self._scan_info(conn, new_scan_id)
            if old_scan_id is None:
                started = to_us(new.started)
                row = conn.execute(
                    SCAN_SQL + " WHERE c.key = %s AND s.status IN ('complete', 'cancelled', 'interrupted') "
                    "AND (s.started < %s OR (s.started = %s AND s.id < %s)) "
                    "ORDER BY s.started DESC, s.id DESC LIMIT 1",
                    (new.customer_key, started, started, new.id)).fetchone()
                old = None if row is None else self._info(row)
            else:
                old = self._scan_info(conn, old_scan_id)
            new_v = self._views(conn, new.id)
            old_v = self._views(conn, old.id) if old is not None else {}
            need = set()
            for hid, (_, _, checks) in new_v.items():
                prev = {c: s for c, s, _ in old_v.get(hid, ("", Reachability.REACHABLE, []))[2]}
                for cid, state, blob in checks:
                    if state is not State.OK or prev.get(cid, State.OK) is not State.OK:
                        need.add(blob)
            for _, _, checks in old_v.values():
                need.update(b for _, s, b in checks if s is not State.OK)
            contents, _ = self._fetch_by_id(conn, need)

        def view(entry: tuple[str, Reachability, list[tuple[str, State, int]]]) -> HostView:
            name, reach, checks = entry
            return HostView(name, reach, {cid: (state, summary_of(contents, b) if b in need else "")
                                          for cid, state, b in checks})

        return compute_changes(old, new, {h: view(e) for h, e in old_v.items()},
                               {h: view(e) for h, e in new_v.items()})

    # --- acks -----------------------------------------------------------------------------

    def ack(self, customer_key: str, host: str, check_id: str, note: str, who: str | None = None,
            until: datetime | None = None) -> Ack:
        from fleetcheck.store.sqlite.backend import _user

        who = who or _user()
        now = utcnow()
        with self._conn() as conn:
            cid = self._customer_id(conn, customer_key, None)
            conn.execute("INSERT INTO acks (customer_id, host, check_id, note, who, created, until) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (customer_id, host, check_id) "
                         "DO UPDATE SET note = excluded.note, who = excluded.who, "
                         "created = excluded.created, until = excluded.until",
                         (cid, host, check_id, note, who, to_us(now), to_us(until)))
        return Ack(customer_key, host, check_id, note, who, from_us(to_us(now)) or now, until)

    def unack(self, customer_key: str, host: str, check_id: str) -> bool:
        with self._conn() as conn:
            cur = conn.execute("DELETE FROM acks WHERE host = %s AND check_id = %s AND customer_id = "
                               "(SELECT id FROM customers WHERE key = %s)", (host, check_id, customer_key))
            return cur.rowcount > 0

    def acks(self, customer_key: str | None = None, at: datetime | None = None,
             include_expired: bool = False) -> list[Ack]:
        sql = ("SELECT c.key, a.host, a.check_id, a.note, a.who, a.created, a.until FROM acks a "
               "JOIN customers c ON c.id = a.customer_id")
        params: list[Any] = []
        if customer_key is not None:
            sql += " WHERE c.key = %s"
            params.append(customer_key)
        moment = at or utcnow()
        with self._conn() as conn:
            out = [Ack(k, h, ch, n, w, from_us(cr) or moment, from_us(u))
                   for k, h, ch, n, w, cr, u in conn.execute(sql + " ORDER BY a.host, a.check_id",
                                                             params)]
        return out if include_expired else [a for a in out if a.active(moment)]

    # --- prune ----------------------------------------------------------------------------

    def prune(self, older_than: datetime) -> int:
        """Delete older scans, then every blob no remaining scan refers to (one transaction)."""
        with self._conn() as conn:
            n = conn.execute("DELETE FROM scans WHERE started < %s", (to_us(older_than),)).rowcount
            if n:
                live = live_blob_ids(
                    conn.execute("SELECT checks, facts FROM host_results").fetchall(),
                    conn.execute("SELECT id, kids FROM blobs WHERE kids IS NOT NULL").fetchall())
                dead = [int(i) for (i,) in conn.execute("SELECT id FROM blobs") if int(i) not in live]
                conn.execute("DELETE FROM blobs WHERE id = ANY(%s)", (dead,))
        return max(n, 0)


MAX_PAYLOAD = 7900  # NOTIFY payloads must stay under 8000 bytes


def notify_payload(payload: dict[str, Any]) -> str:
    """The NOTIFY payload; a customer key too long for it (many inventory paths) is cut, and says so."""
    text = json.dumps(payload, ensure_ascii=False)
    if len(text.encode()) <= MAX_PAYLOAD:
        return text
    short = {**payload, "customer_key": None, "customer_key_truncated": True}
    return json.dumps(short, ensure_ascii=False)


def schema_message(where: str, found: int) -> str:
    if found > schema.VERSION:
        return (f"{where}: written by a newer fleetcheck (schema {found}, this one knows {schema.VERSION}); "
                "upgrade fleetcheck")
    return (f"{where}: the database schema is version {found}, this fleetcheck needs {schema.VERSION}: run "
            f"'fleetcheck db upgrade --db {where}' as the database's owner")


class _Writer:
    """Collects a scan's hosts and stores the scan in one transaction at the end (nothing partial)."""

    def __init__(self, store: PostgresStore, customer: str | None, inventories: Sequence[str],
                 started: datetime, version: str) -> None:
        self.scan_id = 0  # known once stored
        self.uuid = str(uuidlib.uuid4())
        self._store = store
        self._customer, self._inventories = customer, tuple(inventories)
        self._started, self._version = started, version
        self._hosts: dict[tuple[str, str], HostResult] = {}

    def add_host(self, result: HostResult) -> None:
        self._hosts[(result.name, result.address)] = result

    @property
    def pending(self) -> int:
        return 0  # nothing waits for a flush: the whole scan is one transaction at `finish`

    def flush(self) -> None:
        pass

    def finish(self, scan: ScanResult) -> ScanInfo:
        for h in scan.hosts:
            self._hosts.setdefault((h.name, h.address), h)
        whole = ScanResult(scan.started, scan.finished, tuple(self._hosts.values()), scan.customer,
                           scan.inventories, scan.cancelled, scan.version)
        status = ScanStatus.CANCELLED if scan.cancelled else ScanStatus.COMPLETE
        info = self._store.deliver(whole, self.uuid, status)
        self.scan_id = info.id
        return info

    def abandon(self) -> None:
        scan = ScanResult(self._started, utcnow(), tuple(self._hosts.values()), self._customer,
                          self._inventories, True, self._version)
        self.scan_id = self._store.deliver(scan, self.uuid, ScanStatus.INTERRUPTED).id
