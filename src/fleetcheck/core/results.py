"""The result model every front end consumes: checks with evidence, hosts, scans.

A check result always names what was checked (id and summary), carries the
evidence it was judged on, and when it is UNKNOWN the reason and, where
known, what would fix it. Host reachability is kept apart from check states.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any

from fleetcheck.core.counts import count
from fleetcheck.core.frozen import freeze
from fleetcheck.core.ranges import Range
from fleetcheck.core.states import SET_ASIDE, Reachability, State, worst
from fleetcheck.core.text import clean, clean_lines, clean_value

EVIDENCE_RAW_CAP = 4096  # bytes of raw excerpt kept per evidence item
SCHEMA = "fleetcheck.scan/1"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime | None) -> str | None:
    return None if ts is None else ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cap_text(raw: str, limit: int = EVIDENCE_RAW_CAP) -> tuple[str, bool]:
    """Cut `raw` to at most `limit` UTF-8 bytes; say whether it was cut."""
    data = raw.encode("utf-8", "replace")
    if len(data) <= limit:
        return raw, False
    return data[:limit].decode("utf-8", "ignore"), True


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a finding was judged on: where it came from, the raw value, when."""

    source: str  # the command run, file read, OID or API call
    raw: str  # excerpt of what came back, capped
    observed: datetime
    kind: str = "command"  # command | file | oid | ipp | api | event | connection
    truncated: bool = False

    def __post_init__(self) -> None:
        _clean_evidence(self)

    @classmethod
    def of(cls, source: str, raw: str, observed: datetime | None = None, kind: str = "command") -> Evidence:
        text, cut = cap_text(raw)
        return cls(source, text, observed or utcnow(), kind, cut)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "raw": self.raw,
                "truncated": self.truncated, "observed": iso(self.observed)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        observed = parse_iso(d["observed"]) or utcnow()
        return cls(d["source"], d["raw"], observed, d.get("kind", "command"), bool(d.get("truncated")))


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and (math.isinf(v) or math.isnan(v))) else v


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float | None  # None: could not be determined (perfdata 'U')
    unit: str = ""
    warn: str | None = None  # range text as configured
    crit: str | None = None
    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        _clean_metric(self)

    @classmethod
    def of(cls, name: str, value: float | None, unit: str = "", warn: Range | None = None,
           crit: Range | None = None, min: float | None = None, max: float | None = None) -> Metric:
        return cls(name, value, unit, None if warn is None else warn.text,
                   None if crit is None else crit.text, min, max)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": _num(self.value), "unit": self.unit, "warn": self.warn,
                "crit": self.crit, "min": _num(self.min), "max": _num(self.max)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Metric:
        return cls(d["name"], d.get("value"), d.get("unit", ""), d.get("warn"), d.get("crit"),
                   d.get("min"), d.get("max"))


_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CheckResult:
    id: str  # family plus item, e.g. "fs.used:/var"
    state: State
    summary: str  # one line that names what was checked (English)
    details: str = ""
    metrics: tuple[Metric, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reason: str | None = None  # why it is UNKNOWN
    fix: str | None = None  # what would make it checkable
    # The texts above as message codes (core/i18n) with their shared parameters, so a
    # front end can render them in the reader's language; None where not coded.
    code: str | None = None
    reason_code: str | None = None
    fix_code: str | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: _NO_PARAMS)
    family: str = field(init=False)  # "fs.used" of "fs.used:/var", split once, here
    item: str | None = field(init=False)  # "/var", None for a family-wide check

    def __post_init__(self) -> None:
        _clean_result(self)  # host text made harmless first: a hostile value never changes the verdict
        family, sep, item = self.id.partition(":")
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "item", item if sep else None)
        if self.params:
            _set(self, "params", MappingProxyType(clean_value(dict(self.params))))
        if self.state is State.UNKNOWN and not self.reason:
            raise ValueError(f"UNKNOWN result {self.id} needs a reason")
        if self.state in SET_ASIDE and not (self.reason and self.evidence):
            raise ValueError(f"{self.state.label} result {self.id} needs a reason and evidence")

    @classmethod
    def unknown(cls, check_id: str, summary: str, reason: str, fix: str | None = None,
                evidence: Sequence[Evidence] = (), details: str = "") -> CheckResult:
        return cls(check_id, State.UNKNOWN, summary, details, (), tuple(evidence), reason, fix)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "family": self.family, "item": self.item, "state": self.state.value,
                "summary": self.summary, "details": self.details, "reason": self.reason, "fix": self.fix,
                "code": self.code, "reason_code": self.reason_code, "fix_code": self.fix_code,
                "params": dict(self.params),
                "metrics": [m.to_dict() for m in self.metrics],
                "evidence": [e.to_dict() for e in self.evidence]}

    @classmethod
    def from_dict(cls, d: dict[str, Any], evidence: tuple[Evidence, ...] | None = None) -> CheckResult:
        """`evidence`, when given, replaces the dict's (the history store keeps evidence apart)."""
        return cls(d["id"], State(d["state"]), d["summary"], d.get("details", ""),
                   tuple(Metric.from_dict(m) for m in d.get("metrics", [])),
                   evidence if evidence is not None
                   else tuple(Evidence.from_dict(e) for e in d.get("evidence", [])),
                   d.get("reason"), d.get("fix"), d.get("code"), d.get("reason_code"), d.get("fix_code"),
                   dict(d.get("params") or {}))


@dataclass(frozen=True)
class HostResult:
    name: str
    kind: str
    address: str
    reachability: Reachability
    checks: tuple[CheckResult, ...] = ()
    started: datetime | None = None
    finished: datetime | None = None
    site: str | None = None
    tags: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # os, boot time, ... (read-only once built)

    def __post_init__(self) -> None:
        _clean_host(self)

    # A result is not changed after it is built, so its roll-up is computed once:
    # the dashboard counts and sorts thousands of hosts per batch.
    @cached_property
    def state(self) -> State:
        """Roll-up: the worst check, never better than what reachability allows.

        A reachable host with no checks at all is UNKNOWN: no evidence, no OK.
        N/A and skipped checks are no evidence either way: a host with only
        those stays UNKNOWN.
        """
        check_states = [c.state for c in self.checks]
        if self.reachability is not Reachability.REACHABLE:
            check_states.append(self.reachability.host_state)
        return worst(check_states, default=State.UNKNOWN)

    @cached_property
    def check_counts(self) -> dict[State, int]:
        """How many checks have each state (every state present, 0 if none)."""
        out = {s: 0 for s in State}
        for c in self.checks:
            out[c.state] += 1
        return out

    @property
    def unknown_count(self) -> int:
        return self.check_counts[State.UNKNOWN]

    def worst_check(self) -> CheckResult | None:
        """The worst judged check; an N/A or skipped one only when nothing was judged."""
        best: CheckResult | None = None
        for check in self.checks:
            if best is None or check.state.rank > best.state.rank:
                best = check
        return best

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "address": self.address, "site": self.site,
                "tags": list(self.tags), "reachability": self.reachability.value,
                "state": self.state.value, "unknown_count": self.unknown_count,
                "started": iso(self.started), "finished": iso(self.finished), "facts": self.facts,
                "checks": [c.to_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HostResult:
        return cls(d["name"], d["kind"], d["address"], Reachability(d["reachability"]),
                   tuple(CheckResult.from_dict(c) for c in d.get("checks", [])),
                   parse_iso(d.get("started")), parse_iso(d.get("finished")), d.get("site"),
                   tuple(d.get("tags", [])), dict(d.get("facts", {})))


# --- the one boundary where host and inventory text enters the result model ---------------
# Every string is passed through core/text.py: control, bidi and lone-surrogate characters are
# shown escaped (`\x1b`), one-line fields stay one line and are capped; evidence keeps more.
# Cleaning is idempotent, so results read back from history come out unchanged.

def _set(obj: object, name: str, value: object) -> None:
    if getattr(obj, name) is not value:
        object.__setattr__(obj, name, value)


def _clean_evidence(ev: Evidence) -> None:
    _set(ev, "source", clean(ev.source, 1000))
    raw = clean_lines(ev.raw, None)
    if raw is not ev.raw:
        raw, cut = cap_text(raw)
        _set(ev, "raw", raw)
        if cut:
            _set(ev, "truncated", True)


def _finite_or_none(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _clean_metric(m: Metric) -> None:
    _set(m, "name", clean(m.name))
    _set(m, "unit", clean(m.unit, 20))
    for name in ("value", "min", "max"):
        _set(m, name, _finite_or_none(getattr(m, name)))
    for name in ("warn", "crit"):
        value = getattr(m, name)
        if value is not None:
            _set(m, name, clean(value, 100))


def _clean_result(c: CheckResult) -> None:
    _set(c, "id", clean(c.id))
    _set(c, "summary", clean(c.summary))
    _set(c, "details", clean_lines(c.details))
    for name in ("reason", "fix"):
        value = getattr(c, name)
        if value is not None:
            _set(c, name, clean(value))
    # parameters of message codes carry host text too (unit names, mount points): the German
    # rendering formats them into its own template
    if c.params and any(isinstance(v, str) and clean(v) is not v for v in c.params.values()):
        _set(c, "params", {k: clean(v) if isinstance(v, str) else v for k, v in c.params.items()})


def _clean_host(h: HostResult) -> None:
    for name in ("name", "kind", "address"):
        _set(h, name, clean(getattr(h, name)))
    if h.site is not None:
        _set(h, "site", clean(h.site))
    _set(h, "tags", tuple(clean(t) for t in h.tags))
    # cleaned, then read-only: no result is changed after it is built (core/frozen.py)
    _set(h, "facts", freeze(clean_value(h.facts) if h.facts else {}))


@dataclass(frozen=True)
class ScanResult:
    started: datetime
    finished: datetime
    hosts: tuple[HostResult, ...]
    customer: str | None = None
    inventories: tuple[str, ...] = ()
    cancelled: bool = False
    version: str = ""

    @property
    def state(self) -> State:
        return worst((h.state for h in self.hosts), default=State.UNKNOWN)

    def counts(self) -> dict[str, Any]:
        """JSON `counts` (core/counts.py): hosts and checks per state, coverage."""
        return count(self.hosts).to_json()

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "fleetcheck_version": self.version, "customer": self.customer,
                "inventories": list(self.inventories), "started": iso(self.started),
                "finished": iso(self.finished), "cancelled": self.cancelled, "state": self.state.value,
                "counts": self.counts(), "hosts": [h.to_dict() for h in self.hosts]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScanResult:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"unsupported schema {d.get('schema')!r}, expected {SCHEMA!r}")
        started = parse_iso(d["started"])
        finished = parse_iso(d["finished"])
        assert started is not None and finished is not None
        return cls(started, finished, tuple(HostResult.from_dict(h) for h in d["hosts"]),
                   d.get("customer"), tuple(d.get("inventories", [])), bool(d.get("cancelled")),
                   d.get("fleetcheck_version", ""))
