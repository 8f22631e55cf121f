"""Host results to rows and back: content-addressed blobs and packed check references.

A check's content (everything but its evidence times) is one JSON blob;
raw evidence longer than INLINE_RAW characters is a blob of its own that the
check refers to by digest, so the `df` output quoted by five filesystem
checks, or a journal excerpt unchanged since last night, is stored once.
Evidence times are kept beside the reference as milliseconds after the
host's start (they change every night; the content mostly does not).
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fleetcheck.core.results import CheckResult, Evidence

INLINE_RAW = 64  # raw evidence up to this many characters stays inside the check's blob
COMPRESS_OVER = 96  # bytes; smaller blobs are not worth a zlib header
REF = struct.Struct("<IBIi")  # check-id name id, state code, check blob id, evidence time (ms)
SPLIT = -(2**31)  # evidence times differ or are far away: they are inside the check blob
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(ts: datetime | None) -> int | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    delta = ts - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int | None) -> datetime | None:
    return None if us is None else EPOCH + timedelta(microseconds=us)


def dumps(value: Any) -> bytes:
    # surrogatepass: a lone surrogate from a host is kept as it came, never a crash here
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(content: bytes) -> Any:
    return json.loads(content.decode("utf-8", "surrogatepass"))


def digest(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


def pack_blob(content: bytes) -> bytes:
    if len(content) > COMPRESS_OVER:
        packed = zlib.compress(content, 6)
        if len(packed) + 1 < len(content):
            return b"z" + packed
    return b"j" + content


def unpack_blob(data: bytes) -> bytes:
    """Raises ValueError on damaged data."""
    tag, body = data[:1], data[1:]
    if tag == b"j":
        return bytes(body)
    if tag == b"z":
        try:
            return zlib.decompress(body)
        except zlib.error as exc:
            raise ValueError(f"damaged blob: {exc}") from None
    raise ValueError("damaged blob: unknown encoding")


@dataclass
class EncodedCheck:
    check_id: str
    state: str
    content: bytes
    digest: bytes
    raws: list[tuple[bytes, bytes]]  # (digest, content) of raw evidence blobs
    observed_ms: int


def encode_check(check: CheckResult, base_us: int) -> EncodedCheck:
    d = check.to_dict()
    # milliseconds are enough for "when was this read"; exact times only when the items differ
    deltas = {round(((to_us(e.observed) or 0) - base_us) / 1000) for e in check.evidence}
    only = next(iter(deltas)) if len(deltas) == 1 else None
    split = bool(deltas) and (only is None or not SPLIT < only < 2**31)
    raws: list[tuple[bytes, bytes]] = []
    evidence = []
    for ev, item in zip(check.evidence, d["evidence"], strict=True):
        item = dict(item)
        del item["observed"]
        if split:
            item["observed_us"] = to_us(ev.observed)
        if len(ev.raw) > INLINE_RAW:
            raw = ev.raw.encode("utf-8", "surrogatepass")
            h = digest(raw)
            raws.append((h, raw))
            item["raw"] = None
            item["raw_ref"] = h.hex()
        evidence.append(item)
    d["evidence"] = evidence
    content = dumps(d)
    return EncodedCheck(check.id, check.state.value, content, digest(content), raws,
                        SPLIT if split else (only or 0))


class Refused(Exception):
    """The stored content is intact, but this version's result model refuses it (a state or rule
    it does not know): the record is kept for a version that reads it, never deleted as damaged."""


def decode_check(content: bytes, observed_ms: int, base_us: int, raws: dict[str, str]) -> CheckResult:
    """Raises ValueError/KeyError/TypeError on damaged content, Refused on content this model refuses."""
    d = loads(content)
    evidence = []
    for item in d.get("evidence", []):
        ref = item.get("raw_ref")
        raw = raws[ref] if ref else item["raw"]
        observed = (from_us(item["observed_us"]) if observed_ms == SPLIT
                    else from_us(base_us + observed_ms * 1000))
        assert observed is not None
        evidence.append(Evidence(item["source"], raw, observed, item.get("kind", "command"),
                                 bool(item.get("truncated"))))
    if not isinstance(d.get("id"), str) or not isinstance(d.get("summary"), str):
        raise ValueError("damaged check: no id or summary")
    try:  # built with its evidence: N/A and skipped results are refused without any
        return CheckResult.from_dict(d, evidence=tuple(evidence))
    except ValueError as exc:
        raise Refused(str(exc)) from None


def raw_refs(content: bytes) -> list[str]:
    return [e["raw_ref"] for e in loads(content).get("evidence", []) if e.get("raw_ref")]
