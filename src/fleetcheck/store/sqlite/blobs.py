"""Content-addressed blob storage inside one SQLite transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from fleetcheck.store.sqlite.codec import pack_blob, unpack_blob

CHUNK = 500  # ids or digests per IN (...) query, under SQLite's variable limit


def chunks(items: list[bytes] | list[int]) -> Iterable[list[bytes] | list[int]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def resolve(conn: sqlite3.Connection, wanted: dict[bytes, tuple[bytes, str | None]]) -> dict[bytes, int]:
    """Ids for {digest: (content, kids)}, inserting those not stored yet. Call inside a write transaction."""
    ids: dict[bytes, int] = {}
    digests = list(wanted)
    for part in chunks(digests):
        marks = ",".join("?" * len(part))
        for d, i in conn.execute(f"SELECT digest, id FROM blobs WHERE digest IN ({marks})", part):
            ids[bytes(d)] = i
    for d in digests:
        if d not in ids:
            content, kids = wanted[d]
            cur = conn.execute("INSERT INTO blobs (digest, data, kids) VALUES (?, ?, ?)",
                               (d, pack_blob(content), kids))
            assert cur.lastrowid is not None
            ids[d] = cur.lastrowid
    return ids


def fetch_by_id(conn: sqlite3.Connection, ids: Iterable[int]) -> tuple[dict[int, bytes], set[int]]:
    """Content per id; ids whose data is missing or damaged come back apart."""
    out: dict[int, bytes] = {}
    bad: set[int] = set()
    wanted = sorted(set(ids))
    for part in chunks(wanted):
        marks = ",".join("?" * len(part))
        for i, data in conn.execute(f"SELECT id, data FROM blobs WHERE id IN ({marks})", part):
            try:
                out[i] = unpack_blob(bytes(data))
            except ValueError:
                bad.add(i)
    bad.update(i for i in wanted if i not in out)
    return out, bad


def fetch_by_digest(conn: sqlite3.Connection, digests: Iterable[bytes]) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for part in chunks(sorted(set(digests))):
        marks = ",".join("?" * len(part))
        for d, data in conn.execute(f"SELECT digest, data FROM blobs WHERE digest IN ({marks})", part):
            try:
                out[bytes(d)] = unpack_blob(bytes(data))
            except ValueError:
                continue  # a damaged raw excerpt: the caller skips the check that needs it
    return out
