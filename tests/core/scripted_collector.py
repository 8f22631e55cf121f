"""A collector whose result per host is chosen by the host's name, for CLI tests.

It runs inside the real `fleetcheck scan` (the tests point a host kind at it
in the collector registry), so exit codes, formats, deadlines and Ctrl-C are
exercised end to end without a network. Name prefixes:

  ok-  warn-  crit-  unknown-   one check in that state (crit- also has metrics)
  vm-                           one check OK, temperatures N/A (a VM, with its evidence)
  na-                           only N/A checks
  down-                         connection refused (unreachable)
  slow-                         OK after 0.2 s
  prev-                         OK; the summary tells where history says its crash window starts
  hang-                         awaits forever (says so on stderr first)
  big-                          OK, 60 checks with 4 KiB evidence each (more than a pipe holds)
  block-                        blocks a pool thread for 60 s (like a hung read)
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import ClassVar

from fleetcheck.core.checks import not_applicable
from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import Reachability, State

# a virtual machine: what makes a temperature check N/A
KVM = {"virt": "virt.vm", "vm": "kvm", "signals": "systemd-detect-virt: kvm"}


def _check(host: Host, state: State) -> CheckResult:
    ev = (Evidence.of("df -P /var", "/dev/sda2 100 95 5 95% /var", kind="command"),)
    if state is State.UNKNOWN:
        return CheckResult.unknown("services.failed", "failed services not checked: permission denied",
                                   "systemctl: permission denied", "run as root", ev)
    metrics = (Metric.of("used_pct", {State.OK: 12.5, State.WARN: 85.0, State.CRIT: 95.0}[state], "%",
                         Range.parse("80"), Range.parse("90"), 0, 100),
               Metric.of("free", None, "B", min=0))
    return CheckResult("fs.used:/var", state, f"/var on {host.name} is {state.value}", metrics=metrics,
                       evidence=ev)


def _vm_temp() -> CheckResult:
    ev = Evidence.of("systemd-detect-virt", "kvm", kind="command")
    return not_applicable("temp", msg("temp.na", **KVM), msg("temp.na.reason", **KVM), ev)


class ScriptedCollector:
    kinds: ClassVar[frozenset[str]] = frozenset({"linux"})
    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        prefix = host.name.split("-", 1)[0]
        if prefix in ("ok", "warn", "crit", "unknown"):
            return Collection([_check(host, State[prefix.upper()])], {"os": "Scripted"})
        if prefix == "vm":
            return Collection([_check(host, State.OK), _vm_temp()], {"os": "Scripted"})
        if prefix == "na":
            return Collection([_vm_temp()], {"os": "Scripted"})
        if prefix == "prev":
            read = ctx.windows.read.get("history.previous") if ctx.windows is not None else None
            when = "none" if read is None else read.isoformat()
            return Collection([CheckResult("history.previous", State.OK, f"previous scan: {when}",
                                           evidence=(Evidence.of("history", when, kind="file"),))])
        if prefix == "big":
            return Collection([CheckResult(f"big.part:{i}", State.OK, f"part {i}",
                                           evidence=(Evidence.of("cat /dev/zero", "0" * 4096),))
                               for i in range(60)])
        if prefix == "slow":
            await asyncio.sleep(0.2)
            return Collection([_check(host, State.OK)])
        if prefix == "down":
            raise Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.refused", where=f"{host.address}:22"),
                              msg("ssh.tcp.refused.fix"),
                              f"connect {host.address}:22: [Errno 111] Connection refused")
        if prefix == "hang":
            print(f"scripted: {host.name} started", file=sys.stderr, flush=True)  # tests wait for this
            await asyncio.Event().wait()
        if prefix == "block":
            await ctx.run_blocking(time.sleep, 60)
        raise AssertionError(f"unscripted host {host.name}")

    async def close(self) -> None:
        return None
