"""Shared helpers of the check families: threshold wording, units, the evidence rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetcheck.core.checks import describe_range, human_bytes, human_duration, judged, levels_note, msg
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("spec", "words"), [
    ("80", "> 80"),
    ("~:5", "> 5"),
    ("20:", "< 20"),
    ("10:20", "outside 10..20"),
    ("@10:20", "within 10..20"),
    ("@10:", "≥ 10"),
    ("@~:3", "≤ 3"),
    ("0.5", "> 0.5"),
])
def test_describe_range(spec: str, words: str) -> None:
    assert describe_range(Range.parse(spec)) == words


@pytest.mark.parametrize(("state", "note"), [
    (State.CRIT, "> crit 90"),
    (State.WARN, "> warn 80"),
    (State.OK, "(warn > 80, crit > 90)"),
])
def test_levels_note_names_the_threshold_that_fired(state: State, note: str) -> None:
    assert levels_note(state, Levels(Range.parse("80"), Range.parse("90"))) == note


def test_levels_note_without_any_threshold() -> None:
    assert levels_note(State.OK, Levels(None, None)) == "(no thresholds set)"
    assert levels_note(State.CRIT, Levels(None, Range.parse("0"))) == "> crit 0"


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (int(37.4 * 2**30), "37.4 GiB"),
    (3 * 2**40, "3.0 TiB"), (2**60, "1024.0 PiB"),
])
def test_human_bytes(n: int, text: str) -> None:
    assert human_bytes(n) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (17, "17 s"), (60, "1 min"), (3599, "59 min"), (3600 * 5 + 720, "5 h 12 min"),
    (86400 * 3 + 3600 * 4 + 59, "3 d 4 h"), (-5, "0 s"),
])
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_judged_refuses_a_verdict_without_evidence() -> None:
    fine, not_read = msg("cpu.load.nocores", load15=0.5), msg("cpu.load.nocores.reason")
    with pytest.raises(ValueError, match="needs evidence"):
        judged("cpu.load", State.OK, fine, ())
    unknown = judged("cpu.load", State.UNKNOWN, fine, (), reason=not_read)
    assert unknown.reason == not_read.en and unknown.reason_code == "cpu.load.nocores.reason"
    ev = Evidence.of("cat /proc/loadavg", "0.1 0.2 0.3", T0, "file")
    assert judged("cpu.load", State.OK, fine, ev).evidence == (ev,)
    assert judged("cpu.load", State.OK, fine, [ev, ev]).evidence == (ev, ev)


def test_a_text_without_a_message_code_is_refused() -> None:
    """Every summary, reason and fix is a message code: a bare string could not be said in German."""
    ev = Evidence.of("cat /proc/loadavg", "0.1 0.2 0.3", T0, "file")
    with pytest.raises(TypeError, match="summary must be msg"):
        judged("cpu.load", State.OK, "fine", ev)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reason must be msg"):
        judged("cpu.load", State.UNKNOWN, msg("cpu.load.nocores", load15=0.5), ev,
               reason="no data")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="fix must be msg"):
        judged("cpu.load", State.UNKNOWN, msg("cpu.load.nocores", load15=0.5), ev,
               reason=msg("cpu.load.nocores.reason"), fix="reboot")  # type: ignore[arg-type]
