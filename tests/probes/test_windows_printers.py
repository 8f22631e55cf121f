"""Windows print queues (Get-Service Spooler, Get-Printer, Get-PrintJob) on recorded output: a print
server with a healthy, a paused, an errored and a jammed queue; a stopped spooler; a workstation."""

from __future__ import annotations

from typing import Any

import pytest
from windows_helpers import WEEK_AGO, make_run, recording_bytes, replace, sections

from fleetcheck.core.i18n import render_check
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.windows.probe import PROBE
from fleetcheck.core.results import CheckResult


def _prints(lines: Any, kind: str = "printserver") -> dict[str, CheckResult]:
    run = make_run(lines) if not isinstance(lines, tuple) else make_run(*lines)
    coll = PROBE.parse(run, Host("ps1", kind, "192.0.2.20"), WEEK_AGO)
    return {c.id: c for c in coll.checks if c.id.startswith("print.")}


def _with_printers(data: dict[str, Any]) -> list[dict[str, Any]]:
    return replace(sections("printserver-ps7"), "printers", data)


@pytest.mark.parametrize("ps", ["ps51", "ps7"])
def test_a_windows_print_server_in_both_powershells(ps: str) -> None:
    found = _prints(recording_bytes(f"printserver-{ps}"))
    assert {cid: c.state.value for cid, c in found.items()} == {
        "print.queue:Empfang-Laser": "OK", "print.jobs:Empfang-Laser": "OK",
        "print.queue:Buchhaltung-Farbe": "CRIT", "print.jobs:Buchhaltung-Farbe": "CRIT",
        "print.queue:Lager-Etiketten": "WARN", "print.jobs:Lager-Etiketten": "WARN",
        "print.queue:OG-Kopierer": "CRIT", "print.jobs:OG-Kopierer": "OK"}
    assert found["print.queue:Buchhaltung-Farbe"].summary == \
        "print queue Buchhaltung-Farbe: stopped (Paused), no reason given"
    jobs = found["print.jobs:Buchhaltung-Farbe"]
    assert jobs.summary.startswith(
        "print queue Buchhaltung-Farbe: 2 jobs waiting, the oldest for 3 h 10 min (14,")
    assert "15: held (Paused)" in jobs.details and "MUELLER\\a.schmidt" in jobs.details
    errored = found["print.jobs:Lager-Etiketten"]
    assert "1 in error" in errored.summary and "(7, in error: Error, Printing)" in errored.summary
    assert found["print.queue:Lager-Etiketten"].summary == \
        "print queue Lager-Etiketten: the printer reports 'Error'"
    assert "paper jam (media-jam)" in found["print.queue:OG-Kopierer"].summary
    healthy = found["print.queue:Empfang-Laser"]
    assert healthy.summary == "print queue Empfang-Laser: Normal, 0 jobs waiting"
    assert "shared: yes" in healthy.details and "device: IP_192.168.10.50" in healthy.details
    ev = healthy.evidence[0]
    assert ev.source.startswith("powershell: Get-Service Spooler; Get-Printer")
    assert '"Empfang-Laser"' in ev.raw
    assert render_check(jobs, "de").summary.startswith(
        "Druckwarteschlange Buchhaltung-Farbe: 2 Aufträge wartend")


def test_a_control_sequence_in_a_printer_comment_is_escaped() -> None:
    paused = _prints(recording_bytes("printserver-ps51"))["print.queue:Buchhaltung-Farbe"]
    assert "\x1b" not in paused.details and "Farbe \\x1b[2J\\x1b[31mBuchhaltung" in paused.details


def test_a_stopped_spooler() -> None:
    server = _prints(recording_bytes("printserver-spooler-stopped-ps51"))
    assert list(server) == ["print.queue"]
    c = server["print.queue"]
    assert c.state.value == "UNKNOWN"
    assert c.reason == "the Print Spooler service is stopped (start type Automatic)"
    assert c.fix.startswith("start the Print Spooler service (Start-Service Spooler)")
    assert '"status":"Stopped"' in c.evidence[0].raw.replace(" ", "")
    pc = _prints(recording_bytes("failing-disk-ps7"), kind="windows")["print.queue"]
    assert pc.state.value == "NA" and pc.reason == "not applicable: the Print Spooler service is stopped " \
        "(start type Disabled)"


def test_a_workstation_prints_its_queues_too() -> None:
    found = _prints(recording_bytes("healthy-ps7"), kind="windows")
    assert found["print.queue:HP LaserJet M404 Empfang"].state.value == "OK"
    assert found["print.jobs:Microsoft Print to PDF"].state.value == "OK"


NO_SPOOLER = {"fqid": "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand",
              "message": "Cannot find any service with service name 'Spooler'.",
              "type": "Microsoft.PowerShell.Commands.ServiceCommandException", "category": "ObjectNotFound"}
NO_MODULE = {"fqid": "CommandNotFoundException",
             "message": "The term 'Get-Printer' is not recognized as the name of a cmdlet, function, "
                        "script file, or operable program.",
             "type": "System.Management.Automation.CommandNotFoundException", "category": "ObjectNotFound"}
DENIED = {"fqid": "HRESULT 0x80070005,Get-Printer", "message": "Access was denied to the specified resource.",
          "type": "Microsoft.Management.Infrastructure.CimException", "category": "PermissionDenied",
          "hresult": -2146233088}
RUNNING = {"status": "Running", "start": "Automatic"}


@pytest.mark.parametrize(("data", "na_reason", "unknown_reason"), [
    ({"spooler_error": NO_SPOOLER}, "the Print Spooler service is not installed",
     "the Print Spooler service is not installed"),
    ({"spooler": RUNNING, "printers_error": NO_MODULE},
     "the PrintManagement module is not available: The term",
     "the PrintManagement module is not available: The term"),
])
def test_without_the_spooler_or_the_module(data, na_reason, unknown_reason) -> None:
    pc = _prints(_with_printers(data), kind="windows")["print.queue"]
    assert pc.state.value == "NA" and pc.reason.startswith("not applicable: " + na_reason)
    assert pc.evidence[0].raw
    server = _prints(_with_printers(data))["print.queue"]
    assert server.state.value == "UNKNOWN" and server.reason.startswith(unknown_reason) and server.fix


def test_refused_and_empty() -> None:
    refused = _with_printers({"spooler": RUNNING, "printers_error": DENIED})
    denied = _prints(refused, kind="windows")["print.queue"]
    assert denied.state.value == "UNKNOWN" and "Access was denied" in denied.reason
    assert denied.fix == "run the scan as a member of the host's Administrators group"
    empty = {"spooler": RUNNING, "printers": []}
    assert _prints(_with_printers(empty))["print.queue"].state.value == "WARN"
    assert _prints(_with_printers(empty), kind="windows")["print.queue"].state.value == "NA"
    jobs_denied = {"spooler": RUNNING, "printers": [{"name": "Empfang", "status": "Normal", "jobs": 1,
                                                     "job_error": DENIED}]}
    found = _prints(_with_printers(jobs_denied))
    assert found["print.queue:Empfang"].state.value == "OK" and not found["print.queue:Empfang"].metrics
    assert found["print.jobs:Empfang"].state.value == "UNKNOWN"
    assert found["print.jobs:Empfang"].fix == "run the scan as a member of the host's Administrators group"


def test_odd_data_costs_the_print_queues_only() -> None:
    found = _prints(_with_printers({"spooler": RUNNING, "printers": [{"status": "Normal"}]}))
    c = found["print.queue"]
    assert c.state.value == "UNKNOWN" and "a printer without a name" in c.reason
