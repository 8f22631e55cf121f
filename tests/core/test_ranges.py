"""Nagios range syntax `[@][start:][end]`, table-driven (monitoring-plugin guidelines)."""

from __future__ import annotations

import math

import pytest

from fleetcheck.core.ranges import Range, RangeError, evaluate
from fleetcheck.core.states import State

INF = math.inf

# spec -> (start, end, inside)
PARSED = [
    ("10", 0.0, 10.0, False),
    ("10:", 10.0, INF, False),
    ("~:10", -INF, 10.0, False),
    ("10:20", 10.0, 20.0, False),
    ("@10:20", 10.0, 20.0, True),
    ("@10", 0.0, 10.0, True),
    ("~:", -INF, INF, False),
    ("0", 0.0, 0.0, False),
    (":5", 0.0, 5.0, False),
    ("-5:-1", -5.0, -1.0, False),
    ("2.5:7.25", 2.5, 7.25, False),
    (" 80 ", 0.0, 80.0, False),
    (80, 0.0, 80.0, False),
    (0.5, 0.0, 0.5, False),
]


@pytest.mark.parametrize(("spec", "start", "end", "inside"), PARSED)
def test_parse(spec: str | float, start: float, end: float, inside: bool) -> None:
    r = Range.parse(spec)
    assert (r.start, r.end, r.inside) == (start, end, inside)


# spec, value -> alerts?
ALERTS = [
    ("10", -0.1, True), ("10", 0, False), ("10", 10, False), ("10", 10.01, True),
    ("10:", 9.99, True), ("10:", 10, False), ("10:", 1e9, False),
    ("~:10", -1e9, False), ("~:10", 10, False), ("~:10", 10.5, True),
    ("10:20", 9, True), ("10:20", 10, False), ("10:20", 20, False), ("10:20", 21, True),
    ("@10:20", 9, False), ("@10:20", 10, True), ("@10:20", 15, True), ("@10:20", 20, True),
    ("@10:20", 20.5, False),
    ("~:", -1e12, False), ("~:", 1e12, False),
    ("0", 0, False), ("0", 1, True),
]


@pytest.mark.parametrize(("spec", "value", "alerts"), ALERTS)
def test_alerts(spec: str, value: float, alerts: bool) -> None:
    assert Range.parse(spec).alerts(value) is alerts


@pytest.mark.parametrize("spec", [
    "10:5",  # start > end
    "@20:10",
    "",
    "   ",
    "@",
    "abc",
    "10:abc",
    "~",  # '~' only means -infinity as a start
    "nan",
    "1:2:3",
    True,
])
def test_rejected(spec: str | bool) -> None:
    with pytest.raises(RangeError):
        Range.parse(spec)


def test_start_greater_than_end_message_names_the_range() -> None:
    with pytest.raises(RangeError, match=r"start is greater than end in range '10:5'"):
        Range.parse("10:5")


@pytest.mark.parametrize(("value", "warn", "crit", "expected"), [
    (50, "80", "90", State.OK),
    (85, "80", "90", State.WARN),
    (95, "80", "90", State.CRIT),
    (80, "80", "90", State.OK),  # endpoints are inside the OK range
    (15, "20:", "10:", State.WARN),  # printer supply: low is bad
    (5, "20:", "10:", State.CRIT),
    (1, None, "0", State.CRIT),  # only a critical level
    (0, None, "0", State.OK),
    (3, "0", None, State.WARN),
    (None, "80", "90", State.UNKNOWN),  # no value is never OK
    (math.nan, "80", "90", State.UNKNOWN),
    (12, None, None, State.OK),
])
def test_evaluate_crit_before_warn(value: float | None, warn: str | None, crit: str | None,
                                   expected: State) -> None:
    w = Range.parse(warn) if warn is not None else None
    c = Range.parse(crit) if crit is not None else None
    assert evaluate(value, w, c) is expected


def test_range_keeps_its_text_for_perfdata() -> None:
    assert Range.parse("@10:20").text == "@10:20"
    assert str(Range.parse("~:5")) == "~:5"
