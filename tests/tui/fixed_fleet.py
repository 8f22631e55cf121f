"""A fixed fleet and a deterministic collector for the dashboard tests.

`FixedCollector` is a real Collector driven by the real ScanEngine; it only
returns scripted results (no network at all), so every run shows the same
fleet: an OK server, a crashing PC, a disk filling up, a host whose journal
may not be read, one that refuses connections, one with an unknown host key
and a printer whose toner runs low.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import HOST_KINDS, Host, Inventory
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import Reachability, State

T0 = datetime(2026, 11, 27, 8, 0, 0, tzinfo=UTC)  # when the fixed evidence was observed
NOW = T0 + timedelta(minutes=5)  # what the injected clock says


def ev(source: str, raw: str, kind: str = "command") -> Evidence:
    return Evidence.of(source, raw, T0, kind)


HOSTS = (
    Host("srv-files", "linux", "127.0.0.11", site="hq", tags=("server",), source="fleet.yaml:3"),
    Host("pc-empfang", "windows", "127.0.0.12", site="hq", tags=("empfang",), source="fleet.yaml:9"),
    Host("pc-buchhaltung", "windows", "127.0.0.13", site="hq", tags=("office",)),
    Host("srv-backup", "linux", "127.0.0.14", site="lager", tags=("server",)),
    Host("pc-lager", "windows", "127.0.0.15", site="lager", tags=("lager",)),
    Host("mac-chef", "macos", "127.0.0.16", site="hq", tags=("chef",)),
    Host("drucker-og", "printer", "127.0.0.17", site="hq", tags=("og",)),
)
INVENTORY = Inventory("Müller Steuerberatung GmbH", HOSTS, ("fleet.yaml",))
FINGERPRINT = "SHA256:Vb0a8bX3sBv3k9m2qC1hJ2xUQm5zYpX0cHqk0dWm3aE"


def fs_ok(mount: str = "/", pct: float = 41.0) -> CheckResult:
    return CheckResult(f"fs.used:{mount}", State.OK, f"{mount} {pct:g}% used",
                       metrics=(Metric("fs_used_pct", pct, "%", "80", "90", 0, 100),),
                       evidence=(ev("df -P -T", f"/dev/sda1 ext4 100 {pct:g} 59 {pct:g}% {mount}"),))


def script() -> dict[str, Collection | Unreachable]:
    return {
        "srv-files": Collection([fs_ok(), CheckResult(
            "mem.used", State.OK, "memory 35% used",
            metrics=(Metric("mem_used_pct", 35.0, "%", "80", "90"),),
            evidence=(ev("/proc/meminfo", "MemTotal: 16314000 kB\nMemAvailable: 10600000 kB", "file"),))]),
        "pc-empfang": Collection([fs_ok("C:", 52.0), CheckResult(
            "apps.crashes", State.CRIT, "7 application crashes since the last scan (Outlook.exe 5×)",
            details="Outlook.exe 5×, Teams.exe 2×",
            metrics=(Metric("crashes", 7.0, "", "0", "5"),),
            evidence=(ev("Get-WinEvent Application 1000", "Faulting application name: OUTLOOK.EXE\n"
                         "Faulting module name: mso.dll\nException code: 0xc0000005", "event"),))]),
        "pc-buchhaltung": Collection([CheckResult(
            "fs.used:C:", State.WARN, "C: 84% used (warn at 80%)",
            metrics=(Metric("fs_used_pct", 84.0, "%", "80", "90", 0, 100),),
            evidence=(ev("Get-Volume", "C NTFS 512GB 82GB free"),))]),
        "srv-backup": Collection([fs_ok(), CheckResult.unknown(
            "kernel.errors", "kernel errors since the last scan",
            reason="journalctl: permission denied (the user may not read the system journal)",
            fix="add the scan user to the systemd-journal group: usermod -aG systemd-journal USER",
            evidence=[ev("journalctl -k -p err --since ...", "Hint: You are currently not seeing messages "
                         "from other users and the system.")])]),
        "pc-lager": Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.refused", where="127.0.0.15:22"),
                                msg("ssh.tcp.refused.fix"),
                                "connect 127.0.0.15:22: [Errno 111] Connection refused"),
        "mac-chef": Unreachable(Reachability.HOST_KEY_UNKNOWN,
                                msg("ssh.hostkey.unknown", who="127.0.0.16", files="~/.ssh/known_hosts",
                                    offered=f"ssh-ed25519 {FINGERPRINT}", other=None, known_other=""),
                                msg("ssh.hostkey.unknown.fix", trust="fleetcheck trust mac-chef"),
                                f"handshake 127.0.0.16:22: server key ssh-ed25519 {FINGERPRINT}",
                                facts={"host_key": f"ssh-ed25519 {FINGERPRINT}"}),
        "drucker-og": Collection([CheckResult(
            "printer.supply:Black Toner", State.WARN, "Black Toner 15% left (warn below 20%)",
            metrics=(Metric("supply_pct", 15.0, "%", "20:", "10:", 0, 100),),
            evidence=(ev("1.3.6.1.2.1.43.11.1.1.9.1.1", "INTEGER: 15", "oid"),))]),
    }


class FixedCollector:
    """Scripted results per host name; optional per-host gates hold a host until released."""

    kinds: ClassVar[frozenset[str]] = frozenset(HOST_KINDS)

    def __init__(self, results: dict[str, Collection | Unreachable] | None = None,
                 delay: float = 0.0) -> None:
        self.results = results if results is not None else script()
        self.delay = delay
        self.gates: dict[str, asyncio.Event] = {}
        self.calls: dict[str, int] = {}
        self.closed = False
        self.hook: Callable[[Host], None] | None = None

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        self.calls[host.name] = self.calls.get(host.name, 0) + 1
        if self.hook is not None:
            self.hook(host)
        gate = self.gates.get(host.name)
        if gate is not None:
            await gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        outcome = self.results[host.name]
        if isinstance(outcome, Unreachable):
            raise outcome
        return outcome

    async def close(self) -> None:
        self.closed = True


def collectors(collector: FixedCollector) -> dict[str, FixedCollector]:
    return {kind: collector for kind in HOST_KINDS}
