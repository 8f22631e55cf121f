"""macOS: check families from the POSIX probe's sections (sw_vers, sysctl, df, vm_stat, logs, diskutil)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fleetcheck.core.checks import filesystem, load, macos, memory, msg, unknown, uptime
from fleetcheck.core.checks.virt import detect_macos
from fleetcheck.core.contracts import EventWindows
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.cups import print_queues
from fleetcheck.core.probes.posix.family import Ctx, guarded
from fleetcheck.core.probes.posix.sections import ProbeOutput, Section, no_section, problem
from fleetcheck.core.results import CheckResult

_MOUNT = re.compile(r"^(.+?) on (.+) \(([^)]*)\)$")
_SIZE = re.compile(r"(total|used|free) = ([\d.]+)([KMGT])")
_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _get(ctx: Ctx, name: str, check_id: str, what: str) -> tuple[Section | None, CheckResult | None]:
    sec = ctx.sec(name)
    bad = problem(sec, check_id, what, ctx.observed)
    return (None, bad) if bad is not None else (sec, None)


def _mounts(text: str) -> list[filesystem.MountEntry]:
    out = []
    for line in text.splitlines():
        m = _MOUNT.match(line.strip())
        if m:
            opts = [o.strip() for o in m.group(3).split(",")]
            fstype = opts[0] if opts else ""
            options = tuple("ro" if o == "read-only" else o for o in opts[1:])
            out.append(filesystem.MountEntry(m.group(2), m.group(1), fstype, options))
    if not out:
        raise ValueError("no mount lines")
    return out


DfRow = tuple[int, int, int, int | None, int | None]


def _df(text: str) -> dict[str, DfRow]:
    """mount -> (total, used, avail, inodes_total, inodes_free) in bytes, from `df -kil`."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].startswith("Filesystem"):
        raise ValueError("df output has no header line")
    with_inodes = "iused" in lines[0]
    out = {}
    for line in lines[1:]:
        f = line.split()
        n = 8 if with_inodes else 5
        if len(f) < n + 1 or not f[1].isdigit():
            continue
        itotal = ifree = None
        if with_inodes and f[5].isdigit() and f[6].isdigit():
            itotal, ifree = int(f[5]) + int(f[6]), int(f[6])
        out[" ".join(f[n:])] = (int(f[1]) * 1024, int(f[2]) * 1024, int(f[3]) * 1024, itotal, ifree)
    return out


def filesystems(ctx: Ctx) -> list[CheckResult]:
    df, bad = _get(ctx, "df", "fs.used", "filesystem usage")
    mounts, bad2 = _get(ctx, "mounts", "fs.readonly", "read-only mounts")
    if df is None or mounts is None:
        return [b for b in (bad, bad2) if b is not None]
    evidence = [df.evidence(ctx.observed), mounts.evidence(ctx.observed)]

    def judge(read: tuple[list[filesystem.MountEntry], dict[str, DfRow]]) -> list[CheckResult]:
        entries, space = read
        kept, _ = filesystem.select_mounts(entries)
        results: list[CheckResult] = []
        for e in kept:
            results += filesystem.check_readonly(e, ctx.thresholds, evidence, None)
            if e.readonly or e.mount not in space:
                continue
            total, used, avail, itotal, ifree = space[e.mount]
            if e.fstype == "apfs" and itotal is not None:
                itotal = 0  # APFS allocates inodes on demand: its df figures are not a limit
            results += filesystem.check_fs_usage(filesystem.FsUsage(
                e.mount, e.fstype, e.device, total, used, avail, itotal, ifree, e.options),
                ctx.thresholds, evidence)
        return results

    return guarded(ctx, df, "fs.used", "filesystem usage", lambda: (_mounts(mounts.text), _df(df.text)),
                   judge)


def _sysctl_numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def cpu_and_boot(ctx: Ctx) -> list[CheckResult]:
    results: list[CheckResult] = []
    la, bad = _get(ctx, "loadavg", "cpu.load", "CPU load")
    ncpu = ctx.sec("nproc")
    if la is None:
        results.append(bad or no_section("cpu.load", "CPU load"))
    else:
        def parse_load() -> load.LoadAvg:
            one, five, fifteen = _sysctl_numbers(la.text)[:3]
            cores = int(ncpu.text.split()[0]) if ncpu is not None and ncpu.text.strip().isdigit() else None
            return load.LoadAvg(one, five, fifteen, cores)
        ev = [la.evidence(ctx.observed)] + ([ncpu.evidence(ctx.observed)] if ncpu else [])
        results += guarded(ctx, la, "cpu.load", "CPU load", parse_load,
                           lambda avg: load.check_load(avg, ctx.thresholds, ev))
    bt, bad = _get(ctx, "boottime", "system.uptime", "uptime")
    if bt is None:
        results.append(bad or no_section("system.uptime", "uptime"))
    else:
        def parse_boot() -> uptime.BootInfo:
            m = re.search(r"sec = (\d+)", bt.text)
            if m is None:
                raise ValueError("no 'sec =' in kern.boottime")
            return uptime.BootInfo(datetime.fromtimestamp(int(m.group(1)), UTC), ctx.until)
        results += guarded(ctx, bt, "system.uptime", "uptime", parse_boot,
                           lambda info: uptime.check_uptime(info, ctx.thresholds, bt.evidence(ctx.observed)))
    return results


def mem(ctx: Ctx) -> list[CheckResult]:
    results: list[CheckResult] = []
    size, vm, swap = ctx.sec("memsize"), ctx.sec("vm_stat"), ctx.sec("swapusage")
    bad = problem(size, "mem.used", "memory", ctx.observed) or problem(vm, "mem.used", "memory", ctx.observed)
    if bad is not None or size is None or vm is None:
        results.append(bad or no_section("mem.used", "memory"))
    else:
        def parse() -> memory.MemInfo:
            page = int(re.search(r"page size of (\d+) bytes", vm.text).group(1))  # type: ignore[union-attr]
            pages = {k.strip(): int(v.strip().rstrip(".")) for k, v in
                     (line.split(":", 1) for line in vm.text.splitlines()[1:] if ":" in line)
                     if v.strip().rstrip(".").isdigit()}
            available = (pages["Pages free"] + pages.get("Pages inactive", 0)
                         + pages.get("Pages speculative", 0)) * page
            swap_total = swap_free = 0
            if swap is not None and swap.exit_status == 0:
                sizes = {k: float(v) * _UNITS[u] for k, v, u in _SIZE.findall(swap.text)}
                swap_total, swap_free = int(sizes.get("total", 0)), int(sizes.get("free", 0))
            return memory.MemInfo(int(size.text.split()[0]), available, swap_total, swap_free)
        ev = [s.evidence(ctx.observed) for s in (size, vm, swap) if s is not None]
        results += guarded(ctx, vm, "mem.used", "memory", parse,
                           lambda info: memory.check_memory(info, ctx.thresholds, ev))
    level, bad = _get(ctx, "pressure_level", "mem.pressure", "memory pressure")
    if level is None:
        results.append(bad or no_section("mem.pressure", "memory pressure"))
    else:
        detail_sec = ctx.sec("memory_pressure")
        detail = next((line for line in (detail_sec.lines if detail_sec else [])
                       if "free percentage" in line), "")
        ev = [s.evidence(ctx.observed) for s in (level, detail_sec) if s is not None]
        results += guarded(ctx, level, "mem.pressure", "memory pressure", lambda: int(level.text.split()[0]),
                           lambda n: macos.check_pressure(n, ev, detail))
    return results


def crashes(ctx: Ctx) -> list[CheckResult]:
    results: list[CheckResult] = []
    panics = ctx.sec("panics")
    if panics is None:
        results.append(no_section("kernel.errors", "kernel panics"))
    elif panics.denied:
        results.append(unknown("kernel.errors", msg("mac.panics.denied"), msg("mac.panics.denied.reason"),
                               msg("mac.panics.denied.fix"), [panics.evidence(ctx.observed)]))
    else:
        raw = "\n".join(f"{arg}\n{body}" for arg, body in panics.files) or "no panic reports"
        panic_evidence = panics.evidence(ctx.observed, raw=raw)
        results += guarded(ctx, panics, "kernel.errors", "kernel panics",
                           lambda: macos.parse_panics(panics.files),
                           lambda read: macos.check_panics(read, ctx.since("kernel.errors"), ctx.until,
                                                           ctx.thresholds,
                                                           panic_evidence))
    causes, bad = _get(ctx, "shutdown_causes", "boot.unexpected", "unexpected shutdowns")
    if causes is None:
        results.append(bad or no_section("boot.unexpected", "unexpected shutdowns"))
    else:
        results += guarded(ctx, causes, "boot.unexpected", "unexpected shutdowns",
                           lambda: macos.parse_shutdown_causes(causes.text),
                           lambda read: macos.check_shutdown_causes(
                               read, ctx.since("boot.unexpected"), ctx.until, ctx.thresholds,
                               causes.evidence(ctx.observed)))
    return results


def disks(ctx: Ctx) -> list[CheckResult]:
    listing, bad = _get(ctx, "disks", "disk.smart", "disk health")
    if listing is None:
        return [bad or no_section("disk.smart", "disk health")]
    results: list[CheckResult] = []
    listed = [line.split()[0] for line in listing.lines if line.startswith("/dev/disk")][:8]  # script: 8
    for disk in listed:
        sec = ctx.sec("diskutil", disk)
        if sec is None:
            results.append(no_section(f"disk.smart:{disk}", f"SMART of {disk}"))
            continue
        bad = problem(sec, f"disk.smart:{disk}", f"SMART of {disk}", ctx.observed)
        results += [bad] if bad else macos.check_disk_smart(disk, macos.parse_diskutil(sec.text),
                                                              [listing.evidence(ctx.observed),
                                                               sec.evidence(ctx.observed)])
    if not results:
        results.append(unknown("disk.smart", msg("mac.disks.none"), msg("mac.disks.none.reason"), None,
                               [listing.evidence(ctx.observed)]))
    return results


def macos_checks(out: ProbeOutput, host: Host, since: EventWindows, until: datetime, observed: datetime,
                 facts: dict[str, Any]) -> list[CheckResult]:
    ctx = Ctx(out, host.thresholds, since, until, observed, observed)
    vers = out.get("sw_vers")
    if vers is not None:
        info = dict(line.split(":", 1) for line in vers.lines if ":" in line)
        name = " ".join(v.strip() for k, v in info.items() if k.strip() in ("ProductName", "ProductVersion"))
        facts["os"] = name or "macOS"
    virt = out.get("virt")
    if virt is not None:  # kern.hv_vmm_present, hw.model (checks/virt.py)
        signals = dict(line.partition("=")[::2] for line in virt.lines if "=" in line)
        facts["virtualization"] = detect_macos(signals).to_fact()
    results: list[CheckResult] = []
    for family in (filesystems, cpu_and_boot, mem, crashes, disks):
        results += family(ctx)
    results += print_queues(ctx, host.kind == "printserver")
    facts["window"] = {"since": since.to_fact(), "until": until.isoformat()}
    return results
