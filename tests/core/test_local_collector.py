"""The `local` collector on this machine, run through the real ScanEngine.

Expectations are derived from this machine itself (psutil, /run/systemd),
so the tests hold on a laptop, a CI VM or a container alike; what they pin
down is honesty: every verdict has evidence, every UNKNOWN has a reason.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import namedtuple
from typing import Any

import psutil
import pytest

from fleetcheck.core.checks.filesystem import MountEntry, parse_options, select_mounts, skipped_summary
from fleetcheck.core.checks.services import SYSTEMD_NOT_RUNNING
from fleetcheck.core.checks.temperature import NO_SENSORS_REASON, Sensor
from fleetcheck.core.collectors.local import (
    SYSTEMCTL_ARGS,
    LocalCollector,
    call_bounded,
    sensors_from_psutil,
)
from fleetcheck.core.engine import EngineOptions, ScanEngine
from fleetcheck.core.events import CheckFinished, Event
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.thresholds import Levels, Thresholds

pytestmark = pytest.mark.timeout(60)


def scan(collector: LocalCollector | None = None, thresholds: Thresholds | None = None,
         events: list[Event] | None = None) -> tuple[ScanResult, HostResult]:
    host = Host("this-machine", "local", "localhost", thresholds=thresholds or Thresholds())
    engine = ScanEngine({"local": collector or LocalCollector()}, EngineOptions(host_timeout=30))
    sink = events.append if events is not None else (lambda _e: None)
    result = asyncio.run(engine.run([host], sink))
    return result, result.hosts[0]


def check(host: HostResult, check_id: str) -> CheckResult:
    found = [c for c in host.checks if c.id == check_id]
    assert len(found) == 1, f"expected one {check_id}, got {[c.id for c in host.checks]}"
    return found[0]


def virtual_here() -> bool:
    """Read apart from the code under test: a container marker or the CPU's hypervisor flag."""
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return True
    with open("/proc/cpuinfo") as fh:
        return any(line.startswith("flags") and " hypervisor" in line for line in fh)


def real_mounts() -> list[MountEntry]:
    parts = psutil.disk_partitions(all=True)
    kept, _ = select_mounts(MountEntry(p.mountpoint, p.device, p.fstype, parse_options(p.opts))
                            for p in parts)
    return kept


@pytest.fixture(scope="module")
def here() -> tuple[ScanResult, HostResult]:
    return scan()


def test_host_is_reachable_and_every_check_is_honest(here: tuple[ScanResult, HostResult]) -> None:
    result, host = here
    assert host.reachability is Reachability.REACHABLE
    assert host.checks
    for c in host.checks:
        if c.state is State.UNKNOWN:
            assert c.reason, c.id
        assert c.evidence, f"{c.id} has no evidence"
        for ev in c.evidence:
            assert ev.source and ev.raw
            assert ev.observed.tzinfo is not None
            assert result.started <= ev.observed <= result.finished, c.id
    assert host.unknown_count == sum(c.state is State.UNKNOWN for c in host.checks)


def test_basic_families_are_judged_with_metrics(here: tuple[ScanResult, HostResult]) -> None:
    _, host = here
    load = check(host, "cpu.load")
    assert load.state is not State.UNKNOWN
    assert {"load1", "load5", "load15", "load15_per_core"} <= {m.name for m in load.metrics}
    assert load.evidence[0].source == "os.getloadavg() + psutil.cpu_count()"
    mem = check(host, "mem.used")
    assert mem.state is not State.UNKNOWN
    pct = next(m for m in mem.metrics if m.name == "mem_used_pct")
    assert pct.unit == "%" and (pct.warn, pct.crit) == ("80", "90")
    assert 0 <= (pct.value or 0) <= 100
    swap = check(host, "swap.used")
    if psutil.swap_memory().total == 0:
        assert (swap.state, swap.summary) == (State.OK, "no swap configured")
    else:
        assert swap.summary.startswith("swap ")
    uptime = check(host, "system.uptime")
    assert uptime.state is State.OK
    assert uptime.summary.startswith("up ")


def test_every_real_mount_gets_usage_inodes_and_readonly(here: tuple[ScanResult, HostResult]) -> None:
    _, host = here
    mounts = real_mounts()
    assert mounts, "this machine should have at least one real filesystem"
    for entry in mounts:
        ro = check(host, f"fs.readonly:{entry.mount}")
        if entry.readonly:
            assert ro.summary.startswith(entry.mount)
            assert not [c for c in host.checks if c.id == f"fs.used:{entry.mount}"]
            continue
        assert (ro.state, ro.summary.split(" (")[0]) == (State.OK, f"{entry.mount} is mounted read-write")
        used = check(host, f"fs.used:{entry.mount}")
        assert used.state in (State.OK, State.WARN, State.CRIT)
        assert used.summary.startswith(f"{entry.mount} ")
        assert used.evidence[0].source == f"psutil.disk_usage({entry.mount!r}) + os.statvfs({entry.mount!r})"
        assert used.evidence[0].kind == "api"
        pct = next(m for m in used.metrics if m.name == "used_pct")
        assert pct.value == pytest.approx(psutil.disk_usage(entry.mount).percent, abs=2)
        check(host, f"fs.inodes:{entry.mount}")
    fs_ids = {c.id.split(":", 1)[1] for c in host.checks if c.id.startswith("fs.used:")}
    assert fs_ids == {e.mount for e in mounts if not e.readonly}
    assert not {"/proc", "/sys", "/dev"} & fs_ids


def test_temperatures_unknown_with_reason_where_no_sensors(here: tuple[ScanResult, HostResult]) -> None:
    _, host = here
    sensors = psutil.sensors_temperatures()
    temps = [c for c in host.checks if c.id == "temp" or c.id.startswith("temp:")]
    if not sensors and virtual_here():
        [only] = temps
        assert only.id == "temp" and only.reason.startswith("not applicable: ")
        assert host.facts["virtualization"]["kind"] in ("vm", "container")
        assert any(e.source.startswith("systemd-detect-virt") for e in only.evidence)
    elif not sensors:
        [only] = temps
        assert (only.id, only.state, only.reason) == ("temp", State.UNKNOWN, NO_SENSORS_REASON)
        assert only.fix is not None and "sensors-detect" in only.fix
    else:
        assert len(temps) == sum(len(v) for v in sensors.values())
        assert all(c.metrics and c.metrics[0].unit == "°C" for c in temps if c.state is not State.UNKNOWN)


def test_services_never_green_without_systemd(here: tuple[ScanResult, HostResult]) -> None:
    _, host = here
    services = check(host, "services.failed")
    if not os.path.isdir("/run/systemd/system"):
        # UNKNOWN, or N/A with the evidence where the machine is a container without an init
        assert services.state in (State.UNKNOWN, State.NA)
        assert services.state is State.UNKNOWN or "container" in (services.reason or "")
        assert services.evidence[0].source == "/run/systemd/system"
        with open("/proc/1/comm") as fh:
            pid1 = fh.read().strip()
        if os.path.exists("/.dockerenv") and pid1 not in ("init", "systemd", "openrc-init", "runit"):
            assert services.reason.startswith("not applicable: container")
            assert repr(pid1) in services.reason
        elif pid1 == "init":
            assert "SysV" in services.reason
        else:
            assert services.reason == SYSTEMD_NOT_RUNNING
    else:
        assert services.evidence[0].source.startswith("systemctl list-units --state=failed")
        if services.state is not State.UNKNOWN:
            assert services.metrics[0].name == "failed_units"


def test_facts_describe_this_machine(here: tuple[ScanResult, HostResult]) -> None:
    _, host = here
    assert host.facts["cores"] == psutil.cpu_count()
    assert host.facts["hostname"]
    assert host.facts["os"]
    assert host.facts["boot_time"].endswith("Z")
    assert isinstance(host.facts["mounts_skipped"], list)
    mounts = [line.split(" (", 1)[0] for line in host.facts["mounts_skipped"]]
    assert len(mounts) == len(set(mounts)), mounts  # /dev/pts, /dev/shm stacked: listed once (issue 12 §4)


def test_stacked_mounts_are_listed_once_with_their_count() -> None:
    pts = MountEntry("/dev/pts", "devpts", "devpts", ("rw",))
    twice = [pts, pts, MountEntry("/proc", "proc", "proc", ("rw",))]
    _kept, skipped = select_mounts(twice)
    assert skipped_summary(skipped) == ["/proc (pseudo filesystem (proc))",
                                        "/dev/pts (pseudo filesystem (devpts), mounted 2 times)"]


def test_results_stream_as_events_and_survive_json() -> None:
    events: list[Event] = []
    result, host = scan(events=events)
    streamed = [e.check.id for e in events if isinstance(e, CheckFinished)]
    assert streamed == [c.id for c in host.checks]
    again = ScanResult.from_dict(result.to_dict()).hosts[0]  # observed times keep whole seconds
    assert [c.to_dict() for c in again.checks] == [c.to_dict() for c in host.checks]


def test_host_thresholds_reach_the_checks() -> None:
    zero = Levels(Range.parse("0"), Range.parse("0"), "host")  # anything above 0 is critical
    _, host = scan(thresholds=Thresholds({"mem.used_pct": zero}))
    mem = check(host, "mem.used")
    assert mem.state is State.CRIT
    assert mem.summary.endswith("> crit 0")
    root = next((e for e in real_mounts() if e.mount == "/" and not e.readonly), None)
    if root is not None:
        _, host = scan(thresholds=Thresholds({"fs.used_pct:/": zero}))
        assert check(host, "fs.used:/").state is State.CRIT


def test_systemctl_failure_is_unknown_with_its_exit_code(tmp_path: os.PathLike[str]) -> None:
    # tmp_path stands in for /run/systemd/system so systemctl really runs; /bin/false fails as a
    # broken systemctl would.
    _, host = scan(LocalCollector(systemd_dir=str(tmp_path), systemctl="false"))
    services = check(host, "services.failed")
    assert services.state is State.UNKNOWN
    assert services.reason == "systemctl exited 1: no error message"
    assert services.evidence[0].source == "false " + " ".join(SYSTEMCTL_ARGS)
    assert services.evidence[0].raw.startswith("exit 1")


def test_missing_systemctl_is_unknown_with_fix(tmp_path: os.PathLike[str]) -> None:
    _, host = scan(LocalCollector(systemd_dir=str(tmp_path), systemctl="no-such-systemctl-here"))
    services = check(host, "services.failed")
    assert services.state is State.UNKNOWN
    assert services.reason and "not found on PATH" in services.reason
    assert services.fix


class HungMount(LocalCollector):
    """This machine, except that statvfs of one mount never answers (a dead NFS server)."""

    def __init__(self, hung: str, release: threading.Event) -> None:
        super().__init__(statvfs_timeout=0.3)
        self.hung, self.release = hung, release

    def read_usage(self, mount: str) -> tuple[Any, Any]:
        if mount == self.hung:
            self.release.wait(30)
        return super().read_usage(mount)


def test_hung_statvfs_is_that_mount_unknown_not_a_hung_host() -> None:
    writable = [e for e in real_mounts() if not e.readonly]
    if not writable:
        pytest.skip("no writable real filesystem on this machine")
    hung = writable[0].mount
    release = threading.Event()
    try:
        _, host = scan(HungMount(hung, release))
    finally:
        release.set()
    assert host.reachability is Reachability.REACHABLE  # not a host timeout
    used = check(host, f"fs.used:{hung}")
    assert used.state is State.UNKNOWN
    assert used.reason == "statvfs timed out after 0.3 s (hung network or FUSE mount?)"
    assert used.fix and writable[0].device in used.fix
    assert not [c for c in host.checks if c.id == f"fs.inodes:{hung}"]
    for entry in writable[1:]:
        assert check(host, f"fs.used:{entry.mount}").state is not State.UNKNOWN
    assert check(host, f"fs.readonly:{hung}").state is State.OK
    assert check(host, "mem.used").state is not State.UNKNOWN


def test_call_bounded_gives_up_on_a_hung_call_and_keeps_going() -> None:
    release = threading.Event()

    def hung() -> str:
        release.wait(30)  # stands in for statvfs on a dead NFS server
        return "late"

    async def main() -> tuple[str, str]:
        try:
            await call_bounded(hung, 0.2)
        except TimeoutError:
            timed_out = "timed out"
        else:
            timed_out = "answered"
        fast = await call_bounded(lambda: "fast", 5)
        return timed_out, fast

    try:
        assert asyncio.run(main()) == ("timed out", "fast")
    finally:
        release.set()


def test_call_bounded_passes_errors_through() -> None:
    async def main() -> None:
        await call_bounded(lambda: os.statvfs("/no/such/mount/point"), 5)

    with pytest.raises(FileNotFoundError):
        asyncio.run(main())


def test_abandoned_thread_does_not_break_a_closed_loop() -> None:
    release = threading.Event()
    finished = threading.Event()

    def slow() -> None:
        release.wait(10)
        finished.set()

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await call_bounded(slow, 0.05)

    asyncio.run(main())  # the loop is closed now; the thread still runs
    release.set()
    assert finished.wait(5)
    for thread in [t for t in threading.enumerate() if t.name == "fleetcheck-bounded"]:
        thread.join(5)  # it reports to the closed loop and must end quietly
        assert not thread.is_alive()


def test_psutil_sensor_readings_become_named_sensors() -> None:
    # psutil's shwtemp namedtuple lives in a private module that moves between versions.
    shwtemp = namedtuple("shwtemp", ["label", "current", "high", "critical"])
    raw = {"coretemp": [shwtemp("Package id 0", 48.0, 80.0, 100.0), shwtemp("Core 0", 45.0, 80.0, 100.0)],
           "acpitz": [shwtemp("", 27.8, None, None), shwtemp("", 29.8, None, None)],
           "nvme": [shwtemp("Composite", 38.9, 84.8, 84.8)]}
    assert sensors_from_psutil(raw) == [
        Sensor("coretemp Package id 0", 48.0, 80.0, 100.0), Sensor("coretemp Core 0", 45.0, 80.0, 100.0),
        Sensor("acpitz", 27.8, None, None), Sensor("acpitz #2", 29.8, None, None),
        Sensor("nvme Composite", 38.9, 84.8, 84.8),
    ]
    assert sensors_from_psutil({}) == []
