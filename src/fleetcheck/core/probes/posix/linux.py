"""All Linux check families from one POSIX probe run, plus the facts a host view shows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fleetcheck.core.checks import msg, not_applicable
from fleetcheck.core.checks.virt import detect_init, detect_linux
from fleetcheck.core.contracts import EventWindows
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix import cups
from fleetcheck.core.probes.posix import linux_events as events
from fleetcheck.core.probes.posix import linux_state as sysfam
from fleetcheck.core.probes.posix.family import Ctx
from fleetcheck.core.probes.posix.sections import ProbeOutput
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State


def _os_name(out: ProbeOutput) -> str | None:
    sec = out.get("os_release")
    if sec is None:
        return None
    for line in sec.lines:
        key, _, value = line.partition("=")
        if key == "PRETTY_NAME":
            return value.strip().strip('"')
    return None


def systemd_running(out: ProbeOutput) -> bool:
    """Detected through `systemctl is-system-running` (missing or 'offline' = no systemd as PID 1)."""
    sec = out.get("systemd")
    if sec is None or sec.missing:
        return False
    said = " ".join(sec.lines + sec.stderr)
    return not ("offline" in said or "not been booted with systemd" in said or "Host is down" in said)


def linux_checks(out: ProbeOutput, host: Host, since: EventWindows, until: datetime, observed: datetime,
                 facts: dict[str, Any], previous: Mapping[str, Any] | None = None) -> list[CheckResult]:
    ctx = Ctx(out, host.thresholds, since, until, observed, observed)
    ctx.previous = previous or {}
    systemd = systemd_running(out)
    state = out.get("systemd")
    facts.update({"os": _os_name(out) or "Linux", "systemd": systemd,
                  "systemd_state": " ".join(state.lines).strip() if state else None})
    virt = out.get("virt")
    signals = dict(line.partition("=")[::2] for line in virt.lines if "=" in line) if virt else {}
    ctx.virt, ctx.init = detect_linux(signals), detect_init(signals, systemd)
    if virt is not None:
        facts.update({"virtualization": ctx.virt.to_fact(), "init": ctx.init.to_fact()})
    if ctx.disks is not None:
        facts["disks"] = [d.describe() for d in ctx.disks[:32]]
    boot = out.get("boot_id")
    if boot is not None and boot.text:
        facts["boot_id"] = boot.text.strip()
    results: list[CheckResult] = []
    for family in (sysfam.filesystems, sysfam.cpu_load, sysfam.mem, sysfam.boot_time):
        results += family(ctx)
    results += sysfam.failed_units(ctx, systemd)
    results += events.boots(ctx, systemd)
    results += events.kernel_and_oom(ctx, systemd)
    if ctx.oom_counter is not None:  # the next scan's "since the previous scan" (same boot id only)
        facts["oom_kill_counter"] = ctx.oom_counter
    results += events.app_crashes(ctx, systemd)
    results += sysfam.disks(ctx)
    results += sysfam.pending_reboot(ctx)
    results += sysfam.clock(ctx)
    results += sysfam.temperatures(ctx)
    results += cups.print_queues(ctx, host.kind == "printserver")
    facts["window"] = {"since": since.to_fact(), "until": until.isoformat()}
    return [_in_container(r, ctx) for r in results] if ctx.virt.kind == "container" else results


# What a container cannot know, and why: kept apart from its other UNKNOWNs (denied, timed out),
# which a fix can change. (check id, what, words of the "nothing recorded" summary, why it is the host's)
_HOSTS_BUSINESS = (
    ("boot.unexpected", "what.reboots", ("wtmp records no boots", "cause unknown"), "container.na.reboots"),
    ("apps.crashes", "what.crashes", ("no crash recorder",), "container.na.crashes"),
    ("reboot.pending", "what.reboot_pending", ("no evidence either way",), "container.na.kernel"),
)


def _in_container(result: CheckResult, ctx: Ctx) -> CheckResult:
    for check_id, what, words, why in _HOSTS_BUSINESS:
        if result.id != check_id or result.state is not State.UNKNOWN:
            continue
        if any(w in result.summary for w in words):
            p = {**ctx.virt.params(), "what": what, "why": why}
            return not_applicable(check_id, msg("container.na", **p), msg("container.na.reason", **p),
                                  [*result.evidence, *ctx.virt_evidence()],
                                  details=f"without the container: {result.reason}")
    return result
