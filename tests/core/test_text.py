"""core/text.py: untrusted text made harmless, idempotent, capped; applied where results are made."""

from __future__ import annotations

import json

import pytest

from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.text import SUMMARY_CAP, clean, clean_lines, is_clean


@pytest.mark.parametrize(("raw", "shown"), [
    ("/mnt/\x1b]0;PWNED\x07", "/mnt/\\x1b]0;PWNED\\x07"),  # window title
    ("\x1b]52;c;cHduZWQ=\x07", "\\x1b]52;c;cHduZWQ=\\x07"),  # OSC 52 clipboard write
    ("a\u009b31mred", "a\\x9b31mred"),  # C1 CSI
    ("a\x7fb\x00c", "a\\x7fb\\x00c"),  # DEL, NUL
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # bidi override
    ("x\u2066y\u2069", "x\\u2066y\\u2069"),  # bidi isolates
    ("sur\ud800rogate", "sur\\ud800rogate"),  # lone surrogate (from JSON's "\ud800")
    ("two\nlines\r\tz", "two\\nlines\\r\\tz"),
    ("[bold red]OK[/] Müller ✔", "[bold red]OK[/] Müller ✔"),  # markup and plain Unicode stay as they are
])
def test_clean_escapes_what_a_terminal_would_obey(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert clean(shown) == shown  # idempotent: history read back comes out the same
    assert is_clean(clean(raw))
    clean(raw).encode("utf-8")  # never raises


def test_multi_line_text_keeps_its_lines_and_caps_keep_the_length_known() -> None:
    assert clean_lines("a\n\x1b[2Jb\tc") == "a\n\\x1b[2Jb\tc"
    long = clean("L" * 3_000_000)
    assert len(long) <= SUMMARY_CAP and long.endswith("more characters cut]")
    assert clean(long) == long


def test_results_are_cleaned_where_they_are_made() -> None:
    ev = Evidence.of("systemctl \x1b[2J", '{"unit":"x\x1b]0;T\x07"}\n' + "L" * 10_000)
    assert "\x1b" not in ev.source + ev.raw and ev.truncated
    # a newline in a host's unit name no longer turns the verdict into "summary must be one line"
    c = CheckResult("services.failed", State.CRIT, "1 failed unit: a\nb\ud800.service", evidence=(ev,),
                    metrics=(Metric("x\x1b", 1.0, "\x07"),))
    assert c.state is State.CRIT and c.summary == "1 failed unit: a\\nb\\ud800.service"
    assert c.metrics[0].name == "x\\x1b" and c.metrics[0].unit == "\\x07"
    h = HostResult("h", "linux", "127.0.0.1", Reachability.REACHABLE, (c,),
                   facts={"hostname": "pc\x1b]0;T\x07", "groups": ["a\u202e"], "n": 3})
    assert h.facts == {"hostname": "pc\\x1b]0;T\\x07", "groups": ["a\\u202e"], "n": 3}
    data = json.dumps(h.to_dict(), ensure_ascii=False).encode("utf-8")  # used to raise on a lone surrogate
    assert HostResult.from_dict(json.loads(data)).to_dict() == h.to_dict()


def test_message_parameters_are_cleaned_too() -> None:
    """The German rendering formats host text from `params` into its own template."""
    c = CheckResult("services.failed", State.CRIT, "1 failed unit", evidence=(Evidence.of("x", "y"),),
                    params={"units": "a\x1b]0;T\x07.service", "count": 1, "long": "L" * 10_000})
    assert c.params["units"] == "a\\x1b]0;T\\x07.service" and c.params["count"] == 1
    assert len(c.params["long"]) <= 500
