"""A CUPS print server scanned over SSH: a real cupsd, real lpadmin/lp/cupsdisable, the real probe.

The fleet host's sessions point lpstat at the test's private scheduler through their
environment (CUPS_SERVER, set by sshd's SetEnv: tests/ssh/fleet.py); nothing from the
inventory reaches the remote command. The stuck queue is disabled with a reason and holds a
pending job and a held one; no job ever runs (so no backend process is started).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .cupsd import CupsServer
from .fleet import HostSpec, free_port
from .test_linux_fleet import _by_host, _scan
from .test_windows_fleet import _readable_copy

SSL = Path("/etc/cups/ssl")
# the job's age must not depend on how fast this machine is: any waiting job counts as stuck here
ANY_AGE = {"thresholds": {"print.job_age_min": {"warn": "@0:"}}}


def _ssl_files() -> set[str]:
    return set(p.name for p in SSL.iterdir()) if SSL.is_dir() else set()


@pytest.fixture
def cups():
    before = _ssl_files()
    with CupsServer() as server:
        yield server
    assert _ssl_files() == before, "a file was left in /etc/cups/ssl"


def test_stuck_job_and_stopped_queue_over_ssh(cups, sshd_fleet, tmp_path):
    description = "Empfang \x1b[31mLaser\x1b[0m"
    cups.run("lpadmin", "-p", "empfang-laser", "-E", "-v", cups.dead_device, "-D", description, "-L", "EG")
    cups.run("cupsdisable", "-r", "Papierstau laut Empfang", "empfang-laser")
    cups.run("lp", "-d", "empfang-laser", "-t", "Quartalsbericht.pdf", "/etc/hostname")
    cups.run("lp", "-d", "empfang-laser", "-H", "indefinite", "/etc/hostname")
    cups.run("lpadmin", "-p", "og-farbe", "-E", "-v", cups.dead_device, "-D", "OG Farbe")
    cups.run("lpadmin", "-p", "alt-kopierer", "-E", "-v", cups.dead_device)
    cups.run("cupsreject", "-r", "wird abgebaut", "alt-kopierer")
    closed = f"127.0.0.1:{free_port('127.0.0.1')}"  # no scheduler answers there
    fleet = sshd_fleet({
        "printsrv": HostSpec(kind="printserver", env=cups.client_env, inventory=ANY_AGE),
        "printsrv-down": HostSpec(kind="printserver", env={"CUPS_SERVER": closed}),
        "ws": HostSpec(kind="linux", env={"CUPS_SERVER": closed}),
    })
    _code, scan = _scan(fleet.write_inventory(tmp_path / "fleet.yaml"), tmp_path, "--no-history")
    found = _by_host(scan)
    ps = {cid: c for cid, c in found["printsrv"].items() if cid.startswith("print.")}
    assert {cid: c["state"] for cid, c in ps.items()} == {
        "print.queue:empfang-laser": "CRIT", "print.jobs:empfang-laser": "WARN",
        "print.queue:og-farbe": "OK", "print.jobs:og-farbe": "OK",
        "print.queue:alt-kopierer": "WARN", "print.jobs:alt-kopierer": "OK"}
    stopped = ps["print.queue:empfang-laser"]
    assert stopped["summary"] == "print queue empfang-laser: stopped: Papierstau laut Empfang"
    assert stopped["evidence"][0]["source"] == "lpstat -l -p"
    assert "empfang-laser disabled since" in stopped["evidence"][0]["raw"]
    # the description's escape sequence arrives as text, never as a terminal control
    assert "\x1b" not in stopped["details"] and "Empfang \\x1b[31mLaser" in stopped["details"]
    jobs = ps["print.jobs:empfang-laser"]
    assert jobs["summary"].startswith("print queue empfang-laser: 2 jobs waiting, the oldest for ")
    assert "held (job-hold-until-specified)" in jobs["details"]
    assert jobs["evidence"][0]["source"] == "lpstat -W not-completed -l -o"
    assert "queued for empfang-laser" in jobs["evidence"][0]["raw"]
    assert {m["name"]: m["value"] for m in jobs["metrics"]}["jobs"] == 2
    healthy = ps["print.queue:og-farbe"]
    assert healthy["summary"] == "print queue og-farbe: idle, accepting jobs, 0 jobs waiting"
    assert "Description: OG Farbe" in healthy["evidence"][0]["raw"] and healthy["evidence"][0]["observed"]
    assert ps["print.queue:alt-kopierer"]["summary"] == "print queue alt-kopierer: not accepting jobs"

    down = found["printsrv-down"]["print.queue"]
    assert down["state"] == "UNKNOWN" and down["reason"].startswith("the CUPS scheduler is not running")
    assert down["evidence"][0]["source"] == "lpstat -H -r" and closed in down["evidence"][0]["raw"]
    ws = found["ws"]["print.queue"]
    assert ws["state"] == "NA" and "no CUPS scheduler runs on this host" in ws["reason"]


def _standin(recording: str) -> dict[str, str]:
    """powershell.exe replaying a recorded Windows print server (tests/ssh/test_windows_fleet.py)."""
    return {"powershell.exe": "#!/bin/sh\nexec python3 \"$FLEETCHECK_TESTS/ssh/hosts/windows_common/"
                              f"powershell_standin.py\" {recording} \"$@\"\n"}


def test_windows_print_server_over_ssh(sshd_fleet, tmp_path):
    """`kind: printserver` with `os: windows` is read by the PowerShell probe (recorded output)."""
    shared = _readable_copy()
    env = {"FLEETCHECK_TESTS": str(shared)}
    windows = {"os": "windows"}
    try:
        fleet = sshd_fleet({
            "winps": HostSpec(scripts=_standin("printserver-ps51"), kind="printserver", env=env,
                              inventory=windows),
            "winps-stopped": HostSpec(scripts=_standin("printserver-spooler-stopped-ps7"), kind="printserver",
                                      env=env, inventory=windows),
        })
        _code, scan = _scan(fleet.write_inventory(tmp_path / "fleet.yaml"), tmp_path, "--no-history")
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    facts = {h["name"]: h["facts"] for h in scan["hosts"]}
    assert facts["winps"]["probe"] == "windows"
    assert facts["winps"]["os"] == "Microsoft Windows Server 2022 Standard"
    found = _by_host(scan)
    ps = {cid: c["state"] for cid, c in found["winps"].items() if cid.startswith("print.")}
    assert ps["print.queue:Buchhaltung-Farbe"] == "CRIT" and ps["print.jobs:Buchhaltung-Farbe"] == "CRIT"
    assert ps["print.jobs:Lager-Etiketten"] == "WARN" and ps["print.queue:Empfang-Laser"] == "OK"
    assert "(14, pending)" in found["winps"]["print.jobs:Buchhaltung-Farbe"]["summary"]
    stopped = found["winps-stopped"]["print.queue"]
    assert stopped["state"] == "UNKNOWN"
    assert stopped["reason"] == "the Print Spooler service is stopped (start type Automatic)"
