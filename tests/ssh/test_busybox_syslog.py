"""A BusyBox-only host whose dmesg is refused reads its kernel log from /var/log/messages, over SSH.

The host's PATH holds nothing but BusyBox applets; its login user is never root and this
machine runs with kernel.dmesg_restrict=1, so BusyBox's `dmesg -r` is really refused. Its
sshd runs in a private mount namespace (HostSpec.binds) that shows it a /var/log with a
BusyBox syslogd `messages` file, and a local time zone of Europe/Berlin (syslogd writes local
times: the probe must send the system zone's offset, not the UTC it runs under). Nothing
changes on this machine outside that namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from .fleet import HostSpec
from .test_linux_fleet import SHARED_LOAD, _by_host, _scan

BERLIN = Path("/usr/share/zoneinfo/Europe/Berlin")


def _syslog_line(when: datetime, level: str, message: str) -> str:
    return f"{when.strftime('%b')} {when.day:2d} {when.strftime('%H:%M:%S')} nas {level} kernel: {message}\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="a private mount namespace needs root")
def test_refused_dmesg_reads_var_log_messages_in_the_systems_time_zone(sshd_fleet, tmp_path):
    busybox = shutil.which("busybox")
    if busybox is None:
        pytest.skip("busybox is not installed (dev/test.sh installs it)")
    if Path("/proc/sys/kernel/dmesg_restrict").read_text().strip() != "1":
        pytest.skip("dmesg is not restricted on this machine: nothing would refuse it")
    if not BERLIN.exists() or not shutil.which("unshare"):
        pytest.skip("tzdata or unshare missing")
    # in December Berlin is UTC+1: a line written 40 minutes ago says now + 1 h - 40 min
    now = datetime.now(UTC)
    berlin = timezone(timedelta(hours=1))
    lines = (_syslog_line((now - timedelta(minutes=40)).astimezone(berlin), "kern.err",
                          "[ 1234.567890] BUG: unable to handle page fault for address: 0000000000000008")
             + _syslog_line((now - timedelta(hours=3)).astimezone(berlin), "kern.err",
                            "Out of memory: Killed process 4242 (java) total-vm:2048kB")
             + _syslog_line((now - timedelta(minutes=5)).astimezone(berlin), "kern.info", "eth0: link up"))
    root = Path(tempfile.mkdtemp(prefix="fleetcheck-busybox-"))
    try:
        root.chmod(0o755)
        applets, log = root / "bin", root / "log"
        applets.mkdir()
        log.mkdir(mode=0o755)
        (log / "messages").write_text(lines)
        (log / "messages").chmod(0o644)
        names = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
        for name in names:
            (applets / name).symlink_to(busybox)
        spec = HostSpec(env={"PATH": str(applets)}, inventory=SHARED_LOAD,
                        binds={"/var/log": log, "/etc/localtime": BERLIN})
        fleet = sshd_fleet({"alpine-nas": spec})
        _, scan = _scan(fleet.write_inventory(tmp_path / "fleet.yaml"), tmp_path, "--no-history")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    found = _by_host(scan)["alpine-nas"]
    kernel, oom = found["kernel.errors"], found["oom.kills"]
    assert kernel["state"] == "CRIT" and "BUG: unable to handle page fault" in kernel["summary"], kernel
    assert oom["state"] == "WARN" and "java" in oom["details"], oom
    for c in (kernel, oom):
        assert "/var/log/messages" in c["details"] and "dmesg was refused" in c["details"]
    # the BUG line, written in Berlin time, is placed at its UTC time: the probe sent the system
    # zone's offset (+0100), not the TZ=UTC it runs under (which would put it 1 h later)
    messages = next(e for e in kernel["evidence"] if "/var/log/messages" in e["source"])
    written = (now - timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"{written} p3 BUG: unable to handle page fault" in messages["raw"], messages["raw"]
    # why: BusyBox's dmesg -r, really refused for this non-root user (klogctl: EPERM)
    assert "dmesg was refused" in kernel["details"] and "klogctl" in kernel["details"], kernel["details"]
    assert "link up" not in messages["raw"]  # info lines are not kernel errors
