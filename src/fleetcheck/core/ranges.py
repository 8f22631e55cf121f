"""Nagios threshold ranges (`[@][start:][end]`) and their evaluation.

`10` alerts outside 0..10, `10:` below 10, `~:10` above 10, `10:20` outside
10..20 and `@10:20` inside 10..20 (endpoints inclusive). Critical is tested
before warning; a missing value is UNKNOWN, never OK.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fleetcheck.core.states import State


class RangeError(ValueError):
    """A threshold string that is not valid range syntax."""


def _number(text: str, whole: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RangeError(f"not a number {text!r} in range {whole!r}") from None
    if math.isnan(value):
        raise RangeError(f"not a number {text!r} in range {whole!r}")
    return value


@dataclass(frozen=True, slots=True)
class Range:
    start: float
    end: float
    inside: bool  # '@': alert when the value lies inside [start, end]
    text: str

    @classmethod
    def parse(cls, spec: str | int | float) -> Range:
        if isinstance(spec, bool):
            raise RangeError(f"expected a range like '80' or '20:', got {spec!r}")
        text = str(spec).strip()
        body = text
        inside = body.startswith("@")
        if inside:
            body = body[1:]
        if not body:
            raise RangeError("empty range")
        if ":" in body:
            lo, hi = body.split(":", 1)
            start = -math.inf if lo == "~" else (_number(lo, text) if lo else 0.0)
            end = math.inf if hi == "" else _number(hi, text)
        else:
            start, end = 0.0, _number(body, text)
        if start > end:
            raise RangeError(f"start is greater than end in range {text!r}")
        return cls(start, end, inside, text)

    def alerts(self, value: float) -> bool:
        within = self.start <= value <= self.end
        return within if self.inside else not within

    def __str__(self) -> str:
        return self.text


def evaluate(value: float | None, warn: Range | None, crit: Range | None) -> State:
    """State of `value` against the thresholds, critical first."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return State.UNKNOWN
    if crit is not None and crit.alerts(value):
        return State.CRIT
    if warn is not None and warn.alerts(value):
        return State.WARN
    return State.OK
