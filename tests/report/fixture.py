"""A fixed customer scan (and the one before it) for the report tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetcheck.core.checks.filesystem import FsUsage, check_fs_usage
from fleetcheck.core.checks.temperature import check_temperatures
from fleetcheck.core.checks.virt import Virt
from fleetcheck.core.engine import REACHABILITY_CHECK
from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.thresholds import Thresholds

T0 = datetime(2026, 12, 3, 1, 15, tzinfo=UTC)  # 02:15 in Berlin: the nightly scan
BEFORE = T0 - timedelta(days=14)
CUSTOMER = "Müller Steuerberatung GmbH"
HOSTILE = "<script>alert(1)</script>\x1b[31m=HYPERLINK(\"http://x\")*bold*|pipe"


def ev(source: str, raw: str, at: datetime = T0, kind: str = "command") -> Evidence:
    return Evidence.of(source, raw, at, kind)


def fs(mount: str, pct: float, state: State, at: datetime = T0) -> CheckResult:
    """A real fs.used result (the core's check, with its message code): `state` is what it must judge."""
    gib = 1024 ** 3
    usage = FsUsage(mount, "ext4", "/dev/sda1", 100 * gib, int(pct * gib), int((100 - pct) * gib))
    [result] = [r for r in check_fs_usage(usage, Thresholds(), ev("statvfs " + mount, f"{pct:g}% used", at))
                if r.family == "fs.used"]
    assert result.state is state, result
    return result


def host(name: str, kind: str, site: str | None, checks: list[CheckResult], at: datetime = T0,
         reach: Reachability = Reachability.REACHABLE) -> HostResult:
    return HostResult(name, kind, f"10.0.0.{len(name)}", reach, tuple(checks), at, at + timedelta(seconds=3),
                      site)


def unreachable(name: str, at: datetime = T0) -> HostResult:
    check = CheckResult(REACHABILITY_CHECK, State.CRIT, "unreachable: connection refused (port 22)",
                        evidence=(ev("linux collector -> 10.0.0.9", "[Errno 111] Connection refused", at,
                                     "connection"),),
                        fix="check that the machine is on and sshd is running")
    return HostResult(name, "linux", "10.0.0.9", Reachability.UNREACHABLE, (check,), at, at, "lager")


def scan(hostile: bool = False) -> ScanResult:
    fileserver_name = ("srv-" + HOSTILE) if hostile else "srv-files"
    smart_summary = ("disk " + HOSTILE + " FAILING") if hostile else "/dev/sda: SMART overall-health FAILED"
    hosts = [
        host(fileserver_name, "linux", "hauptbuero", [
            fs("/", 41.0, State.OK), fs("/srv", 93.5, State.CRIT),
            CheckResult("disk.smart:/dev/sda", State.CRIT, smart_summary,
                        evidence=(ev("smartctl -j -H -A -l error /dev/sda",
                                     HOSTILE if hostile else '{"smart_status": {"passed": false}}'),)),
            CheckResult("kernel.errors", State.UNKNOWN, "kernel log could not be read",
                        reason="journal not permitted for user fleet",
                        fix="add the user to group systemd-journal",
                        evidence=(ev("journalctl _TRANSPORT=kernel", "No journal files were opened due to "
                                     "insufficient permissions."),)),
        ]),
        host("pc-empfang", "windows", "hauptbuero", [
            fs("C:", 52.0, State.OK),
            CheckResult("boot.unexpected", State.CRIT, "1 unexpected shutdown: blue screen 0x9F "
                        "DRIVER_POWER_STATE_FAILURE",
                        evidence=(ev("Get-WinEvent System 41,6008,1001", "Kernel-Power 41 BugcheckCode 159",
                                     kind="event"),)),
            CheckResult("updates.age", State.WARN, "last update installed 41 days ago",
                        metrics=(Metric("updates_age_days", 41.0, "d", "35", "60"),),
                        evidence=(ev("Microsoft.Update.Session QueryHistory", "2026-10-23 KB5044284"),)),
        ]),
        host("vm-buchhaltung", "linux", "hauptbuero", [
            fs("/", 12.25, State.OK),
            *check_temperatures([], Thresholds(), ev("/sys/class/hwmon", "", kind="file"),
                                Virt("vm", vm="kvm", evidence=("systemd-detect-virt --vm: kvm",)),
                                ev("systemd-detect-virt --vm", "kvm")),
        ]),
        host("drucker-og", "printer", "hauptbuero", [
            CheckResult("printer.supply:black-toner", State.WARN, "Black Toner: 8% left (order TN-2420)",
                        metrics=(Metric("supply_pct", 8.0, "%", "20:", "10:"),),
                        evidence=(ev("SNMP prtMarkerSuppliesLevel.1.1", "8", kind="oid"),)),
        ]),
        unreachable("nas-lager"),
    ]
    if hostile:  # every text a host controls, each starting the way a spreadsheet formula would
        hosts.append(host("pc-" + HOSTILE, "linux", "lager\u202e", [CheckResult(
            "services.failed", State.WARN, '=cmd|"/C calc"!A0 ' + HOSTILE, details="-2+3\n" + HOSTILE,
            metrics=(Metric("failed", 2.0, "\tunits"),),
            evidence=(ev("systemctl list-units " + HOSTILE, "@SUM(1+1)\x07\x1b]0;pwned\x07" + HOSTILE),)),
            CheckResult.unknown("clock.sync", "+clock unknown", "+reason " + HOSTILE, "@fix " + HOSTILE)]))
    return ScanResult(T0, T0 + timedelta(seconds=40), tuple(hosts), CUSTOMER, ("kunde.yaml",), False, "0.1.0")


def previous() -> ScanResult:
    hosts = [
        host("srv-files", "linux", "hauptbuero",
             [fs("/", 40.0, State.OK, BEFORE), fs("/srv", 85.0, State.WARN, BEFORE)], BEFORE),
        host("pc-empfang", "windows", "hauptbuero", [fs("C:", 95.0, State.CRIT, BEFORE)], BEFORE),
        host("nas-lager", "linux", "lager", [fs("/", 30.0, State.OK, BEFORE)], BEFORE),
    ]
    return ScanResult(BEFORE, BEFORE + timedelta(seconds=30), tuple(hosts), CUSTOMER, ("kunde.yaml",), False,
                      "0.1.0")
