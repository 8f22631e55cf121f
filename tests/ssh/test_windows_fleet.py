"""End to end: the Windows probe over real OpenSSH against emulated Windows PCs.

Each host is a real sshd on loopback whose `powershell.exe` (first on PATH) is a
stand-in: it checks the exact argv, decodes -EncodedCommand, records what it got
and replays recorded PowerShell 5.1 / 7 output (tests/data/windows/), shifted in
time so the recorded events keep their age. Windows parsing is therefore tested
on recorded output, not on a real Windows host.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.core.collectors.ssh import SshCollector, SshOptions
from fleetcheck.core.probes.windows.probe import BOOTSTRAP, COMMAND, script_bytes
from fleetcheck.core.results import HostResult
from fleetcheck.core.states import Reachability, State

from .fleet import Fleet, FleetKeys, HostSpec, start_fleet
from .helpers import scan

TESTS = Path(__file__).resolve().parents[1]
HOSTS = Path(__file__).resolve().parent / "hosts"
SCENARIOS = ("healthy", "bluescreen", "failing_disk")
VERSIONS = ("ps51", "ps7")
NAMES = [f"{s}-{v}" for s in SCENARIOS for v in VERSIONS]


def _readable_copy() -> Path:
    """The stand-in and the recordings where the sshd login user can read them.

    The checkout may sit under a directory only root can enter (/root), so the
    sessions get a world-readable copy laid out like tests/.
    """
    root = Path(tempfile.mkdtemp(prefix="fleetcheck-windows-"))
    shutil.copytree(TESTS / "data" / "windows", root / "data" / "windows")
    shutil.copytree(HOSTS / "windows_common", root / "ssh" / "hosts" / "windows_common")
    for d, _, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    return root


@pytest.fixture(scope="module")
def windows_fleet(fleet_keys: FleetKeys) -> Iterator[Fleet]:
    shared = _readable_copy()
    specs = {f"{s}-{v}": HostSpec(bin_dir=HOSTS / f"windows_{s}_{v}" / "bin", kind="windows",
                                  env={"FLEETCHECK_TESTS": str(shared)})
             for s in SCENARIOS for v in VERSIONS}
    try:
        with start_fleet(specs, fleet_keys) as fleet:
            yield fleet
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture(scope="module")
def results(windows_fleet: Fleet) -> dict[str, HostResult]:
    collector = SshCollector(SshOptions(use_ssh_config=False))  # the real probe registry: kind windows
    return scan(windows_fleet.inventory_hosts(), collector, host_timeout=30.0)


def _check(host: HostResult, check_id: str):
    matches = [c for c in host.checks if c.id == check_id]
    assert len(matches) == 1, [c.id for c in host.checks]
    return matches[0]


def test_every_result_of_every_windows_host_has_evidence(results: dict[str, HostResult]) -> None:
    bare = [(name, c.id) for name, host in results.items() for c in host.checks
            if not c.evidence or not all(e.source and e.raw.strip() for e in c.evidence)]
    assert bare == []


def test_stand_in_got_exactly_the_probe_command_and_script(windows_fleet: Fleet,
                                                           results: dict[str, HostResult]) -> None:
    assert COMMAND.startswith("powershell.exe -NoProfile -NonInteractive -EncodedCommand ")
    for name in NAMES:
        state = windows_fleet.hosts[name].state_dir
        assert (state / "encoded_command.ps1").read_text(encoding="utf-8") == BOOTSTRAP, name
        assert (state / "stdin.ps1").read_bytes() == script_bytes(), name


@pytest.mark.parametrize("version", VERSIONS)
def test_healthy_pc_is_ok_with_evidence(results: dict[str, HostResult], version: str) -> None:
    host = results[f"healthy-{version}"]
    assert host.reachability is Reachability.REACHABLE
    not_ok = [(c.id, c.state, c.summary) for c in host.checks if c.state is not State.OK]
    assert host.state is State.OK, not_ok
    ids = {c.id for c in host.checks}
    assert {"boot.unexpected", "apps.crashes", "disk.errors", "fs.used:C:", "fs.used:D:", "mem.used",
            "system.uptime", "services.failed", "reboot.pending", "av.status", "updates.age"} <= ids
    assert all(c.evidence for c in host.checks)
    assert "Fast Startup is on" in _check(host, "system.uptime").summary
    assert host.facts["powershell"].startswith("5.1" if version == "ps51" else "7.")
    # the planned restart (User32 1074) is listed, not counted
    boot = _check(host, "boot.unexpected")
    assert "planned" in boot.details and "explorer.exe" in boot.details


@pytest.mark.parametrize("version", VERSIONS)
def test_blue_screen_pc_is_crit_with_the_bugcheck_code(results: dict[str, HostResult], version: str) -> None:
    host = results[f"bluescreen-{version}"]
    assert host.state is State.CRIT
    boot = _check(host, "boot.unexpected")
    assert boot.state is State.CRIT
    assert "0x9F DRIVER_POWER_STATE_FAILURE" in boot.summary
    assert "2 unexpected shutdowns" in boot.summary and "power loss or hard hang" in boot.summary
    metrics = {m.name: m.value for m in boot.metrics}
    assert metrics["unexpected_shutdowns"] == 2 and metrics["blue_screens"] == 1
    sources = " ".join(e.source for e in boot.evidence)
    for label in ("Microsoft-Windows-Kernel-Power/41 RecordId 76402", "EventLog/6008 RecordId 76415",
                  "Microsoft-Windows-WER-SystemErrorReporting/1001 RecordId 76433",
                  "Microsoft-Windows-Kernel-Power/41 RecordId 77098"):
        assert label in sources
    assert any("0x0000009f" in e.raw for e in boot.evidence)
    assert _check(host, "disk.errors").state is State.OK


@pytest.mark.parametrize("version", VERSIONS)
def test_failing_disk_pc_is_crit(results: dict[str, HostResult], version: str) -> None:
    host = results[f"failing_disk-{version}"]
    assert host.state is State.CRIT
    disk = _check(host, "disk.errors")
    assert disk.state is State.CRIT
    assert "3x bad block (disk 7)" in disk.summary and "file system corrupt (Ntfs 55)" in disk.summary
    assert "4x I/O retried (disk 153)" in disk.summary and "paging I/O error (disk 51)" in disk.summary
    assert _check(host, "boot.unexpected").state is State.OK
    assert _check(host, "fs.used:C:").state is State.WARN


def test_cli_scan_flags_exactly_the_failing_pcs(windows_fleet: Fleet, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    inventory = windows_fleet.write_inventory(tmp_path / "office.yaml")
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text("")
    out = tmp_path / "scan.json"
    code = main(["scan", str(inventory), "--format", "json", "--no-history", "--timeout", "30",
                 "--ssh-config", str(ssh_config), "--output", str(out)])
    assert code == 2, capsys.readouterr()
    doc = json.loads(out.read_text())
    states = {h["name"]: h["state"] for h in doc["hosts"]}
    assert states == {"healthy-ps51": "OK", "healthy-ps7": "OK", "bluescreen-ps51": "CRIT",
                      "bluescreen-ps7": "CRIT", "failing_disk-ps51": "CRIT", "failing_disk-ps7": "CRIT"}
