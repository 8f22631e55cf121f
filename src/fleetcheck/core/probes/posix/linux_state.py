"""Linux: build the shared check families' dataclasses from the probe's sections.

State-of-the-system families (filesystems, load, memory, uptime, failed
units, disks, pending reboot, clock, temperatures). The crash-event families
are in linux_events.py. Every family turns a missing section, a
missing tool, a denied command or unparsable output into its own UNKNOWN.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fleetcheck.core.checks import (
    filesystem,
    load,
    mdraid,
    memory,
    msg,
    services,
    smart,
    temperature,
    unknown,
    uptime,
)
from fleetcheck.core.checks.clock import (
    ClockState,
    check_clock,
    parse_chronyc,
    parse_ntpctl,
    parse_ntpq,
    parse_timedatectl,
)
from fleetcheck.core.checks.init_services import (
    check_init_failed,
    parse_rc_crashed,
    parse_sv_status,
    without_systemd,
)
from fleetcheck.core.checks.pending_reboot import (
    PendingReboot,
    check_pending_reboot,
    kernel_verdict,
    needrestart_verdict,
    packages_from,
)
from fleetcheck.core.i18n import Message
from fleetcheck.core.probes.posix.family import Ctx, guarded
from fleetcheck.core.probes.posix.sections import Section, no_section, problem, unparsable
from fleetcheck.core.results import CheckResult, Evidence


def _df_rows(text: str) -> dict[str, tuple[str, int, int, int]]:
    """mount -> (device, total, used, free) from POSIX df output (`df -Pk`/`df -Pi`)."""
    rows = {}
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].startswith("Filesystem"):
        raise ValueError("df output has no header line")
    for line in lines[1:]:
        fields = line.split()
        if len(fields) < 6:
            raise ValueError(f"short df line: {line[:100]!r}")
        if not fields[1].isdigit():  # "-" for filesystems without a size
            continue
        rows[" ".join(fields[5:])] = (fields[0], int(fields[1]), int(fields[2]), int(fields[3]))
    return rows


def _mounts(text: str) -> list[filesystem.MountEntry]:
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            mount = fields[1].replace("\\040", " ")
            options = filesystem.parse_options(fields[3])
            out.append(filesystem.MountEntry(mount, fields[0], fields[2], options))
    if not out:
        raise ValueError("empty mount table")
    return out


def filesystems(ctx: Ctx) -> list[CheckResult]:
    df, inodes, mounts, fstab = ctx.sec("df"), ctx.sec("df_inodes"), ctx.sec("mounts"), ctx.sec("fstab")
    bad = problem(mounts, "fs.readonly", "read-only mounts", ctx.observed) or \
        problem(df, "fs.used", "filesystem usage", ctx.observed)
    if bad is not None or df is None or mounts is None:
        return [bad] if bad else []
    evidence = [df.evidence(ctx.observed), mounts.evidence(ctx.observed)]

    Read = tuple[list[filesystem.MountEntry], dict[str, tuple[str, int, int, int]],
                 dict[str, tuple[str, int, int, int]], dict[str, tuple[str, ...]] | None]

    def parse() -> Read:
        entries = _mounts(mounts.text)
        space = _df_rows(df.text)
        inode_rows = {}
        if inodes is not None and problem(inodes, "fs.inodes", "inodes", ctx.observed) is None:
            inode_rows = _df_rows(inodes.text)
            evidence.append(inodes.evidence(ctx.observed))
        table = None
        if fstab is not None and not fstab.absent and fstab.exit_status == 0:
            table = filesystem.parse_fstab(fstab.text)
        return entries, space, inode_rows, table

    def judge(read: Read) -> list[CheckResult]:
        entries, space, inode_rows, table = read
        kept, _skipped = filesystem.select_mounts(entries)
        results: list[CheckResult] = []
        for entry in kept:
            results += filesystem.check_readonly(entry, ctx.thresholds, evidence, table)
            if entry.readonly:
                continue
            if entry.mount not in space:
                results.append(unknown(f"fs.used:{entry.mount}", msg("fs.used.nodf", mount=entry.mount),
                                       msg("fs.used.nodf.reason"), None, evidence))
                continue
            _dev, blocks, used, avail = space[entry.mount]
            itotal, ifree = None, None
            if entry.mount in inode_rows:
                _d, itotal, _iused, ifree = inode_rows[entry.mount]
            usage = filesystem.FsUsage(entry.mount, entry.fstype, entry.device, blocks * 1024, used * 1024,
                                       avail * 1024, itotal, ifree, entry.options)
            results += filesystem.check_fs_usage(usage, ctx.thresholds, evidence)
        return results

    return guarded(ctx, df, "fs.used", "filesystem usage", parse, judge)


def cpu_load(ctx: Ctx) -> list[CheckResult]:
    sec, cores = ctx.sec("loadavg"), ctx.sec("nproc")
    if cores is not None and not cores.text.strip():
        cores = ctx.sec("nproc_applet") or cores  # BusyBox: nproc instead of getconf
    bad = problem(sec, "cpu.load", "CPU load", ctx.observed)
    if bad is not None or sec is None:
        return [bad] if bad else []

    def parse() -> load.LoadAvg:
        one, five, fifteen = (float(v) for v in sec.text.split()[:3])
        n = int(cores.text.split()[0]) if cores is not None and cores.text.strip() else None
        return load.LoadAvg(one, five, fifteen, n)

    evidence = [sec.evidence(ctx.observed)] + ([cores.evidence(ctx.observed)] if cores else [])
    return guarded(ctx, sec, "cpu.load", "CPU load", parse,
                   lambda avg: load.check_load(avg, ctx.thresholds, evidence))


def meminfo_values(text: str) -> dict[str, int]:
    """/proc/meminfo in bytes ("MemTotal:  24684092 kB")."""
    out = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        parts = rest.split()
        if sep and parts and parts[0].isdigit():
            out[key.strip()] = int(parts[0]) * (1024 if len(parts) > 1 and parts[1] == "kB" else 1)
    return out


def mem(ctx: Ctx) -> list[CheckResult]:
    sec = ctx.sec("meminfo")
    bad = problem(sec, "mem.used", "memory", ctx.observed)
    if bad is not None or sec is None:
        return [bad] if bad else []

    def parse() -> memory.MemInfo:
        v = meminfo_values(sec.text)
        available = v.get("MemAvailable", v.get("MemFree", 0) + v.get("Buffers", 0) + v.get("Cached", 0))
        return memory.MemInfo(v["MemTotal"], available, v.get("SwapTotal", 0), v.get("SwapFree", 0))

    return guarded(ctx, sec, "mem.used", "memory", parse,
                   lambda info: memory.check_memory(info, ctx.thresholds, sec.evidence(ctx.observed)))


def boot_time(ctx: Ctx) -> list[CheckResult]:
    sec = ctx.sec("uptime")
    bad = problem(sec, "system.uptime", "uptime", ctx.observed)
    if bad is not None or sec is None:
        return [bad] if bad else []

    return guarded(ctx, sec, "system.uptime", "uptime",
                   lambda: uptime.BootInfo.from_uptime(float(sec.text.split()[0]), ctx.until),
                   lambda info: uptime.check_uptime(info, ctx.thresholds, sec.evidence(ctx.observed)))


def failed_units(ctx: Ctx, systemd: bool) -> list[CheckResult]:
    state = ctx.sec("systemd")
    if not systemd:
        return _other_init(ctx, [state.evidence(ctx.observed)] if state else [])
    sec = ctx.sec("failed_units")
    bad = problem(sec, services.CHECK_ID, "failed services", ctx.observed)
    if bad is not None or sec is None:
        return [bad] if bad else []
    evidence = sec.evidence(ctx.observed)
    return guarded(ctx, sec, services.CHECK_ID, "failed services",
                   lambda: services.parse_failed_units(sec.text),
                   lambda units: services.check_failed_units(units, ctx.thresholds, evidence))


def _other_init(ctx: Ctx, evidence: list[Evidence]) -> list[CheckResult]:
    """Services without systemd: OpenRC's or runit's own tool, N/A in a container without init."""
    evidence += ctx.virt_evidence()
    name = ctx.init.name
    sec = ctx.sec(name) if name in ("openrc", "runit") else None
    if name is None or sec is None or sec.missing:
        return without_systemd(ctx.init, ctx.virt, evidence) or services.systemd_not_running(evidence)
    # rc-status --crashed exits 1 when none crashed; sv's status counts services it could not read
    bad = problem(sec, services.CHECK_ID, "failed services", ctx.observed,
                  ok_exits=(0, 1) if name == "openrc" else range(100))
    if bad is not None:
        return [bad]
    label = "OpenRC" if name == "openrc" else "runit"

    def parse() -> list[tuple[str, str]]:
        if name == "openrc":
            return parse_rc_crashed(sec.text, sec.exit_status)
        return parse_sv_status(sec.text)[0]

    return guarded(ctx, sec, services.CHECK_ID, "failed services", parse, lambda failed: check_init_failed(
        label, failed, ctx.thresholds, [*evidence, sec.evidence(ctx.observed)]))


SMART_DEVICES = 16  # posix.sh: `head -n 16` of the scan


def disks(ctx: Ctx) -> list[CheckResult]:
    results: list[CheckResult] = []
    md = ctx.sec("mdstat")
    if md is not None and md.absent:
        results += mdraid.no_arrays(md.evidence(ctx.observed), True)
    elif md is not None and md.exit_status == 0:
        md_evidence = md.evidence(ctx.observed)
        results += guarded(ctx, md, "disk.raid", "software RAID", lambda: mdraid.parse_mdstat(md.text),
                           lambda arrays: [r for a in arrays for r in mdraid.check_md(a, md_evidence)]
                           or mdraid.no_arrays(md_evidence, False))
    scan = ctx.sec("smart_scan")
    block = ctx.sec("block")
    context = ([block.evidence(ctx.observed)] if block is not None else []) + ctx.virt_evidence()
    bad = problem(scan, smart.CHECK_ID, "disk health (SMART)", ctx.observed,
                  fix_denied=None if ctx.as_root else smart.ROOT_FIX)
    if (bad is not None and scan is not None and scan.missing and ctx.disks is not None
            and not any(d.real for d in ctx.disks)):  # no disk smartctl could read: installing it won't help
        return results + smart.no_devices([scan.evidence(ctx.observed), *context], ctx.as_root, ctx.virt,
                                          ctx.disks)
    if bad is not None or scan is None:
        return results + ([bad] if bad else [])
    listed = smart.parse_scan(scan.text)
    if not listed:
        return results + smart.no_devices([scan.evidence(ctx.observed), *context], ctx.as_root, ctx.virt,
                                          ctx.disks)
    for name, _dtype in listed[:SMART_DEVICES]:  # the script reads at most this many
        check_id = f"{smart.CHECK_ID}:{name}"
        dev = ctx.sec("smart", name)
        if dev is None:
            results.append(no_section(check_id, f"SMART of {name}"))
            continue
        ev = [scan.evidence(ctx.observed), dev.evidence(ctx.observed)]
        if dev.missing or dev.timed_out or not dev.text.strip():
            bad = problem(dev, check_id, f"SMART of {dev.item}", ctx.observed,
                          fix_denied=None if ctx.as_root else smart.ROOT_FIX,
                          ok_exits=range(256))
            results.append(bad or unparsable(dev, check_id, f"SMART of {dev.item}", ctx.observed,
                                             "no output"))
            continue
        results += _smart(ctx, dev, check_id, ev)
    return results


def _smart(ctx: Ctx, dev: Section, check_id: str, evidence: list[Evidence]) -> list[CheckResult]:
    return guarded(ctx, dev, check_id, f"SMART of {dev.item}",
                   lambda: smart.parse_smart_json(dev.text, dev.item or "?", dev.exit_status),
                   lambda report: smart.check_smart(report, evidence))


def pending_reboot(ctx: Ctx) -> list[CheckResult]:
    """The first mechanism with positive evidence answers; none: UNKNOWN naming what was looked at."""
    sec = ctx.sec("reboot_required")
    if sec is None:
        return [no_section("reboot.pending", "pending reboot")]
    values = dict(line.partition("=")[::2] for line in sec.lines if "=" in line)
    markers = [line.split("=", 1)[1] for line in sec.lines if line.startswith("marker_pkg=")]
    installed = [tuple(line.split("=", 1)[1].split(" ", 1)) for line in sec.lines
                 if line.startswith("kernel_installed=") and " " in line]
    evidence = [sec.evidence(ctx.observed, raw="\n".join(sec.lines) or "no /run/reboot-required")]
    looked = ["reboot.looked.nofile"]  # message codes; their parameters in `seen`
    seen: dict[str, Any] = {}
    if "file" in values:
        mtime = values.get("mtime", "")
        since = datetime.fromtimestamp(int(mtime), UTC) if mtime.isdigit() else None
        state = PendingReboot(True, since, packages_from(sec.lines), values["file"])
        return check_pending_reboot(state, ctx.until, ctx.thresholds, evidence)
    tools = (("needs_restarting", "needs-restarting -r", (0, 1), 1),
             ("zypper_reboot", "zypper needs-rebooting", (0, 102), 102))
    no_answer = {"needs_restarting": "reboot.looked.needs_restarting",
                 "zypper_reboot": "reboot.looked.zypper"}
    for name, what, answers, needed in tools:
        tool = ctx.sec(name)
        if tool is not None and not tool.missing and tool.exit_status in answers:
            evidence.append(tool.evidence(ctx.observed))
            state = PendingReboot(tool.exit_status == needed, None, (), what)
            return check_pending_reboot(state, ctx.until, ctx.thresholds, evidence)
        if tool is not None:
            looked.append(no_answer[name])
            seen[f"{name}_exit"] = tool.exit_status
    nr = ctx.sec("needrestart")
    if nr is not None and not nr.missing and (verdict := needrestart_verdict(nr.text)) is not None:
        evidence.append(nr.evidence(ctx.observed))
        return check_pending_reboot(verdict, ctx.until, ctx.thresholds, evidence)
    if nr is not None:
        looked.append("reboot.looked.needrestart")
    kernel, kernel_seen = kernel_verdict(values.get("kernel_running", ""), installed)  # type: ignore[arg-type]
    if kernel is not None and (kernel.required or not markers):
        return check_pending_reboot(kernel, ctx.until, ctx.thresholds, evidence)
    if markers:
        state = PendingReboot(False, None, (), f"no /run/reboot-required, kept by {', '.join(markers)}")
        return check_pending_reboot(state, ctx.until, ctx.thresholds, evidence)
    if kernel_seen is not None:
        looked.append(kernel_seen.code)
        seen.update(kernel_seen.params)
    fix: Message | None
    if values.get("dpkg") == "yes":
        looked.append("reboot.looked.nomarker")
        fix = msg("reboot.unchecked.fix.deb")
    else:
        fix = msg("reboot.unchecked.fix.rpm") if ctx.sec("zypper_reboot") is None else None
    return check_pending_reboot(PendingReboot(None), ctx.until, ctx.thresholds, evidence,
                                msg("reboot.unchecked.looked", looked=looked, **seen), fix)


def clock(ctx: Ctx) -> list[CheckResult]:
    skew = None
    now = ctx.out.meta.get("now", "")
    if now.isdigit():
        skew = int(now) - ctx.scanner_now.timestamp()
    sources = [("timedatectl", parse_timedatectl), ("timedatectl_text", parse_timedatectl),
               ("chronyc", parse_chronyc), ("ntpq", parse_ntpq), ("ntpctl", parse_ntpctl)]
    evidence = []
    tried = []
    for name, parser in sources:
        sec = ctx.sec(name)
        if sec is None or sec.missing or sec.exit_status != 0 or not sec.text.strip():
            if sec is not None:
                evidence.append(sec.evidence(ctx.observed))
                tool = sec.missing[0] if sec.missing else name.split("_")[0]
                tried.append(f"{tool}: " + ("not installed" if sec.missing else
                                            f"exit {sec.exit_status}" if sec.exit_status else "no output"))
            continue
        try:
            state = parser(sec.text)
        except ValueError as exc:
            evidence.append(sec.evidence(ctx.observed))
            tried.append(f"{name}: {exc}")
            continue
        return check_clock(state, skew, [sec.evidence(ctx.observed)])
    listed = ctx.sec("time_daemons")
    daemons = None if listed is None else tuple(line.strip() for line in listed.lines if line.strip())
    if listed is not None:
        evidence.append(listed.evidence(ctx.observed, raw="\n".join(daemons or ()) or "(none running)"))
    if skew is not None:
        evidence.append(Evidence.of("the host's `date +%s` against the scanner's clock",
                                    f"host {now}, scanner {ctx.scanner_now.timestamp():.0f}", ctx.observed))
    return check_clock(ClockState(None), skew, evidence, "; ".join(tried), daemons)


def _sensors_json(text: str) -> list[temperature.Sensor]:
    data = json.loads(text)
    pairs, readings = [], []
    for chip, features in data.items():
        if not isinstance(features, dict):
            continue
        for label, values in features.items():
            if not isinstance(values, dict):
                continue
            inputs = {k.split("_", 1)[1]: v for k, v in values.items()
                      if k.startswith("temp") and "_" in k and isinstance(v, int | float)}
            if "input" not in inputs:
                continue
            pairs.append((chip.split("-")[0], label))
            readings.append((float(inputs["input"]), inputs.get("max"), inputs.get("crit")))
    return [temperature.Sensor(name, cur, hi, crit)
            for name, (cur, hi, crit) in zip(temperature.sensor_names(pairs), readings, strict=True)]


def _zones(lines: list[str]) -> list[temperature.Sensor]:
    pairs, readings = [], []
    for line in lines:
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f and not f.startswith("trip="))
        trips = dict(f[5:].split(":", 1) for f in line.split() if f.startswith("trip=") and ":" in f)
        if "temp" not in fields or not fields["temp"].lstrip("-").isdigit():
            continue
        crit = trips.get("critical") or trips.get("hot")
        high = trips.get("passive")
        pairs.append((fields.get("type") or fields.get("zone", "zone"), ""))
        readings.append((int(fields["temp"]) / 1000,
                         int(high) / 1000 if high and high.isdigit() else None,
                         int(crit) / 1000 if crit and crit.isdigit() else None))
    return [temperature.Sensor(name, cur, hi, cr)
            for name, (cur, hi, cr) in zip(temperature.sensor_names(pairs), readings, strict=True)]


def temperatures(ctx: Ctx) -> list[CheckResult]:
    zones, sensors = ctx.sec("thermal"), ctx.sec("sensors")
    if sensors is not None and problem(sensors, "temp", "temperatures", ctx.observed) is None:
        found = guarded(ctx, sensors, "temp", "temperatures", lambda: _sensors_json(sensors.text),
                        lambda read: temperature.check_temperatures(read, ctx.thresholds,
                                                                    sensors.evidence(ctx.observed), ctx.virt,
                                                                    ctx.virt_evidence()))
        if found and found[0].id != "temp":
            return found
    if zones is None:
        return [no_section("temp", "temperatures")]
    evidence = [zones.evidence(ctx.observed, raw="\n".join(zones.lines) or "no /sys/class/thermal zones")]
    if sensors is not None:
        evidence.append(sensors.evidence(ctx.observed))
    return temperature.check_temperatures(_zones(zones.lines), ctx.thresholds, evidence, ctx.virt,
                                          ctx.virt_evidence())
