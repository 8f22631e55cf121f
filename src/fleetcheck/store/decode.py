"""Stored host rows back to `HostResult`s: shared by every backend (they store the same thing).

A row is (id, scan id, name, address, kind, reachability, started µs,
finished µs, site, tags JSON, facts JSON, packed checks, scan started µs).
The backend supplies the two blob look-ups; damaged rows and rows this
version's model refuses come back apart, so the backend decides what to do.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from fleetcheck.core.results import HostResult
from fleetcheck.core.states import Reachability
from fleetcheck.store.sqlite.codec import REF, Refused, decode_check, from_us, loads

FetchById = Callable[[Iterable[int]], tuple[dict[int, bytes], set[int]]]
FetchByDigest = Callable[[Iterable[bytes]], dict[bytes, bytes]]


def unpack_refs(packed: bytes) -> list[tuple[int, int, int, int]] | None:
    """(name id, state code, blob id, evidence ms) per check; None when the column is damaged."""
    data = bytes(packed)
    return list(REF.iter_unpack(data)) if len(data) % REF.size == 0 else None


def decode_host_rows(rows: list[tuple[Any, ...]], by_id: FetchById,
                     by_digest: FetchByDigest) -> tuple[list[HostResult], list[Any], int]:
    """(results, ids of damaged rows, number of rows refused by this version's model)."""
    refs = {row[0]: unpack_refs(row[11]) for row in rows}
    facts: dict[Any, dict[str, int] | None] = {}
    for row in rows:
        try:
            facts[row[0]] = {str(k): int(v) for k, v in json.loads(row[10]).items()}
        except (ValueError, TypeError, AttributeError):
            facts[row[0]] = None
    wanted = [r[2] for rs in refs.values() if rs for r in rs]
    wanted += [i for f in facts.values() if f for i in f.values()]
    contents, bad = by_id(wanted)
    raw_digests: set[bytes] = set()
    parsed: dict[int, Any] = {}
    for i, content in contents.items():
        try:
            parsed[i] = loads(content)
        except ValueError:
            bad.add(i)
            continue
        if isinstance(parsed[i], dict) and isinstance(parsed[i].get("evidence"), list):
            for e in parsed[i]["evidence"]:
                if isinstance(e, dict) and e.get("raw_ref"):
                    raw_digests.add(bytes.fromhex(e["raw_ref"]))
    raws = {d.hex(): c.decode("utf-8", "surrogatepass") for d, c in by_digest(raw_digests).items()}
    out: list[HostResult] = []
    damaged: list[Any] = []
    refused = 0
    for row in rows:
        try:
            rs, fs = refs[row[0]], facts[row[0]]
            if rs is None or fs is None:
                raise ValueError("packed checks or facts unreadable")
            base = row[6] if row[6] is not None else row[12]
            checks = tuple(decode_check(contents[b], ms, base, raws) for _, _, b, ms in rs)
            out.append(HostResult(row[2], row[4], row[3], Reachability(row[5]), checks, from_us(row[6]),
                                  from_us(row[7]), row[8], tuple(json.loads(row[9])),
                                  {k: parsed[v] for k, v in fs.items()}))
        except Refused:
            refused += 1
        except (KeyError, ValueError, TypeError, AttributeError, AssertionError):
            damaged.append(row[0])
    return out, damaged, refused


def summary_of(contents: dict[int, bytes], blob: int) -> str:
    """A check's summary from its content blob ('' when missing or unreadable)."""
    try:
        return str(loads(contents[blob]).get("summary", "")) if blob in contents else ""
    except (ValueError, AttributeError):
        return ""


def live_blob_ids(host_rows: Iterable[tuple[bytes, str]], kids: Iterable[tuple[int, str]]) -> set[int]:
    """Blob ids still used, from every (packed checks, facts JSON) and every (blob id, kids) row."""
    live: set[int] = set()
    for checks, facts in host_rows:
        live.update(r[2] for r in unpack_refs(checks) or [])
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            live.update(int(v) for v in json.loads(facts).values())
    for i, kid_ids in kids:
        if i in live:
            live.update(int(k) for k in kid_ids.split())
    return live
