"""Check families: pure functions from parsed data to check results.

Each module holds frozen dataclasses for its parsed input (the interface
shared by the local psutil collector and the SSH probes) and `check_*`
functions: parsed data + Thresholds + evidence -> list[CheckResult].
Collectors only fetch and parse; the judging happens here, once.

Evidence is passed in by the caller (it knows what it ran and when); the
helpers below refuse to build a non-UNKNOWN result without any.

Summary, reason and fix are given as `msg(code, **params)` (core/i18n): the
English text is rendered into the result for JSON readers, and the code with
its parameters goes along so a front end can render the finding in German.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.i18n.render import human_duration as render_duration
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels

EvidenceArg = Evidence | Sequence[Evidence]


def evidence_tuple(evidence: EvidenceArg) -> tuple[Evidence, ...]:
    """One evidence item or several, as the tuple a CheckResult stores."""
    if isinstance(evidence, Evidence):
        return (evidence,)
    return tuple(evidence)


Text = Message  # every text of a result is a message code with its parameters, never a bare string


def _texts(check_id: str, summary: Text, reason: Text | None,
           fix: Text | None) -> tuple[str, str | None, str | None, dict[str, Any]]:
    """English texts, plus the codes and the parameters they share (one dict for all three).

    A bare string is refused: a text without a code could not be shown in German."""
    params: dict[str, Any] = {}
    codes: dict[str, Any] = {}
    english: list[str | None] = []
    for name, text in (("code", summary), ("reason_code", reason), ("fix_code", fix)):
        if text is None and name != "code":
            english.append(None)
            continue
        if not isinstance(text, Message):
            raise TypeError(f"{check_id}: {name.removesuffix('_code').replace('code', 'summary')} must be "
                            f"msg(code, **params) (core/i18n), not {text!r}")
        for key, value in text.params.items():
            if key in params and params[key] != value:
                raise ValueError(f"{check_id}: parameter {key!r} differs between summary, reason and fix")
            params[key] = value
        codes[name] = text.code
        english.append(text.en)
    summary_en, reason_en, fix_en = english
    assert summary_en is not None
    codes["params"] = params
    return summary_en, reason_en, fix_en, codes


def coded(check_id: str, state: State, summary: Text, *, details: str = "", metrics: Sequence[Metric] = (),
          evidence: Sequence[Evidence] = (), reason: Text | None = None,
          fix: Text | None = None) -> CheckResult:
    """A CheckResult whose texts may be messages (no evidence rule: see `judged`)."""
    s, r, f, codes = _texts(check_id, summary, reason, fix)
    return CheckResult(check_id, state, s, details, tuple(metrics), tuple(evidence), r, f, **codes)


def judged(check_id: str, state: State, summary: Text, evidence: EvidenceArg, *,
           metrics: Sequence[Metric] = (), details: str = "", reason: Text | None = None,
           fix: Text | None = None) -> CheckResult:
    """A check result; raises if a judged (non-UNKNOWN) result has no evidence."""
    items = evidence_tuple(evidence)
    if state is not State.UNKNOWN and not items:
        raise ValueError(f"{check_id}: a {state.value} result needs evidence")
    return coded(check_id, state, summary, details=details, metrics=metrics, evidence=items,
                 reason=reason, fix=fix)


def unknown(check_id: str, summary: Text, reason: Text, fix: Text | None = None,
            evidence: EvidenceArg = (), details: str = "") -> CheckResult:
    """An UNKNOWN result: the check could not run, and `reason` says why."""
    return coded(check_id, State.UNKNOWN, summary, details=details, evidence=evidence_tuple(evidence),
                 reason=reason, fix=fix)


def resummarised(result: CheckResult, summary: Message, state: State | None = None) -> CheckResult:
    """`result` with a new summary message (its parameters added to the result's own)."""
    params = {**result.params, **summary.params}
    return replace(result, state=state or result.state, summary=Message(summary.code, params).en,
                   code=summary.code, params=params)


def reason_of(result: CheckResult) -> Message:
    """A coded result's reason as a message again (to build another result on it)."""
    if result.reason_code is None:
        raise ValueError(f"{result.id}: the reason has no message code")
    return Message(result.reason_code, dict(result.params))


def fix_of(result: CheckResult) -> Message | None:
    """A coded result's fix as a message again, None when it has none."""
    return None if result.fix_code is None else Message(result.fix_code, dict(result.params))


def levels_param(state: State, levels: Levels) -> dict[str, Any]:
    """The thresholds a value was judged against, as a message parameter (`{levels:levels}`)."""
    def rng(r: Range | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {"start": None if math.isinf(r.start) else r.start,
                "end": None if math.isinf(r.end) else r.end, "inside": r.inside}
    fired = {State.WARN: "warn", State.CRIT: "crit"}.get(state)
    return {"fired": fired, "warn": rng(levels.warn), "crit": rng(levels.crit)}


def not_applicable(check_id: str, summary: Text, reason: Text, evidence: EvidenceArg, *,
                   details: str = "") -> CheckResult:
    """An N/A result: the check cannot apply to this host, and the evidence shows why.

    Only positive evidence makes a check N/A (`systemd-detect-virt` said `kvm`,
    `/.dockerenv` exists); without it the check stays UNKNOWN. Raises when
    `evidence` or `reason` is empty.
    """
    items = evidence_tuple(evidence)
    if not items:
        raise ValueError(f"{check_id}: N/A needs the evidence that the check does not apply")
    if not reason.en.strip():
        raise ValueError(f"{check_id}: N/A needs a reason")
    return coded(check_id, State.NA, summary, details=details, evidence=items, reason=reason)


def num(value: float) -> str:
    """A threshold or value as a short number: 80, 0.5, 1e+03 never."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


def describe_range(rng: Range) -> str:
    """When `rng` alerts, in words: '> 90', '< 20', 'outside 10..20', 'within 10..20'."""
    lo, hi = rng.start, rng.end
    if rng.inside:
        if math.isinf(hi):
            return f"≥ {num(lo)}"
        if math.isinf(lo):
            return f"≤ {num(hi)}"
        return f"within {num(lo)}..{num(hi)}"
    if math.isinf(hi):
        return f"< {num(lo)}"
    if math.isinf(lo) or lo == 0:
        return f"> {num(hi)}"  # the '< 0' half of '0..hi' cannot happen for these values
    return f"outside {num(lo)}..{num(hi)}"


def levels_note(state: State, levels: Levels) -> str:
    """The threshold the value was judged against, for the summary line.

    WARN/CRIT name the range that fired ('> crit 90'); OK names both, so a
    reader sees what 'fine' was measured against.
    """
    if state is State.CRIT and levels.crit is not None:
        return _fired("crit", levels.crit)
    if state is State.WARN and levels.warn is not None:
        return _fired("warn", levels.warn)
    parts = []
    if levels.warn is not None:
        parts.append(f"warn {describe_range(levels.warn)}")
    if levels.crit is not None:
        parts.append(f"crit {describe_range(levels.crit)}")
    return f"({', '.join(parts)})" if parts else "(no thresholds set)"


def _fired(level: str, rng: Range) -> str:
    op, _, bound = describe_range(rng).partition(" ")
    return f"{op} {level} {bound}"


_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(n: float) -> str:
    """Bytes in binary units with one decimal: '37.4 GiB'."""
    # not the renderer's: Babel rounds half-even on the decimal value, which would change
    # English summaries printed before message codes existed (0.35 -> 0.4 instead of 0.3)
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_duration(seconds: float) -> str:
    """'3 d 4 h', '5 h 12 min', '42 min', '17 s' (the renderer's English, one definition)."""
    return render_duration(seconds, "en")


__all__ = [
    "EvidenceArg",
    "Message",
    "Text",
    "coded",
    "describe_range",
    "evidence_tuple",
    "fix_of",
    "human_bytes",
    "human_duration",
    "judged",
    "levels_note",
    "levels_param",
    "msg",
    "not_applicable",
    "num",
    "reason_of",
    "resummarised",
    "unknown",
]
