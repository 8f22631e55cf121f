"""This machine scanned both ways: `kind: local` (psutil + the POSIX probe run here) and over a real
sshd running the same probe on it (issue 7 §8). The two must agree."""

from __future__ import annotations

import asyncio
import sys

import pytest

from fleetcheck.core.collectors.local import LocalCollector
from fleetcheck.core.collectors.ssh import SshCollector, SshOptions
from fleetcheck.core.engine import EngineOptions, ScanEngine
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult

from .fleet import HostSpec
from .helpers import scan

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fleet is Linux sshd")
# what a different login user may see differently (the fleet's user is never root)
PERMISSION_BOUND = {"boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes", "disk.smart"}


def _local() -> HostResult:
    engine = ScanEngine({"local": LocalCollector()}, EngineOptions(host_timeout=60))
    return asyncio.run(engine.run([Host("here", "local", "localhost")], lambda _e: None)).hosts[0]


def _by_id(host: HostResult) -> dict[str, CheckResult]:
    return {c.id: c for c in host.checks}


def _metric(c: CheckResult, name: str) -> float:
    value = next(m.value for m in c.metrics if m.name == name)
    assert value is not None
    return value


def test_local_and_ssh_scans_of_this_machine_agree(sshd_fleet):
    fleet = sshd_fleet({"here-over-ssh": HostSpec()})  # no stand-ins: this machine's own tools
    remote = scan(fleet.inventory_hosts(), SshCollector(SshOptions(use_ssh_config=False)),
                  host_timeout=60)["here-over-ssh"]
    local = _local()
    lo, re = _by_id(local), _by_id(remote)
    # the local scan has every crash family too, no longer only psutil's nine checks
    for family in ("boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes", "reboot.pending",
                   "clock.sync", "disk.raid"):
        assert family in lo, family
    assert "probe.output" not in lo and "probe.output" not in re
    assert set(lo) == set(re), (set(lo) ^ set(re))
    for check_id in sorted(set(lo) - PERMISSION_BOUND):
        assert lo[check_id].state == re[check_id].state, (check_id, lo[check_id].summary,
                                                          re[check_id].summary)
    for check_id in PERMISSION_BOUND & set(lo):
        if lo[check_id].state != re[check_id].state:  # only as the unprivileged user may it know less
            assert re[check_id].state.value == "UNKNOWN", (check_id, re[check_id].summary)
    for fs in (k for k in lo if k.startswith("fs.used:")):
        assert abs(_metric(lo[fs], "used_pct") - _metric(re[fs], "used_pct")) < 1.0, fs
    assert _metric(lo["mem.used"], "mem_total") == _metric(re["mem.used"], "mem_total")
    assert abs(_metric(lo["system.uptime"], "boot_time") - _metric(re["system.uptime"], "boot_time")) <= 2
    assert local.facts["virtualization"] == remote.facts["virtualization"]
    assert local.facts["init"]["text"] == remote.facts["init"]["text"]
