"""fleetcheck's own bugs are not blamed on the host (#11 §4).

A bug is injected into a judging function (it raises as a mistyped key or a
wrong attribute would); the recorded output of a real host is parsed as usual.
The result must say fleetcheck failed, keep the section it judged and a
traceback summary as evidence, and leave every other check alone. Output the
host really garbled stays "could not parse", the host's.
"""

from __future__ import annotations

from typing import Any

import pytest
from posix_helpers import checks, parse, recorded, replace_section

from fleetcheck.core.checks import load, memory
from fleetcheck.core.states import State


def _bug(exc: Exception) -> Any:
    def judge(*_a: Any, **_kw: Any) -> Any:
        raise exc
    return judge


def test_a_judging_bug_is_fleetchecks_not_the_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    healthy = checks(parse(recorded("linux_healthy.txt")))
    monkeypatch.setattr(memory, "check_memory", _bug(KeyError("MemTotl")))
    got = checks(parse(recorded("linux_healthy.txt")))

    c = got["mem.used"]
    assert c.state is State.UNKNOWN
    assert c.summary == "memory not checked: fleetcheck failed while judging it"
    assert c.reason == "fleetcheck failed while judging memory: KeyError: 'MemTotl'"
    assert "could not parse" not in (c.reason or "") and "report this output" not in (c.fix or "")
    assert "fleetcheck bug" in (c.fix or "")
    meminfo, trace = c.evidence
    assert "MemTotal:" in meminfo.raw  # what it was judging
    assert trace.source == "fleetcheck internal error (traceback)"
    assert trace.raw.startswith("KeyError: 'MemTotl'") and "in judge" in trace.raw
    # one family's bug costs that family only
    assert {k: v.state for k, v in got.items() if k != "mem.used" and k != "swap.used"} == \
        {k: v.state for k, v in healthy.items() if k != "mem.used" and k != "swap.used"}


def test_macos_judging_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "check_load", _bug(AttributeError("'LoadAvg' object has no attribute 'cores'")))
    c = checks(parse(recorded("macos_healthy.txt"), kind="macos"))["cpu.load"]
    assert c.reason == ("fleetcheck failed while judging CPU load: AttributeError: "
                        "'LoadAvg' object has no attribute 'cores'")


def test_output_the_host_garbled_is_still_the_hosts() -> None:
    text = replace_section(recorded("linux_healthy.txt"), "meminfo", "MemFree: lots\n")
    c = checks(parse(text))["mem.used"]
    assert c.state is State.UNKNOWN
    assert (c.reason or "").startswith("could not parse") and "KeyError" not in c.summary


def test_windows_judging_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    from windows_helpers import check as win_check
    from windows_helpers import make_run, recording_bytes
    from windows_helpers import parse as win_parse

    from fleetcheck.core.checks.windows import reboot

    run = make_run(recording_bytes("healthy-ps7")[0])
    healthy = {c.id: c.state for c in win_parse(run).checks}
    monkeypatch.setattr(reboot, "check_pending_reboot", _bug(TypeError("'NoneType' object is not iterable")))
    got = win_parse(run)
    c = win_check(got, "reboot.pending")
    assert c.state is State.UNKNOWN
    assert c.reason == ("fleetcheck failed while judging pending reboot: "
                        "TypeError: 'NoneType' object is not iterable")
    assert "unexpected data from PowerShell" not in (c.reason or "")
    assert "Test-Path" in c.evidence[0].source and c.evidence[-1].raw.startswith("TypeError")
    assert {k: v.state for k, v in {x.id: x for x in got.checks}.items() if k != "reboot.pending"} == \
        {k: v for k, v in healthy.items() if k != "reboot.pending"}


def test_windows_garbled_section_is_still_the_hosts() -> None:
    from windows_helpers import check as win_check
    from windows_helpers import make_run, replace, sections
    from windows_helpers import parse as win_parse

    c = win_check(win_parse(make_run(replace(sections(), "reboot", {"cbs": "maybe"}))), "reboot.pending")
    assert c.reason == "unexpected data from PowerShell: reboot data without the CBS/WindowsUpdate flags"
