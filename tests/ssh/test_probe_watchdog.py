"""Nothing is left running on a customer's machine (#13 §7).

A host whose `hostname` hangs: every command of the POSIX probe has a time limit, and when the
scanner gives up at the host deadline and closes the connection, the probe's watchdog ends the
whole process group. Checked with `ps` on the host (here: this machine) afterwards.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from fleetcheck.core.collectors.ssh import SshCollector
from fleetcheck.core.ssh.options import SshOptions
from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan

HOSTS = Path(__file__).parent / "hosts"
HANG = '#!/bin/sh\necho "$$" > "$FLEET_STATE/hung.pid"\nexec sleep 300\n'


def _assert_nothing_left(pid_file: Path) -> None:
    """`ps` on the host: the hung command and every process of its group are gone."""
    pid = int(pid_file.read_text())
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():  # still there right after the scan: it must end within seconds
        pgid = int(stat.read_text().rsplit(")", 1)[1].split()[2])
        end = time.monotonic() + 15  # a guard for the test run, not a timing assertion
        left = "?"
        while left and time.monotonic() < end:
            left = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True,
                                  text=True).stdout.strip()
            time.sleep(0.2)
        assert left == "", f"the probe's processes kept running:\n{left}"
    assert subprocess.run(["ps", "-p", str(pid)], capture_output=True).returncode == 1


def _collector() -> SshCollector:
    return SshCollector(SshOptions(use_ssh_config=False, allow_agent=False))


def test_a_hanging_command_is_cut_and_the_probe_finishes(sshd_fleet):
    fleet = sshd_fleet({"hang": HostSpec(bin_dir=HOSTS / "healthy" / "bin", scripts={"hostname": HANG})})
    result = scan(fleet.inventory_hosts(), _collector(), host_timeout=60)["hang"]
    assert result.reachability is Reachability.REACHABLE, result.checks[0].summary
    assert len(result.checks) > 5  # the probe went on past the hung `hostname`
    _assert_nothing_left(fleet.hosts["hang"].state_dir / "hung.pid")


def test_at_the_deadline_the_watchdog_ends_the_whole_probe(sshd_fleet):
    fleet = sshd_fleet({"stuck": HostSpec(bin_dir=HOSTS / "healthy" / "bin",
                                          scripts={"hostname": HANG, "uname": HANG})})
    result = scan(fleet.inventory_hosts(), _collector(), host_timeout=3)["stuck"]
    assert "timed out" in repr(result.to_dict())
    _assert_nothing_left(fleet.hosts["stuck"].state_dir / "hung.pid")
