"""The Windows probe for OpenSSH on Windows: a constant PowerShell script, parsed here.

Remote command (a constant, computed once):

    powershell.exe -NoProfile -NonInteractive -EncodedCommand <base64 of UTF-16LE BOOTSTRAP>

Win32-OpenSSH runs a command through its default shell (cmd.exe unless
configured otherwise); -EncodedCommand needs no quoting in cmd, PowerShell or
pwsh. cmd.exe caps a command line at 8191 characters and -EncodedCommand
inflates text ~2.7x, which leaves ~3000 characters of script: too little for
the real one. So the encoded part is a small bootstrap (~650 characters
encoded) that reads the real script (windows.ps1, packaged) from standard
input and runs it; `stdin()` sends it. Nothing from the inventory is
interpolated into either: the event lookback is fixed in the script and the
scan window (`since`) is applied here.

`powershell.exe` is Windows PowerShell 5.1, on every Windows since 10 /
Server 2016; the script also runs on PowerShell 7 and the parser reads both
output formats (see psjson.py).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Any

from fleetcheck.core.checks import msg, unknown
from fleetcheck.core.checks.filesystem import FsUsage
from fleetcheck.core.checks.memory import check_memory
from fleetcheck.core.checks.virt import detect_windows
from fleetcheck.core.checks.windows import (
    apps,
    defender,
    disk,
    power,
    printers,
    reboot,
    services,
    system,
    updates,
)
from fleetcheck.core.contracts import Collection, EventWindows, ProbeRun
from fleetcheck.core.i18n import what_params
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.judging import judging_failed
from fleetcheck.core.probes.windows import read
from fleetcheck.core.probes.windows.psjson import (
    ProbeOutput,
    PsShapeError,
    Section,
    as_int,
    decode_stderr,
    decode_stdout,
    ps_time,
    split_sections,
)
from fleetcheck.core.probes.windows.sections import (
    missing_section,
    section_evidence,
    section_unknown,
    source_of,
)
from fleetcheck.core.results import CheckResult, Evidence, HostResult, cap_text
from fleetcheck.core.thresholds import Thresholds

OUTPUT_CHECK = "probe.output"
# `$input` enumerates standard input's lines (the pattern Ansible's Windows bootstrap uses over
# SSH and WinRM); the script is rejoined and run as a script block.
BOOTSTRAP = (
    "$ProgressPreference='SilentlyContinue';$s=@($input) -join \"`n\";"
    "if(-not $s.Trim()){'{\"section\":\"bootstrap\",\"error\":{\"fqid\":\"NoScriptOnStdin\","
    "\"message\":\"the probe script did not arrive on standard input\"}}';exit 3};"
    "&([ScriptBlock]::Create($s))"
)


def script_bytes() -> bytes:
    return resources.files("fleetcheck.core.probes.windows").joinpath("windows.ps1").read_bytes()


def encode_command(script: str) -> str:
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


COMMAND = f"powershell.exe -NoProfile -NonInteractive -EncodedCommand {encode_command(BOOTSTRAP)}"

# family: (section, check id for UNKNOWNs, what it checks)
FAMILIES = {
    "uptime": ("os", "system.uptime", "uptime"),
    "memory": ("os", "mem.used", "memory"),
    "volumes": ("volumes", "fs.used", "volumes"),
    "services": ("services", services.CHECK_ID, "automatic services"),
    "reboot": ("reboot", reboot.CHECK_ID, "pending reboot"),
    "power": ("events_power", power.CHECK_ID, "unexpected shutdowns (System log)"),
    "disk": ("events_disk", disk.CHECK_ID, "disk and NTFS errors (System log)"),
    "apps": ("events_app", apps.CHECK_ID, "application crashes (Application log)"),
    "defender": ("defender", defender.CHECK_ID, "antivirus status"),
    "updates": ("updates", updates.CHECK_ID, "Windows updates"),
    "printers": ("printers", "print.queue", "print queues"),
}


def _raw_excerpt(run: ProbeRun) -> str:
    text = decode_stdout(run.stdout)[:2000]
    err = decode_stderr(run.stderr)
    if err:
        text += "\n--- stderr ---\n" + err[:1500]
    return cap_text(text)[0] or "(no output at all)"


class _Context:
    """What every family needs from one probe run."""

    def __init__(self, run: ProbeRun, out: ProbeOutput, host: Host, windows: EventWindows) -> None:
        self.run, self.out, self.host = run, out, host
        self.observed = run.finished
        meta = out.sections.get("meta")
        meta_data = meta.data if meta is not None and isinstance(meta.data, dict) else {}
        try:
            target_now = ps_time(meta_data.get("now"))
        except PsShapeError:
            target_now = None
        self.now = target_now or run.finished  # ages are measured on the target's clock
        self.since = windows.since  # per check family: its last real read on this machine
        self.until = max(self.now, run.finished, windows.latest)
        self.lookback_days = as_int(meta_data.get("lookback_days"))
        self.meta = meta_data
        self.last_boot: datetime | None = None
        self.uptime_s: float | None = None
        self.skipped_volumes: list[str] = []

    @property
    def thresholds(self) -> Thresholds:
        return self.host.thresholds


# a family: (read the section -> typed values, judge those values -> results)
Family = tuple[Callable[[Section], Any], Callable[[Any], list[CheckResult]]]


def _families(ctx: _Context) -> dict[str, Family]:
    t = ctx.thresholds

    def ev_of(name: str) -> Evidence:  # the section was read, so it is there when its family is judged
        return section_evidence(ctx.out.sections[name], ctx.observed)

    return {
        "uptime": (read.read_boot, lambda boot: system.check_windows_uptime(boot, t, ctx.now, ev_of("os"))),
        "memory": (read.read_memory, lambda mem: check_memory(mem, t, ev_of("os"))),
        "volumes": (lambda s: read.read_volumes(s.data), lambda vols: _volumes(vols, ctx)),
        "services": (lambda s: read.read_services(s.data), lambda stopped: services.check_stopped_services(
            stopped, t, ctx.uptime_s, ev_of("services"))),
        "reboot": (lambda s: read.read_reboot(s.data), lambda flags: reboot.check_pending_reboot(
            flags, ctx.last_boot, ctx.now, t, ev_of("reboot"))),
        "power": (read.read_events, lambda batch: power.check_unexpected_shutdowns(
            batch, t, ctx.since(power.CHECK_ID), ctx.until, ctx.lookback_days, ctx.observed,
            ev_of("events_power"))),
        "disk": (read.read_events, lambda batch: disk.check_disk_errors(
            batch, t, ctx.since(disk.CHECK_ID), ctx.until, ctx.lookback_days, ev_of("events_disk"))),
        "apps": (read.read_events, lambda batch: apps.check_app_crashes(
            batch, t, ctx.since(apps.CHECK_ID), ctx.until, ctx.lookback_days, ev_of("events_app"))),
        "defender": (lambda s: read.read_antivirus(s.data),
                     lambda av: defender.check_antivirus(av, t, ev_of("defender"))),
        "updates": (lambda s: read.read_updates(s.data),
                    lambda data: updates.check_updates(data, t, ctx.now, ev_of("updates"))),
        "printers": (lambda s: read.read_printers(s.data), lambda data: printers.check_spooler(
            data, ctx.host.kind == "printserver", t, ctx.now, ev_of("printers"))),
    }


def _volumes(read_volumes: tuple[list[tuple[FsUsage, str]], list[str]], ctx: _Context) -> list[CheckResult]:
    vols, skipped = read_volumes
    ctx.skipped_volumes = skipped
    if not vols:
        summary = msg("win.section.notchecked", why="win.volumes.none", **what_params("volumes"))
        return [unknown("fs.used", summary, msg("win.volumes.none"),
                        evidence=section_evidence(ctx.out.sections["volumes"], ctx.observed))]
    return system.check_windows_volumes(vols, ctx.thresholds, source_of("volumes"), ctx.observed)


def _boot_facts(ctx: _Context) -> None:
    os_section = ctx.out.sections.get("os")
    if os_section is None or not isinstance(os_section.data, dict):
        return
    try:
        ctx.last_boot = ps_time(os_section.data.get("last_boot"))
    except PsShapeError:
        return
    if ctx.last_boot is not None:
        ctx.uptime_s = (ctx.now - ctx.last_boot).total_seconds()


def _is_event_family(section: str) -> bool:
    return section.startswith("events_")


def _run_family(name: str, ctx: _Context, family: Family) -> list[CheckResult]:
    section_name, check_id, what = FAMILIES[name]
    section = ctx.out.sections.get(section_name)
    if section is None:
        marker = re.compile(rf'"section"\s*:\s*"{section_name}"')
        broken = next((g for g in ctx.out.garbage if marker.search(g)), None)
        if broken is not None:
            reason = msg("win.error.json", section=section_name)
            evidence = Evidence.of(source_of(section_name), broken, ctx.observed)
            summary = msg("win.section.notchecked", why=reason.code, **{**reason.params, **what_params(what)})
            return [unknown(check_id, summary, reason, evidence=evidence)]
        return [missing_section(check_id, what, section_name, ctx.out, ctx.observed, ctx.run.truncated)]
    if section.error is not None and not (_is_event_family(section_name) and section.error.no_events):
        return [section_unknown(check_id, what, section, ctx.observed)]
    read_section, judge = family
    try:
        data = read_section(section)
    except (PsShapeError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # one family's odd data costs that family, never the host's other checks
        return [section_unknown(check_id, what, section, ctx.observed,
                                reason=msg("win.error.data", error=str(exc)),
                                fix=msg("ssh.probe.unreadable.fix"))]
    try:
        return judge(data)
    except Exception as exc:  # a bug in the judging code: fleetcheck's, never the host's
        return [judging_failed(check_id, what, exc, [section_evidence(section, ctx.observed)], ctx.observed)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _facts(ctx: _Context) -> dict[str, Any]:
    facts: dict[str, Any] = {"probe": "windows", "probe_exit_status": ctx.run.exit_status,
                             "probe_output_truncated": ctx.run.truncated, "os_family": "Windows"}
    for key in ("ps", "edition", "elevated"):
        if key in ctx.meta:
            facts[{"ps": "powershell", "edition": "powershell_edition"}.get(key, key)] = ctx.meta[key]
    os_section = ctx.out.sections.get("os")
    if os_section is not None and isinstance(os_section.data, dict):
        d = os_section.data
        facts.update({"os": d.get("caption"), "os_version": d.get("version"), "os_build": d.get("build"),
                      "fast_startup": d.get("hiberboot")})
        computer = d.get("computer")
        if isinstance(computer, dict) and "error" not in computer:
            present = computer.get("hypervisor_present")
            facts["virtualization"] = detect_windows(
                _text(computer.get("model")), _text(computer.get("manufacturer")),
                present if isinstance(present, bool) else None).to_fact()
    if ctx.last_boot is not None:
        facts["boot_time"] = ctx.last_boot.isoformat()
    if ctx.skipped_volumes:
        facts["volumes_skipped"] = ctx.skipped_volumes
    if ctx.out.garbage:
        facts["probe_unparsed_lines"] = len(ctx.out.garbage)
    return facts


class WindowsProbe:
    name = "windows"

    def command(self) -> str:
        return COMMAND

    def stdin(self) -> bytes | None:
        return script_bytes()

    def parse(self, run: ProbeRun, host: Host, since: datetime | EventWindows,
              previous: HostResult | None = None) -> Collection:
        out = split_sections(decode_stdout(run.stdout))
        meta = out.sections.get("meta")
        if meta is None or meta.error is not None or not isinstance(meta.data, dict):
            return Collection([self._unusable(run, out)], {"probe": self.name})
        ctx = _Context(run, out, host, EventWindows.of(since))
        _boot_facts(ctx)
        checks: list[CheckResult] = []
        for name, family in _families(ctx).items():
            checks.extend(_run_family(name, ctx, family))
        if not out.complete and not run.truncated:
            last = list(out.sections)[-1]
            checks.append(unknown(OUTPUT_CHECK, msg("probe.incomplete"),
                                  msg("win.incomplete.reason", section=last, status=str(run.exit_status)),
                                  msg("probe.incomplete.fix"),
                                  Evidence.of(COMMAND, _raw_excerpt(run), run.finished)))
        return Collection(checks, _facts(ctx))

    def _unusable(self, run: ProbeRun, out: ProbeOutput) -> CheckResult:
        evidence = (Evidence.of(f"{COMMAND} <windows.ps1 (exit status {run.exit_status})", _raw_excerpt(run),
                                run.finished),)
        err_text = decode_stderr(run.stderr).lower()
        status = str(run.exit_status)
        fix: str | None = None
        p: dict[str, Any] = {"status": status}
        boot = out.sections.get("bootstrap")
        if boot is not None and boot.error is not None:
            why, fix = "win.unusable.bootstrap", "win.unusable.bootstrap.fix"
            p["error"] = boot.error.describe()
        elif "language mode" in err_text:
            why, fix = "win.unusable.clm", "win.unusable.clm.fix"
        elif run.exit_status in (9009, 127) or ("powershell.exe" in err_text
                                               and ("not recognized" in err_text or "not found" in err_text)):
            why, fix = "win.unusable.nops", "win.unusable.nops.fix"
        elif not run.stdout.strip():
            why, fix = "win.unusable.silent", "win.unusable.silent.fix"
        elif out.sections and "meta" in out.sections:
            why = "win.unusable.meta"
        else:
            why, fix = "win.unusable.nojson", "win.unusable.nojson.fix"
        return unknown(OUTPUT_CHECK, msg("probe.host.notchecked", unusable=why, **p), msg(why, **p),
                       None if fix is None else msg(fix), evidence)


PROBE = WindowsProbe()
