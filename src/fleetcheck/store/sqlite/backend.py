"""The SQLite store: one database file, WAL, many readers and one writer at a time.

Every write is one short `BEGIN IMMEDIATE` transaction (encoding happens
before it), so two processes saving at once simply take turns, and a
process killed mid-way leaves the last committed state: its scan row says
`running` until the next open finds its process gone and marks it
`interrupted`. A scan is saved host by host (`begin_scan`), about once a
second, so a killed scan keeps every host saved before the kill.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.results import HostResult, ScanResult, utcnow
from fleetcheck.core.states import Reachability, State, worst
from fleetcheck.store import identity
from fleetcheck.store.changes import HostView, compute_changes
from fleetcheck.store.decode import decode_host_rows, live_blob_ids
from fleetcheck.store.model import (
    Ack,
    Changes,
    HostKey,
    HostPoint,
    ScanInfo,
    ScanStatus,
    StoreError,
)
from fleetcheck.store.sqlite import blobs, schema
from fleetcheck.store.sqlite.codec import (
    REF,
    digest,
    dumps,
    encode_check,
    from_us,
    loads,
    to_us,
)
from fleetcheck.store.windows import window_reads

F = TypeVar("F", bound=Callable[..., Any])


def _locked(fn: F) -> F:
    """One connection, shared by the dashboard's threads: one operation at a time."""
    def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return fn(self, *args, **kwargs)
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper  # type: ignore[return-value]


FLUSH_INTERVAL = 1.0  # seconds between commits while a scan saves host by host
HOST_COLUMNS = ("hr.id, hr.scan_id, h.name, h.address, hr.kind, hr.reachability, hr.started, hr.finished, "
                "hr.site, hr.tags, hr.facts, hr.checks, s.started")


class SqliteStore:
    def __init__(self, path: str | Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.notices: list[str] = []
        self._timeout = timeout
        self.schema_found = schema.VERSION  # the version the file had when opened (before migrating)
        self._lock = threading.RLock()
        self._conn = self._open()
        self._names: dict[str, int] = {}
        self._name_of: dict[int, str] = {}
        self._states: dict[str, int] = {}
        self._state_of: dict[int, str] = {}
        self._mark_interrupted()

    # --- opening, damage, recovery ------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():  # evidence is as private as the hosts it came from
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        for attempt in range(2):
            conn: sqlite3.Connection | None = None
            try:
                conn = schema.connect(str(self.path), self._timeout)
                self.schema_found = schema.migrate(conn)
                conn.execute("SELECT count(*) FROM scans").fetchone()
                return conn
            except schema.NewerSchema as exc:
                raise StoreError(f"{self.path}: {exc}") from None
            except sqlite3.OperationalError as exc:  # locked, no permission, disk full: not damage
                if conn is not None:
                    conn.close()
                raise StoreError(f"{self.path}: {exc}") from None
            except sqlite3.DatabaseError as exc:  # not a database, malformed
                if conn is not None:
                    conn.close()
                if attempt:
                    raise StoreError(f"{self.path}: {exc}") from None
                self._set_aside(str(exc))
        raise AssertionError("unreachable")

    def _set_aside(self, why: str) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(kept) + suffix))
        os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self.notices.append(f"history database {self.path} is damaged ({why}); kept aside as {kept.name}, "
                            "starting a new one")

    def _write(self) -> _Txn:
        return _Txn(self._conn)

    def _mark_interrupted(self) -> None:
        """Scans left 'running' by a process that is gone (SIGKILL, power loss) become 'interrupted'."""
        rows = self._conn.execute("SELECT id, pid, proc_started, node FROM scans "
                                  "WHERE status = 'running'").fetchall()
        node = socket.gethostname()
        dead = [r[0] for r in rows if r[3] == node and not _alive(r[1], r[2])]
        if dead:
            with self._write() as c:
                c.executemany("UPDATE scans SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                              [(i,) for i in dead])

    @_locked
    def close(self) -> None:
        self._conn.close()

    # --- interning ------------------------------------------------------------------------

    def _name_id(self, c: sqlite3.Connection, text: str) -> int:
        found = self._names.get(text)
        if found is None:
            c.execute("INSERT OR IGNORE INTO names (text) VALUES (?)", (text,))
            found = c.execute("SELECT id FROM names WHERE text = ?", (text,)).fetchone()[0]
            self._names[text] = found
            self._name_of[found] = text
        return found

    def _state_code(self, c: sqlite3.Connection, value: str) -> int:
        found = self._states.get(value)
        if found is None:
            row = c.execute("SELECT code FROM states WHERE value = ?", (value,)).fetchone()
            if row is None:
                code = c.execute("SELECT coalesce(max(code) + 1, 0) FROM states").fetchone()[0]
                c.execute("INSERT INTO states (code, value) VALUES (?, ?)", (code, value))
                row = (code,)
            found = row[0]
            self._states[value] = found
            self._state_of[found] = value
        return found

    def _lookup_names(self, ids: Iterable[int], states: Iterable[int]) -> None:
        if any(i not in self._name_of for i in ids):
            for i, text in self._conn.execute("SELECT id, text FROM names"):
                self._name_of[i], self._names[text] = text, i
        if any(s not in self._state_of for s in states):
            for code, value in self._conn.execute("SELECT code, value FROM states"):
                self._state_of[code], self._states[value] = value, code

    # --- saving ---------------------------------------------------------------------------

    def _customer_id(self, c: sqlite3.Connection, ckey: str, name: str | None) -> int:
        c.execute("INSERT OR IGNORE INTO customers (key, name) VALUES (?, ?)", (ckey, name))
        return int(c.execute("SELECT id FROM customers WHERE key = ?", (ckey,)).fetchone()[0])

    @_locked
    def begin_scan(self, customer: str | None, inventories: Sequence[str], started: datetime,
                   version: str = "") -> _Writer:
        ckey = identity.customer_key(customer, inventories)
        pid = os.getpid()
        with self._write() as c:
            cid = self._customer_id(c, ckey, customer)
            cur = c.execute("INSERT INTO scans (customer_id, started, status, pid, proc_started, node, "
                            "version, inventories, uuid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                            (cid, to_us(started), pid, _proc_started(pid), socket.gethostname(), version,
                             json.dumps(list(inventories)), str(uuidlib.uuid4())))
            assert cur.lastrowid is not None
            return _Writer(self, cur.lastrowid, cid, ckey)

    @_locked
    def save_scan(self, scan: ScanResult) -> ScanInfo:
        writer = self.begin_scan(scan.customer, scan.inventories, scan.started, scan.version)
        return writer.finish(scan)

    @_locked
    def _store_hosts(self, scan_id: int, cid: int, ckey: str, results: Sequence[HostResult],
                     final: tuple[ScanStatus, datetime, str] | None, scan_started_us: int) -> None:
        encoded = []
        raws: dict[bytes, tuple[bytes, str | None]] = {}
        for r in results:
            base = to_us(r.started) or scan_started_us
            checks = [encode_check(ch, base) for ch in r.checks]
            for ch in checks:
                for d, content in ch.raws:
                    raws[d] = (content, None)
            facts = {k: dumps(v) for k, v in r.facts.items()}
            encoded.append((r, base, checks, facts))
        with self._write() as c:
            raw_ids = blobs.resolve(c, raws)
            wanted: dict[bytes, tuple[bytes, str | None]] = {}
            for _, _, checks, facts in encoded:
                for ch in checks:
                    kids = " ".join(str(raw_ids[d]) for d, _ in ch.raws) or None
                    wanted[ch.digest] = (ch.content, kids)
                for content in facts.values():
                    wanted.setdefault(digest(content), (content, None))
            ids = blobs.resolve(c, wanted)
            for r, _base, checks, facts in encoded:
                hid = self._host_id(c, cid, r)
                packed = b"".join(REF.pack(self._name_id(c, ch.check_id), self._state_code(c, ch.state),
                                           ids[ch.digest], ch.observed_ms) for ch in checks)
                fact_ids = {k: ids[digest(v)] for k, v in facts.items()}
                c.execute("DELETE FROM host_results WHERE scan_id = ? AND host_id = ?", (scan_id, hid))
                c.execute("INSERT INTO host_results (scan_id, host_id, kind, reachability, state, "
                          "unknown_count, started, finished, site, tags, host_key, facts, checks) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (scan_id, hid, r.kind, r.reachability.value, r.state.value, r.unknown_count,
                           to_us(r.started), to_us(r.finished), r.site, json.dumps(list(r.tags)),
                           identity.ssh_fingerprint(r), json.dumps(fact_ids), packed))
                c.executemany("INSERT INTO windows (host_id, family, read_at) VALUES (?, ?, ?) "
                              "ON CONFLICT (host_id, family) DO UPDATE SET "
                              "read_at = max(read_at, excluded.read_at)",
                              [(hid, fam, to_us(at)) for fam, at in window_reads(r).items()])
            states = [State(s) for (s,) in c.execute("SELECT state FROM host_results WHERE scan_id = ?",
                                                     (scan_id,))]
            count, rollup = len(states), worst(states).value if states else None
            if final is None:
                c.execute("UPDATE scans SET hosts = ?, state = ? WHERE id = ?", (count, rollup, scan_id))
            else:
                status, finished, version = final
                c.execute("UPDATE scans SET hosts = ?, state = ?, status = ?, finished = ?, version = ? "
                          "WHERE id = ?", (count, rollup, status.value, to_us(finished), version, scan_id))

    def _host_id(self, c: sqlite3.Connection, cid: int, r: HostResult) -> int:
        key = identity.host_key("", r.name, r.address)
        row = c.execute("SELECT id, host_key FROM hosts WHERE customer_id = ? AND name = ? AND address = ?",
                        (cid, key.name, key.address)).fetchone()
        fingerprint = identity.ssh_fingerprint(r)
        if row is None:
            cur = c.execute("INSERT INTO hosts (customer_id, name, address, host_key) VALUES (?, ?, ?, ?)",
                            (cid, key.name, key.address, fingerprint))
            assert cur.lastrowid is not None
            return cur.lastrowid
        hid, known = int(row[0]), row[1]
        if fingerprint and fingerprint != known:
            if known:  # another machine answers at this name and address: its crash windows start over
                c.execute("DELETE FROM windows WHERE host_id = ?", (hid,))
            c.execute("UPDATE hosts SET host_key = ? WHERE id = ?", (fingerprint, hid))
        return hid

    # --- reading --------------------------------------------------------------------------

    def _decode(self, rows: list[tuple[Any, ...]]) -> list[HostResult]:
        """Host results from HOST_COLUMNS rows; damaged rows are skipped, reported once and removed."""
        out, damaged, refused = decode_host_rows(rows, lambda ids: blobs.fetch_by_id(self._conn, ids),
                                                 lambda ds: blobs.fetch_by_digest(self._conn, ds))
        if refused:
            self.notices.append(f"history: {refused} host record{'s' if refused != 1 else ''} in {self.path} "
                                "could not be read by this version of fleetcheck; kept, not deleted")
        if damaged:
            self._repair(damaged)
        return out

    def _repair(self, host_result_ids: list[int]) -> None:
        n = len(host_result_ids)
        self.notices.append(f"history: skipped {n} damaged host record{'s' if n != 1 else ''} in "
                            f"{self.path} and removed {'them' if n != 1 else 'it'}")
        try:
            with self._write() as c:
                c.executemany("DELETE FROM host_results WHERE id = ?", [(i,) for i in host_result_ids])
        except sqlite3.Error:
            pass  # read-only or locked: skipping is enough for this run

    def _host_rows(self, where: str, params: Sequence[Any], order: str = "hr.id",
                   limit: int | None = None) -> list[tuple[Any, ...]]:
        sql = (f"SELECT {HOST_COLUMNS} FROM host_results hr JOIN hosts h ON h.id = hr.host_id "
               f"JOIN scans s ON s.id = hr.scan_id JOIN customers c ON c.id = h.customer_id "
               f"WHERE {where} ORDER BY {order}" + ("" if limit is None else f" LIMIT {int(limit)}"))
        return self._conn.execute(sql, params).fetchall()

    @_locked
    def previous_host_result(self, key: HostKey) -> HostResult | None:
        rows = self._host_rows("c.key = ? AND h.name = ? AND h.address = ? AND hr.reachability = ?",
                               (key.customer_key, key.name, key.address, Reachability.REACHABLE.value),
                               "hr.finished DESC", 1)
        found = self._decode(rows)
        return found[0] if found else None

    @_locked
    def crash_windows(self, key: HostKey) -> CrashWindows:
        row = self._conn.execute("SELECT h.id, h.host_key FROM hosts h JOIN customers c "
                                 "ON c.id = h.customer_id WHERE c.key = ? AND h.name = ? AND h.address = ?",
                                 (key.customer_key, key.name, key.address)).fetchone()
        if row is None:
            return CrashWindows({})
        read = {fam: from_us(us) for fam, us in
                self._conn.execute("SELECT family, read_at FROM windows WHERE host_id = ?", (row[0],))}
        return CrashWindows({k: v for k, v in read.items() if v is not None}, row[1])

    def _info(self, row: tuple[Any, ...]) -> ScanInfo:
        sid, ckey, name, started, finished, status, state, hosts, inventories, version = row
        return ScanInfo(sid, name, ckey, from_us(started) or utcnow(), from_us(finished), ScanStatus(status),
                        State(state) if state else None, hosts, tuple(json.loads(inventories)), version)

    _SCAN_SQL = ("SELECT s.id, c.key, c.name, s.started, s.finished, s.status, s.state, s.hosts, "
                 "s.inventories, s.version FROM scans s JOIN customers c ON c.id = s.customer_id")

    @_locked
    def scan_info(self, scan_id: int) -> ScanInfo:
        row = self._conn.execute(self._SCAN_SQL + " WHERE s.id = ?", (scan_id,)).fetchone()
        if row is None:
            raise StoreError(f"no scan {scan_id} in {self.path}")
        return self._info(row)

    @_locked
    def list_scans(self, customer_key: str | None = None, since: datetime | None = None,
                   limit: int | None = None) -> list[ScanInfo]:
        where: list[str] = ["1"]
        params: list[Any] = []
        if customer_key is not None:
            where.append("c.key = ?")
            params.append(customer_key)
        if since is not None:
            where.append("s.started >= ?")
            params.append(to_us(since))
        sql = self._SCAN_SQL + f" WHERE {' AND '.join(where)} ORDER BY s.started DESC, s.id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._info(r) for r in self._conn.execute(sql, params)]

    @_locked
    def scan_uuid(self, scan_id: int) -> str | None:
        """The scan's stable identity (None for scans saved before schema version 2)."""
        row = self._conn.execute("SELECT uuid FROM scans WHERE id = ?", (scan_id,)).fetchone()
        return None if row is None else row[0]

    @_locked
    def customers(self) -> list[tuple[str, str | None]]:
        return [(k, n) for k, n in self._conn.execute("SELECT key, name FROM customers ORDER BY key")]

    @_locked
    def load_scan(self, scan_id: int) -> ScanResult:
        info = self.scan_info(scan_id)
        hosts = self._decode(self._host_rows("hr.scan_id = ?", (scan_id,)))
        finished = info.finished or max((h.finished for h in hosts if h.finished), default=info.started)
        return ScanResult(info.started, finished, tuple(hosts), info.customer, info.inventories,
                          info.status is not ScanStatus.COMPLETE, info.version)

    @_locked
    def latest_scan(self, customer_key: str, *, include_cancelled: bool = False) -> ScanInfo | None:
        statuses = ("'complete', 'cancelled', 'interrupted'" if include_cancelled else "'complete'")
        row = self._conn.execute(self._SCAN_SQL + f" WHERE c.key = ? AND s.status IN ({statuses}) "
                                 "ORDER BY s.started DESC, s.id DESC LIMIT 1", (customer_key,)).fetchone()
        return None if row is None else self._info(row)

    def _host_filter(self, customer_key: str, host: str, address: str | None,
                     since: datetime | None) -> tuple[str, list[Any]]:
        where = "c.key = ? AND h.name = ?"
        params: list[Any] = [customer_key, identity.host_key("", host, "").name]
        if address is not None:
            where += " AND h.address = ?"
            params.append(address)
        if since is not None:
            where += " AND s.started >= ?"
            params.append(to_us(since))
        return where, params

    @_locked
    def host_results(self, customer_key: str, host: str, limit: int | None = None,
                     address: str | None = None) -> list[HostResult]:
        where, params = self._host_filter(customer_key, host, address, None)
        return self._decode(self._host_rows(where, params, "s.started DESC, hr.id DESC", limit))

    @_locked
    def host_history(self, customer_key: str, host: str, limit: int | None = None,
                     since: datetime | None = None, address: str | None = None) -> list[HostPoint]:
        where, params = self._host_filter(customer_key, host, address, since)
        sql = ("SELECT hr.scan_id, s.started, h.name, hr.started, hr.finished, hr.reachability, hr.state, "
               "hr.unknown_count, hr.checks FROM host_results hr JOIN hosts h ON h.id = hr.host_id "
               "JOIN scans s ON s.id = hr.scan_id JOIN customers c ON c.id = h.customer_id "
               f"WHERE {where} ORDER BY s.started DESC, hr.id DESC"
               + ("" if limit is None else f" LIMIT {int(limit)}"))
        rows = self._conn.execute(sql, params).fetchall()
        refs = [list(REF.iter_unpack(r[8])) if len(r[8]) % REF.size == 0 else [] for r in rows]
        self._lookup_names((x[0] for rs in refs for x in rs), (x[1] for rs in refs for x in rs))
        ok = self._states.get(State.OK.value)
        contents, _ = blobs.fetch_by_id(self._conn, (x[2] for rs in refs for x in rs if x[1] != ok))
        out = []
        for row, rs in zip(rows, refs, strict=True):
            problems = []
            for name_id, code, blob, _ in rs:
                if code == ok or blob not in contents:
                    continue
                try:
                    summary = str(loads(contents[blob]).get("summary", ""))
                except (ValueError, AttributeError):
                    continue
                problems.append((self._name_of.get(name_id, "?"), State(self._state_of[code]), summary))
            out.append(HostPoint(row[0], from_us(row[1]) or utcnow(), row[2], from_us(row[3]),
                                 from_us(row[4]), Reachability(row[5]), State(row[6]), row[7],
                                 tuple(problems)))
        return out

    # --- changes --------------------------------------------------------------------------

    def _views(self, scan_id: int) -> dict[int, tuple[str, Reachability, list[tuple[str, State, int]]]]:
        rows = self._conn.execute("SELECT hr.host_id, h.name, hr.reachability, hr.checks "
                                  "FROM host_results hr JOIN hosts h ON h.id = hr.host_id "
                                  "WHERE hr.scan_id = ?", (scan_id,)).fetchall()
        refs = {r[0]: list(REF.iter_unpack(r[3])) if len(r[3]) % REF.size == 0 else [] for r in rows}
        self._lookup_names((x[0] for rs in refs.values() for x in rs),
                           (x[1] for rs in refs.values() for x in rs))
        return {r[0]: (r[1], Reachability(r[2]),
                       [(self._name_of[x[0]], State(self._state_of[x[1]]), x[2]) for x in refs[r[0]]])
                for r in rows}

    @_locked
    def changes(self, new_scan_id: int, old_scan_id: int | None = None) -> Changes:
        new = self.scan_info(new_scan_id)
        if old_scan_id is None:
            row = self._conn.execute(
                self._SCAN_SQL + " WHERE c.key = ? AND s.status IN ('complete', 'cancelled', 'interrupted') "
                "AND (s.started < ? OR (s.started = ? AND s.id < ?)) "
                "ORDER BY s.started DESC, s.id DESC LIMIT 1",
                (new.customer_key, to_us(new.started), to_us(new.started), new.id)).fetchone()
            old = None if row is None else self._info(row)
        else:
            old = self.scan_info(old_scan_id)
        new_v = self._views(new.id)
        old_v = self._views(old.id) if old is not None else {}
        # summaries only where a state is not OK in one of the two scans
        need = set()
        for hid, (_, _, checks) in new_v.items():
            prev = {c: s for c, s, _ in old_v.get(hid, ("", Reachability.REACHABLE, []))[2]}
            for cid, state, blob in checks:
                if state is not State.OK or prev.get(cid, State.OK) is not State.OK:
                    need.add(blob)
        for _, _, checks in old_v.values():
            need.update(b for _, s, b in checks if s is not State.OK)
        contents, _ = blobs.fetch_by_id(self._conn, need)

        def summary(blob: int) -> str:
            try:
                return str(loads(contents[blob]).get("summary", "")) if blob in contents else ""
            except (ValueError, AttributeError):
                return ""

        def view(entry: tuple[str, Reachability, list[tuple[str, State, int]]]) -> HostView:
            name, reach, checks = entry
            return HostView(name, reach, {cid: (state, summary(b) if b in need else "")
                                          for cid, state, b in checks})

        return compute_changes(old, new, {h: view(e) for h, e in old_v.items()},
                               {h: view(e) for h, e in new_v.items()})

    # --- acks -----------------------------------------------------------------------------

    @_locked
    def ack(self, customer_key: str, host: str, check_id: str, note: str, who: str | None = None,
            until: datetime | None = None) -> Ack:
        who = who or _user()
        now = utcnow()
        with self._write() as c:
            cid = self._customer_id(c, customer_key, None)
            c.execute("INSERT INTO acks (customer_id, host, check_id, note, who, created, until) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id, host, check_id) DO UPDATE SET "
                      "note = excluded.note, who = excluded.who, created = excluded.created, "
                      "until = excluded.until", (cid, host, check_id, note, who, to_us(now), to_us(until)))
        return Ack(customer_key, host, check_id, note, who, from_us(to_us(now)) or now, until)

    @_locked
    def unack(self, customer_key: str, host: str, check_id: str) -> bool:
        with self._write() as c:
            cur = c.execute("DELETE FROM acks WHERE host = ? AND check_id = ? AND customer_id = "
                            "(SELECT id FROM customers WHERE key = ?)", (host, check_id, customer_key))
            return cur.rowcount > 0

    @_locked
    def acks(self, customer_key: str | None = None, at: datetime | None = None,
             include_expired: bool = False) -> list[Ack]:
        sql = ("SELECT c.key, a.host, a.check_id, a.note, a.who, a.created, a.until FROM acks a "
               "JOIN customers c ON c.id = a.customer_id")
        params: list[Any] = []
        if customer_key is not None:
            sql += " WHERE c.key = ?"
            params.append(customer_key)
        moment = at or utcnow()
        out = [Ack(k, h, ch, n, w, from_us(cr) or moment, from_us(u))
               for k, h, ch, n, w, cr, u in self._conn.execute(sql + " ORDER BY a.host, a.check_id", params)]
        return out if include_expired else [a for a in out if a.active(moment)]

    # --- prune ----------------------------------------------------------------------------

    @_locked
    def prune(self, older_than: datetime) -> int:
        """Delete older scans, then every blob no remaining scan refers to."""
        return self._delete_scans("started < ? AND status != 'running'", (to_us(older_than),))

    @_locked
    def forget(self, scan_ids: Sequence[int]) -> int:
        """Delete these scans and the blobs only they used (the spool, once a scan is delivered)."""
        marks = ",".join("?" * len(scan_ids))
        return self._delete_scans(f"id IN ({marks})", tuple(scan_ids)) if scan_ids else 0

    def _delete_scans(self, where: str, params: tuple[Any, ...]) -> int:
        with self._write() as c:
            n = c.execute(f"DELETE FROM scans WHERE {where}", params).rowcount
            if n:
                live = live_blob_ids(
                    c.execute("SELECT checks, facts FROM host_results").fetchall(),
                    c.execute("SELECT id, kids FROM blobs WHERE kids IS NOT NULL").fetchall())
                dead = [i for (i,) in c.execute("SELECT id FROM blobs") if i not in live]
                c.executemany("DELETE FROM blobs WHERE id = ?", [(i,) for i in dead])
        if n:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n


class _Txn:
    """`with store._write() as c:` — one IMMEDIATE transaction (waits for the write lock up front)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


class _Writer:
    """Saves one scan host by host (see the module docstring)."""

    def __init__(self, store: SqliteStore, scan_id: int, customer_id: int, ckey: str) -> None:
        self.scan_id = scan_id
        self._store = store
        self._cid = customer_id
        self._ckey = ckey
        self._pending: list[HostResult] = []
        self._saved: set[tuple[str, str]] = set()
        self._last = time.monotonic()
        row = store._conn.execute("SELECT started FROM scans WHERE id = ?", (scan_id,)).fetchone()
        self._started_us = int(row[0])

    def add_host(self, result: HostResult) -> None:
        self._pending.append(result)
        if time.monotonic() - self._last >= FLUSH_INTERVAL:
            self._flush(None)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        if self._pending:
            self._flush(None)

    def _flush(self, final: tuple[ScanStatus, datetime, str] | None) -> None:
        batch, self._pending = self._pending, []
        self._store._store_hosts(self.scan_id, self._cid, self._ckey, batch, final, self._started_us)
        self._saved.update((h.name, h.address) for h in batch)
        self._last = time.monotonic()

    def saved_hosts(self) -> set[tuple[str, str]]:
        """(name, address) of every host added so far, stored or pending."""
        return self._saved | {(h.name, h.address) for h in self._pending}

    def finish(self, scan: ScanResult) -> ScanInfo:
        done = self.saved_hosts()
        self._pending += [h for h in scan.hosts if (h.name, h.address) not in done]
        status = ScanStatus.CANCELLED if scan.cancelled else ScanStatus.COMPLETE
        self._flush((status, scan.finished, scan.version))
        return self._store.scan_info(self.scan_id)

    def abandon(self) -> None:
        self._flush((ScanStatus.INTERRUPTED, utcnow(), ""))


def _proc_started(pid: int) -> float | None:
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # no psutil data for this process: pid alone decides
        return None


def _alive(pid: int | None, started: float | None) -> bool:
    if pid is None:
        return False
    try:
        import psutil

        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(proc.create_time() - started) < 1.0
    except Exception:  # gone, or not ours to see
        return False


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): say so rather than invent one
        return "unknown user"

