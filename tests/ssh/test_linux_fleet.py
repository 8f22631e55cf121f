"""`fleetcheck scan` against a real sshd fleet of Linux (and one macOS) hosts running the real POSIX probe.

Each host's fixture binaries (tests/ssh/hosts/<role>/bin) come first on PATH and answer like
journalctl, systemctl, smartctl, ... on such a machine; everything else (df, /proc) is this
machine's own. The scan must flag exactly the crashing and the failing host, with evidence.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from .fleet import HostSpec

HOSTS = Path(__file__).resolve().parent / "hosts"
NO_SYSTEMD_HIDES = ("systemctl", "journalctl", "coredumpctl", "timedatectl")
# /proc/loadavg is this test machine's, shared with every other test and benchmark running on
# its two cores (load 26 was seen): the emulated hosts' verdicts must not depend on it.
SHARED_LOAD = {"thresholds": {"cpu.load15_per_core": {"warn": 1000, "crit": 2000}}}
ROLES = {
    "web-healthy": HostSpec(bin_dir=HOSTS / "healthy" / "bin", inventory=SHARED_LOAD),
    "app-crashing": HostSpec(bin_dir=HOSTS / "crashing" / "bin", inventory=SHARED_LOAD),
    "nas-smart": HostSpec(bin_dir=HOSTS / "smart_failing" / "bin", inventory=SHARED_LOAD),
    "kiosk-nojournal": HostSpec(bin_dir=HOSTS / "journal_denied" / "bin", inventory=SHARED_LOAD),
    "box-nosystemd": HostSpec(bin_dir=HOSTS / "no_systemd" / "bin", hide=NO_SYSTEMD_HIDES,
                              inventory=SHARED_LOAD),
    # uname, sysctl, diskutil, log ... stand-ins: the script's macOS half over a real sshd
    "mac-empfang": HostSpec(bin_dir=HOSTS / "macos_healthy" / "bin", kind="macos"),
}


def _scan(inventory: Path, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    empty_config = tmp_path / "ssh_config"
    empty_config.touch()
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", "FLEETCHECK_HOME")}
    env["HOME"] = str(tmp_path)
    res = subprocess.run([sys.executable, "-m", "fleetcheck", "scan", "--format", "json", "--timeout", "30",
                          "--ssh-config", str(empty_config), *extra, str(inventory)],
                         capture_output=True, text=True, env=env, timeout=90)
    assert res.stdout, res.stderr
    return res.returncode, json.loads(res.stdout)


def _by_facts(scan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["name"]: h["facts"] for h in scan["hosts"]}


def _by_host(scan: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {h["name"]: {c["id"]: c for c in h["checks"]} for h in scan["hosts"]}


def test_scan_flags_exactly_the_crashing_and_failing_hosts(sshd_fleet, tmp_path):
    fleet = sshd_fleet(ROLES)
    inventory = fleet.write_inventory(tmp_path / "fleet.yaml")
    code, scan = _scan(inventory, tmp_path, "--no-history")
    host_state = {h["name"]: h["state"] for h in scan["hosts"]}
    checks = _by_host(scan)
    assert code == 2  # the worst host is CRIT
    flagged = {n for n, s in host_state.items() if s in ("CRIT", "WARN")}
    assert flagged == {"app-crashing", "nas-smart"}, host_state
    assert host_state["web-healthy"] == "OK", {k: c["summary"] for k, c in checks["web-healthy"].items()}

    crash = checks["app-crashing"]
    assert crash["boot.unexpected"]["state"] == "CRIT"
    assert crash["boot.unexpected"]["summary"].startswith("2 unexpected reboots")
    assert crash["kernel.errors"]["state"] == "CRIT" and "NULL pointer" in crash["kernel.errors"]["summary"]
    assert crash["oom.kills"]["state"] == "WARN" and "(java)" in crash["oom.kills"]["summary"]
    assert crash["services.failed"]["state"] == "CRIT"
    assert "backup-nightly.service" in crash["services.failed"]["summary"]
    sources = [e["source"] for e in crash["boot.unexpected"]["evidence"]]
    assert "journalctl --list-boots -o json --no-pager" in sources
    assert any(s.startswith("journalctl -b -1 -n 40 -o json") for s in sources)
    assert all(e["raw"] and e["observed"] for c in crash.values() for e in c["evidence"])
    bare = [(h, k) for h, found in checks.items() for k, c in found.items()
            if not c["evidence"] or not all(e["source"] and e["raw"].strip() for e in c["evidence"])]
    assert bare == []  # every result, OK ones included, says what it was judged on (issue 12 §2)

    disk = checks["nas-smart"]["disk.smart:/dev/sda"]
    assert disk["state"] == "CRIT" and "SMART health check FAILED" in disk["summary"]
    assert "exit status 24" in disk["details"]
    assert {c["state"] for k, c in checks["nas-smart"].items() if k != "disk.smart:/dev/sda"} <= {"OK", "NA"}

    denied = checks["kiosk-nojournal"]
    assert host_state["kiosk-nojournal"] == "UNKNOWN"
    assert denied["boot.unexpected"]["state"] == "UNKNOWN"
    assert "systemd-journal" in denied["boot.unexpected"]["fix"]
    assert "Operation not permitted" in denied["kernel.errors"]["reason"]

    plain = checks["box-nosystemd"]
    # its services cannot be checked: said, not hidden (UNKNOWN; N/A with the evidence when the
    # test machine is a container whose PID 1 is no init system)
    assert plain["services.failed"]["state"] in ("UNKNOWN", "NA")
    if plain["services.failed"]["state"] == "UNKNOWN":
        assert host_state["box-nosystemd"] == "UNKNOWN"
    else:
        assert "container" in plain["services.failed"]["reason"]
    assert plain["boot.unexpected"]["state"] == "OK" and "wtmp" in plain["boot.unexpected"]["details"]
    assert host_state["mac-empfang"] == "OK", {k: c["summary"] for k, c in checks["mac-empfang"].items()}
    assert checks["mac-empfang"]["disk.smart:/dev/disk0"]["state"] == "OK"
    facts = {h["name"]: h["facts"] for h in scan["hosts"]}
    assert facts["mac-empfang"]["os"] == "macOS 14.1"
    assert facts["mac-empfang"]["virtualization"]["kind"] == "none"  # kern.hv_vmm_present: 0
    assert facts["box-nosystemd"]["systemd"] is False and facts["web-healthy"]["systemd"] is True


def test_rescan_does_not_count_the_same_crashes_again(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"app-crashing": ROLES["app-crashing"]})
    inventory = fleet.write_inventory(tmp_path / "fleet.yaml")
    history = ["--db", str(tmp_path / "history.sqlite3")]
    _, first = _scan(inventory, tmp_path, *history)
    _, second = _scan(inventory, tmp_path, *history)
    before, after = _by_host(first)["app-crashing"], _by_host(second)["app-crashing"]
    for event_check in ("boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes"):
        assert before[event_check]["state"] in ("WARN", "CRIT"), event_check
        assert after[event_check]["state"] == "OK", (event_check, after[event_check]["summary"])
    assert after["services.failed"]["state"] == "CRIT"  # a state, not an event: still failed


def test_busybox_only_host_is_checked_with_what_busybox_offers(sshd_fleet, tmp_path):
    """A NAS or Alpine box: PATH holds nothing but BusyBox applet links (issue 7 §7)."""
    busybox = shutil.which("busybox")
    if busybox is None:
        pytest.skip("busybox is not installed (dev/test.sh installs it)")
    # where the sshd login user can enter (tmp_path may sit under a root-only directory)
    applets = Path(tempfile.mkdtemp(prefix="fleetcheck-busybox-"))
    try:
        applets.chmod(0o755)
        names = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
        for name in names:
            (applets / name).symlink_to(busybox)
        fleet = sshd_fleet({"nas-busybox": HostSpec(env={"PATH": str(applets)}, inventory=SHARED_LOAD)})
        _, scan = _scan(fleet.write_inventory(tmp_path / "fleet.yaml"), tmp_path, "--no-history")
    finally:
        shutil.rmtree(applets, ignore_errors=True)
    found = _by_host(scan)["nas-busybox"]
    assert "probe.output" not in found
    kernel = found["kernel.errors"]  # dmesg refused -x: BusyBox's dmesg -r, dated from /proc/uptime
    assert any(e["source"].startswith("sh -c dmesg -r") for e in kernel["evidence"])
    restricted = Path("/proc/sys/kernel/dmesg_restrict").read_text().strip() == "1"
    if restricted:  # the fleet's login user is never root
        assert kernel["state"] == "UNKNOWN" and "klogctl" in kernel["reason"]
        assert "journal" not in kernel["fix"]  # no journal here: only root or dmesg_restrict=0 help
    else:
        assert kernel["state"] in ("OK", "WARN", "CRIT") and "[dmesg: current boot only]" in kernel["summary"]
    assert found["oom.kills"]["state"] in ("OK", "WARN"), found["oom.kills"]  # /proc/vmstat answers
    load = found["cpu.load"]  # no getconf: nproc
    assert load["state"] == "OK" and any(e["source"] == "nproc" for e in load["evidence"])
    boots = found["boot.unexpected"]  # BusyBox's last has no -x: /proc/uptime answers what it can
    assert any(e["source"] == "cat /proc/uptime" for e in boots["evidence"])
    in_container = _by_facts(scan)["nas-busybox"]["virtualization"]["kind"] == "container"
    assert (boots["state"] == "OK" or "cause unknown" in boots["summary"]
            or (in_container and boots["state"] == "NA"))
    for check_id in ("fs.used:/", "mem.used", "system.uptime"):
        assert found[check_id]["state"] == "OK", found[check_id]["summary"]
