"""cpu.load, mem.used, swap.used and system.uptime from parsed data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetcheck.core.checks.load import LoadAvg, check_load
from fleetcheck.core.checks.memory import MemInfo, check_memory
from fleetcheck.core.checks.uptime import BootInfo, check_uptime
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
LOADAVG = Evidence.of("cat /proc/loadavg; nproc", "0.10 0.20 8.00 1/123 4567\n2", T0, "command")
MEMINFO = Evidence.of("/proc/meminfo", "MemTotal: 8000000 kB", T0, "file")
GIB = 2**30
DEFAULT = Thresholds()


def levels(warn: str | None, crit: str | None) -> Levels:
    return Levels(None if warn is None else Range.parse(warn), None if crit is None else Range.parse(crit),
                  "host")


@pytest.mark.parametrize(("fifteen", "cores", "state"), [
    (0.0, 2, State.OK),
    (10.0, 2, State.OK),     # 5.0 per core: inclusive
    (10.02, 2, State.WARN),
    (20.0, 2, State.WARN),   # 10.0 per core
    (20.02, 2, State.CRIT),
    (10.5, 1, State.CRIT),
])
def test_load_per_core_boundaries(fifteen: float, cores: int, state: State) -> None:
    [result] = check_load(LoadAvg(0.1, 0.2, fifteen, cores), DEFAULT, LOADAVG)
    assert (result.id, result.state) == ("cpu.load", state)
    assert result.evidence == (LOADAVG,)
    metrics = {m.name: m for m in result.metrics}
    assert metrics["load15_per_core"].value == pytest.approx(fifteen / cores)
    assert (metrics["load15_per_core"].warn, metrics["load15_per_core"].crit) == ("5", "10")
    assert (metrics["load1"].value, metrics["load5"].value, metrics["load15"].value) == (0.1, 0.2, fifteen)


def test_load_summary_and_override() -> None:
    [result] = check_load(LoadAvg(0.1, 0.2, 8.0, 2), DEFAULT, LOADAVG)
    assert result.summary == "15-min load 4.00 per core (8.00 on 2 cores) (warn > 5, crit > 10)"
    th = Thresholds({"cpu.load15_per_core": levels("1", "3")})
    [strict] = check_load(LoadAvg(0.1, 0.2, 8.0, 2), th, LOADAVG)
    assert strict.state is State.CRIT
    assert strict.summary.endswith("> crit 3")


@pytest.mark.parametrize("cores", [None, 0])
def test_load_without_cpu_count_is_unknown(cores: int | None) -> None:
    [result] = check_load(LoadAvg(0.1, 0.2, 0.3, cores), DEFAULT, LOADAVG)
    assert result.state is State.UNKNOWN
    assert result.reason and "CPU count" in result.reason
    assert [m.name for m in result.metrics] == ["load1", "load5", "load15"]


@pytest.mark.parametrize(("available_gib", "state"), [
    (10, State.OK), (2, State.OK), (1.99, State.WARN), (1, State.WARN), (0.99, State.CRIT), (0, State.CRIT),
])
def test_memory_boundaries_on_available(available_gib: float, state: State) -> None:
    mem = MemInfo(10 * GIB, int(available_gib * GIB), 0, 0)
    ram = check_memory(mem, DEFAULT, MEMINFO)[0]
    assert (ram.id, ram.state) == ("mem.used", state)
    assert ram.evidence == (MEMINFO,)


def test_memory_summary_counts_cache_as_available() -> None:
    ram = check_memory(MemInfo(8 * GIB, 6 * GIB, 0, 0), DEFAULT, MEMINFO)[0]
    assert ram.summary == "memory 25.0 % used (2.0 GiB of 8.0 GiB, 6.0 GiB available) (warn > 80, crit > 90)"


def test_no_swap_is_ok_with_evidence() -> None:
    swap = check_memory(MemInfo(8 * GIB, 6 * GIB, 0, 0), DEFAULT, MEMINFO)[1]
    assert (swap.id, swap.state, swap.summary) == ("swap.used", State.OK, "no swap configured")
    assert swap.evidence == (MEMINFO,)


@pytest.mark.parametrize(("free_gib", "state"), [(10, State.OK), (2, State.OK), (1.99, State.WARN),
                                                 (1, State.WARN), (0.99, State.CRIT)])
def test_swap_boundaries_and_override(free_gib: float, state: State) -> None:
    mem = MemInfo(8 * GIB, 6 * GIB, 10 * GIB, int(free_gib * GIB))
    assert check_memory(mem, DEFAULT, MEMINFO)[1].state is state
    relaxed = Thresholds({"swap.used_pct": levels("99", "99.9")})
    assert check_memory(mem, relaxed, MEMINFO)[1].state is State.OK


def test_zero_memory_is_unknown() -> None:
    ram = check_memory(MemInfo(0, 0, 0, 0), DEFAULT, MEMINFO)[0]
    assert ram.state is State.UNKNOWN
    assert ram.reason


def test_uptime_is_informational() -> None:
    boot = BootInfo.from_uptime(3 * 86400 + 4 * 3600 + 30, T0)
    [result] = check_uptime(boot, DEFAULT, MEMINFO)
    assert (result.id, result.state) == ("system.uptime", State.OK)
    assert result.summary == "up 3 d 4 h, booted 2026-11-23 23:59 UTC"
    assert boot.boot_time == T0 - timedelta(days=3, hours=4, seconds=30)
    metrics = {m.name: m.value for m in result.metrics}
    assert metrics["uptime"] == 3 * 86400 + 4 * 3600 + 30
    assert metrics["boot_time"] == round(boot.boot_time.timestamp())


def test_boot_in_the_future_is_unknown() -> None:
    [result] = check_uptime(BootInfo(T0 + timedelta(hours=1), T0), DEFAULT, MEMINFO)
    assert result.state is State.UNKNOWN
    assert result.reason and "clock" in result.reason
