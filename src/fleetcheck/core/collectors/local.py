"""The `local` collector: this machine, read with psutil (no SSH).

It only fetches raw data; the check families in core.checks judge it, the
same functions the SSH probes use. Blocking calls run off the event loop.
Each statvfs runs in its own daemon thread with a timeout: a hung NFS or
FUSE mount can block a thread forever, and a daemon thread neither pins an
engine pool slot nor keeps the process from exiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import psutil

from fleetcheck.core.checks import judged, msg
from fleetcheck.core.checks.filesystem import (
    FsUsage,
    MountEntry,
    check_fs_usage,
    check_readonly,
    parse_fstab,
    parse_options,
    select_mounts,
    skipped_summary,
)
from fleetcheck.core.checks.init_services import without_systemd
from fleetcheck.core.checks.load import LoadAvg, check_load
from fleetcheck.core.checks.memory import MemInfo, check_memory
from fleetcheck.core.checks.services import (
    check_failed_units,
    parse_failed_units,
    systemd_not_running,
    units_unreadable,
)
from fleetcheck.core.checks.temperature import Sensor, check_temperatures, sensor_names
from fleetcheck.core.checks.uptime import BootInfo, check_uptime
from fleetcheck.core.checks.virt import Init, Virt
from fleetcheck.core.collectors import local_platform, local_probe
from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection, CrashWindows
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, iso, utcnow
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

T = TypeVar("T")

SYSTEMCTL_ARGS = ("list-units", "--state=failed", "--no-legend", "--plain", "--no-pager", "--output=json")


async def call_bounded(fn: Callable[[], T], timeout: float, name: str = "fleetcheck-bounded") -> T:
    """Run `fn()` in a fresh daemon thread; raise TimeoutError after `timeout` s.

    On timeout the thread is abandoned (a syscall stuck on a dead mount
    cannot be interrupted); its late result is dropped.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)

    def runner() -> None:
        try:
            value, error = fn(), None
        except BaseException as exc:  # handed to the awaiting coroutine
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # loop already closed: nobody waits any more
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=runner, name=name, daemon=True).start()
    return await asyncio.wait_for(future, timeout)


def _api(source: str, raw: str) -> Evidence:
    return Evidence.of(source, raw, utcnow(), kind="api")


def _failed(check_id: str, what: str, source: str, exc: BaseException) -> CheckResult:
    reason = f"{what} could not be read: {type(exc).__name__}: {exc}"
    p = {"what_item": what, "error": f"{type(exc).__name__}: {exc}"}
    return judged(check_id, State.UNKNOWN, msg("local.failed", **p), _api(source, reason),
                  reason=msg("local.failed.reason", **p))


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError, AttributeError):
        return f"{platform.system()} {platform.release()}".strip()


def sensors_from_psutil(raw: Mapping[str, Sequence[Any]]) -> list[Sensor]:
    """psutil's {chip: [shwtemp(label, current, high, critical)]} as uniquely named Sensors."""
    pairs = [(chip, entry.label) for chip, entries in raw.items() for entry in entries]
    readings = [entry for entries in raw.values() for entry in entries]
    return [Sensor(name, r.current, r.high, r.critical)
            for name, r in zip(sensor_names(pairs), readings, strict=True)]


def _system_facts() -> dict[str, Any]:
    # platform.platform() may read the interpreter binary: not on the event loop.
    return {"os": _os_name(), "platform": platform.platform(), "hostname": socket.gethostname()}


class LocalCollector:
    kinds: ClassVar[frozenset[str]] = frozenset({"local"})

    def __init__(self, statvfs_timeout: float = 10.0, command_timeout: float = 15.0,
                 systemd_dir: str = "/run/systemd/system", systemctl: str = "systemctl",
                 fstab_path: str = "/etc/fstab", posix_probe: bool = True) -> None:
        self.statvfs_timeout = statvfs_timeout
        self.command_timeout = command_timeout
        self.systemd_dir = systemd_dir  # exists iff systemd is PID 1 (sd_booted)
        self.systemctl = systemctl
        self.fstab_path = fstab_path
        self.posix_probe = posix_probe  # Linux/macOS: the crash families from the POSIX probe, run here
        self._virt_ev = Evidence.of("(virtualisation not read yet)", "", kind="file")

    async def close(self) -> None:
        return None

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        th = host.thresholds
        checks: list[CheckResult] = []
        facts: dict[str, Any] = await ctx.run_blocking(_system_facts)
        virt, init, self._virt_ev = await ctx.run_blocking(local_platform.detect,
                                                           os.path.isdir(self.systemd_dir))
        facts.update({"virtualization": virt.to_fact(), "init": init.to_fact()})
        checks += await ctx.run_blocking(self._uptime, th, facts)
        checks += await ctx.run_blocking(self._load, th, facts)
        checks += await ctx.run_blocking(self._memory, th)
        checks += await self._filesystems(th, ctx, facts)
        checks += await ctx.run_blocking(self._temperatures, th, virt)
        checks += await ctx.run_blocking(self._services, th, ctx.remaining(), virt, init)
        if self.posix_probe and local_probe.applies():
            windows = (ctx.windows or CrashWindows()).for_scan(ctx.scan_started)
            probe = await ctx.run_blocking(local_probe.probe_here, host, windows, ctx.remaining() * 0.9)
            checks = local_probe.merge(checks, facts, probe)
        return Collection(checks, facts)

    # -- system ---------------------------------------------------------------

    def _uptime(self, th: Thresholds, facts: dict[str, Any]) -> list[CheckResult]:
        try:
            boot_ts = psutil.boot_time()
        except Exception as exc:
            return [_failed("system.uptime", "boot time", "psutil.boot_time()", exc)]
        boot = BootInfo(datetime.fromtimestamp(boot_ts, UTC), utcnow())
        facts["boot_time"] = iso(boot.boot_time)
        ev = _api("psutil.boot_time()", f"{boot_ts} ({iso(boot.boot_time)})")
        return check_uptime(boot, th, ev)

    def _load(self, th: Thresholds, facts: dict[str, Any]) -> list[CheckResult]:
        cores = psutil.cpu_count(logical=True)
        facts["cores"] = cores
        try:
            one, five, fifteen = os.getloadavg()
        except (AttributeError, OSError) as exc:  # no load average on Windows
            return [_failed("cpu.load", "load average", "os.getloadavg()", exc)]
        ev = _api("os.getloadavg() + psutil.cpu_count()", f"loadavg=({one}, {five}, {fifteen}) cores={cores}")
        return check_load(LoadAvg(one, five, fifteen, cores), th, ev)

    def _memory(self, th: Thresholds) -> list[CheckResult]:
        try:
            vm, sw = psutil.virtual_memory(), psutil.swap_memory()
        except Exception as exc:
            return [_failed("mem.used", "memory", "psutil.virtual_memory()", exc),
                    _failed("swap.used", "swap", "psutil.swap_memory()", exc)]
        ev = _api("psutil.virtual_memory() + psutil.swap_memory()",
                  f"total={vm.total} available={vm.available} used={vm.used} free={vm.free}; "
                  f"swap total={sw.total} used={sw.used} free={sw.free}")
        return check_memory(MemInfo(vm.total, vm.available, sw.total, sw.free), th, ev)

    def _temperatures(self, th: Thresholds, virt: Virt) -> list[CheckResult]:
        source = "psutil.sensors_temperatures()"
        try:
            raw = psutil.sensors_temperatures()  # type: ignore[attr-defined,unused-ignore]
        except AttributeError:
            reason = msg("local.nosensors.reason", platform=sys.platform)
            return [judged("temp", State.UNKNOWN, msg("local.nosensors"), _api(source, reason.en),
                           reason=reason)]
        except Exception as exc:
            return [_failed("temp", "temperature sensors", source, exc)]
        return check_temperatures(sensors_from_psutil(raw), th,
                                  _api(source, repr(raw) if raw else "{} (no sensors)"), virt, self._virt_ev)

    # -- filesystems ----------------------------------------------------------

    async def _filesystems(self, th: Thresholds, ctx: CollectContext,
                           facts: dict[str, Any]) -> list[CheckResult]:
        source = "psutil.disk_partitions(all=True)"
        try:
            parts = await ctx.run_blocking(psutil.disk_partitions, True)
        except Exception as exc:
            return [_failed("fs.used", "mount table", source, exc)]
        fstab = await ctx.run_blocking(self._read_fstab)
        entries = [MountEntry(p.mountpoint, p.device, p.fstype, parse_options(p.opts)) for p in parts]
        kept, skipped = select_mounts(entries)
        facts["mounts_skipped"] = skipped_summary(skipped)
        if not kept:
            listing = "\n".join(f"{e.device} {e.mount} {e.fstype}: {why}" for e, why in skipped)
            return [judged("fs.used", State.UNKNOWN, msg("local.nofs"),
                           _api(source, listing or "(empty mount table)"), reason=msg("local.nofs.reason"))]
        checks: list[CheckResult] = []
        rw = [e for e in kept if not e.readonly]
        usages = dict(zip((e.mount for e in rw),
                          await asyncio.gather(*(self._usage(e, th, ctx) for e in rw)), strict=True))
        for entry in kept:
            checks += usages.get(entry.mount, [])
            line = (f"device={entry.device} mountpoint={entry.mount} fstype={entry.fstype} "
                    f"opts={','.join(entry.options)}")
            if fstab is not None and entry.mount in fstab:
                line += f"\n/etc/fstab options: {','.join(fstab[entry.mount])}"
            checks += check_readonly(entry, th, _api(source, line), fstab)
        return checks

    def _read_fstab(self) -> dict[str, tuple[str, ...]] | None:
        try:
            with open(self.fstab_path, encoding="utf-8", errors="replace") as fh:
                return parse_fstab(fh.read())
        except OSError:
            return None

    async def _usage(self, entry: MountEntry, th: Thresholds, ctx: CollectContext) -> list[CheckResult]:
        mount = entry.mount
        source = f"psutil.disk_usage({mount!r}) + os.statvfs({mount!r})"
        timeout = max(0.05, min(self.statvfs_timeout, ctx.remaining() * 0.8 - 0.2))

        try:
            du, st = await call_bounded(lambda: self.read_usage(mount), timeout,
                                        name=f"fleetcheck-statvfs:{mount}")
        except TimeoutError:
            p = {"mount": mount, "timeout": timeout, "device": entry.device, "fstype": entry.fstype}
            ev = _api(source, f"no answer within {timeout:.1f} s")
            return [judged(f"fs.used:{mount}", State.UNKNOWN, msg("local.statvfs", **p), ev,
                           reason=msg("local.statvfs.reason", **p), fix=msg("local.statvfs.fix", **p))]
        except Exception as exc:  # one unreadable mount must not cost the others
            return [_failed(f"fs.used:{mount}", f"usage of {mount}", source, exc)]
        inodes = ("no statvfs on this platform" if st is None else
                  f"f_frsize={st.f_frsize} f_blocks={st.f_blocks} f_bfree={st.f_bfree} "
                  f"f_bavail={st.f_bavail} (reserved {(st.f_bfree - st.f_bavail) * st.f_frsize} B); "
                  f"f_files={st.f_files} f_ffree={st.f_ffree} f_favail={st.f_favail}")
        ev = _api(source, f"total={du.total} used={du.used} free={du.free} percent={du.percent}; {inodes}")
        fs = FsUsage(mount, entry.fstype, entry.device, du.total, du.used, du.free,
                     None if st is None else st.f_files, None if st is None else st.f_ffree, entry.options)
        return check_fs_usage(fs, th, ev)

    def read_usage(self, mount: str) -> tuple[Any, Any]:
        """psutil.disk_usage and os.statvfs of one mount; may block forever on a dead mount."""
        statvfs = getattr(os, "statvfs", None)  # absent on Windows: no inode counts there
        return psutil.disk_usage(mount), None if statvfs is None else statvfs(mount)

    # -- services -------------------------------------------------------------

    def _services(self, th: Thresholds, remaining: float, virt: Virt, init: Init) -> list[CheckResult]:
        if not os.path.isdir(self.systemd_dir):
            missing = f"{self.systemd_dir} does not exist (systemd is not PID 1)"
            evidence = [Evidence.of(self.systemd_dir, missing, utcnow(), kind="file"), self._virt_ev]
            return without_systemd(init, virt, evidence) or systemd_not_running(evidence)
        exe = shutil.which(self.systemctl)
        command = " ".join((self.systemctl, *SYSTEMCTL_ARGS))
        if exe is None:
            why = msg("local.systemctl.missing", systemctl=self.systemctl)
            return units_unreadable(why, Evidence.of(command, why.en, utcnow()),
                                    fix=msg("local.systemctl.missing.fix"))
        timeout = max(0.1, min(self.command_timeout, remaining * 0.8 - 0.2))
        env = dict(os.environ, LC_ALL="C", SYSTEMD_COLORS="0", SYSTEMD_PAGER="")
        try:
            proc = subprocess.run([exe, *SYSTEMCTL_ARGS], capture_output=True, text=True, timeout=timeout,
                                  env=env, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            why = msg("local.systemctl.timeout", timeout=timeout)
            return units_unreadable(why, Evidence.of(command, why.en, utcnow()))
        except OSError as exc:
            why = msg("local.systemctl.nostart", error=str(exc))
            return units_unreadable(why, Evidence.of(command, why.en, utcnow()))
        raw = f"exit {proc.returncode}\n{proc.stdout}" + (f"\nstderr: {proc.stderr}" if proc.stderr else "")
        ev = Evidence.of(command, raw, utcnow())
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["no error message"])[0]
            return units_unreadable(msg("local.systemctl.exit", status=proc.returncode, error=first), ev)
        try:
            units = parse_failed_units(proc.stdout)
        except ValueError as exc:
            return units_unreadable(msg("local.systemctl.odd", error=str(exc)), ev,
                                    fix=msg("local.systemctl.odd.fix"))
        return check_failed_units(units, th, ev)
