"""The fallback UNKNOWNs have message codes and German texts too (#11 §1).

Each fallback is made to happen on real probe code: garbage, empty and cut-off output,
an operating system the probe does not read, a Windows section that was denied, lacked
its cmdlet, timed out or printed odd data, a judging bug (fleetcheck's own), a skip, and
the printer checks' "could not be read". Every result must carry a code for each of its
texts and render in German (tests/conftest.py `coded_in_german`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from posix_helpers import checks, parse, recorded
from windows_helpers import check as win_check
from windows_helpers import make_run, recording_bytes, replace, sections
from windows_helpers import parse as win_parse

from fleetcheck.core.checks import memory
from fleetcheck.core.checks.printer.counters import check_pages, check_restarts
from fleetcheck.core.checks.printer.model import PrinterData
from fleetcheck.core.checks.printer.supplies import check_supplies
from fleetcheck.core.checks.printer.trays import check_trays
from fleetcheck.core.inventory.model import Skip
from fleetcheck.core.results import CheckResult
from fleetcheck.core.skips import apply_skips
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

Coded = Callable[[CheckResult], None]
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _unknowns(found: dict[str, CheckResult]) -> list[CheckResult]:
    out = [c for c in found.values() if c.state is State.UNKNOWN]
    assert out
    return out


@pytest.mark.parametrize(("name", "text"), [
    ("garbage", "Welcome to the menu!\nChoose 1-9:\n"),
    ("empty", ""),
    ("cut off", recorded("linux_healthy.txt").split("<<<end>>>")[0][:4000]),
    ("other os", recorded("linux_healthy.txt").replace("uname_s=Linux", "uname_s=FreeBSD", 1)),
])
def test_posix_output_it_cannot_use(name: str, text: str, coded_in_german: Coded) -> None:
    for c in _unknowns(checks(parse(text))):
        coded_in_german(c)


@pytest.mark.parametrize(("stdout", "stderr", "status"), [
    (b"Microsoft Windows [Version 10.0]\r\nC:\\Users\\scan>", b"", 0),  # cmd.exe, not the probe
    (b"", b"", 1),
    (b"", b"'powershell.exe' is not recognized as an internal or external command", 9009),
    (b"", b"Cannot invoke method. Method invocation is supported only on core types in this language mode.",
     1),
])
def test_windows_output_it_cannot_use(stdout: bytes, stderr: bytes, status: int,
                                      coded_in_german: Coded) -> None:
    (c,) = win_parse(make_run(stdout, stderr, status)).checks
    assert c.id == "probe.output" and c.state is State.UNKNOWN
    coded_in_german(c)


def test_windows_output_that_ended_early(coded_in_german: Coded) -> None:
    cut = [s for s in sections() if s["section"] not in ("updates", "end")]
    for c in _unknowns({c.id: c for c in win_parse(make_run(cut)).checks}):
        coded_in_german(c)


ERRORS = {
    "denied": {"fqid": "System.UnauthorizedAccessException", "type": "System.UnauthorizedAccessException",
               "message": "Attempted to perform an unauthorized operation.", "hresult": -2147024891},
    "no cmdlet": {"fqid": "CommandNotFoundException", "message": "The term 'Get-CimInstance' is unknown",
                  "type": "System.Management.Automation.CommandNotFoundException"},
    "timeout": {"fqid": "", "message": "The operation timed out", "type": "System.TimeoutException"},
    "other": {"fqid": "RPC_E_DISCONNECTED", "message": "The object invoked has disconnected."},
}


@pytest.mark.parametrize("error", sorted(ERRORS))
@pytest.mark.parametrize(("section", "check_id"), [("events_power", "boot.unexpected"),
                                                   ("volumes", "fs.used"), ("services", "services.failed"),
                                                   ("updates", "updates.age")])
def test_a_windows_section_that_printed_an_error(section: str, check_id: str, error: str,
                                                 coded_in_german: Coded) -> None:
    c = win_check(win_parse(make_run(replace(sections(), section, error=ERRORS[error]))), check_id)
    assert c.state is State.UNKNOWN and (c.reason_code or "").startswith("win.error.")
    coded_in_german(c)


@pytest.mark.parametrize(("section", "data"), [("volumes", []), ("services", "not a list"),
                                               ("reboot", {"cbs": "maybe", "wu": [1]})])
def test_a_windows_section_with_odd_data(section: str, data: Any, coded_in_german: Coded) -> None:
    for c in _unknowns({c.id: c for c in win_parse(make_run(replace(sections(), section, data))).checks}):
        coded_in_german(c)


def test_a_windows_section_that_is_not_json(coded_in_german: Coded) -> None:
    lines: list[dict[str, Any] | str] = [s for s in sections() if s["section"] != "services"]
    lines.insert(2, '{"section": "services", "data": [{"name": "Spooler"')
    c = win_check(win_parse(make_run(lines)), "services.failed")
    assert c.reason_code == "win.error.json"
    coded_in_german(c)


def test_a_judging_bug_is_coded(monkeypatch: pytest.MonkeyPatch, coded_in_german: Coded) -> None:
    def bug(*_a: Any, **_kw: Any) -> Any:
        raise KeyError("MemTotl")
    monkeypatch.setattr(memory, "check_memory", bug)
    c = checks(parse(recorded("linux_healthy.txt")))["mem.used"]
    assert c.reason_code == "judging.failed.reason"
    coded_in_german(c)
    windows = win_parse(make_run(recording_bytes("healthy-ps7")[0]))
    coded_in_german(win_check(windows, "mem.used"))


def test_a_skipped_check_is_coded(coded_in_german: Coded) -> None:
    found = checks(parse(recorded("linux_healthy.txt")))
    skips = (Skip("temp*", "Sensoren im Gehäuse defekt", "inv.yaml:12"), Skip("disk.raid", "none", "x:1"))
    out = apply_skips(list(found.values()), skips, T0)
    skipped = [c for c in out if c.state is State.SKIPPED]
    assert skipped
    for c in skipped:
        coded_in_german(c)


def test_a_printer_that_answered_nothing(coded_in_german: Coded) -> None:
    data = PrinterData(protocols=("snmp",))
    found = [*check_supplies(data, Thresholds()), *check_trays(data), check_pages(data, None),
             check_restarts(data, None, T0, Thresholds())[0]]
    for c in found:
        assert c.state is State.UNKNOWN
        coded_in_german(c)
