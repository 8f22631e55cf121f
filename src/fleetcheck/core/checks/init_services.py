"""`services.failed` on hosts without systemd: OpenRC, runit, other inits, and containers without one.

OpenRC: `rc-status --crashed` prints the started services whose daemons have
died, one per line, and exits 0 when it printed any, 1 when there were none.
runit: `sv status DIR/*` prints one line per service ("run: ...", "down: ...,
normally up", "fail: ...", "warning: ..."). SysV init and others keep no
readable record of failed services: UNKNOWN naming the init that was found.
A container whose PID 1 is an application has no services: not applicable.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetcheck.core.checks import EvidenceArg, judged, levels_note, not_applicable
from fleetcheck.core.checks.services import CHECK_ID
from fleetcheck.core.checks.virt import Init, Virt
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds


def parse_rc_crashed(text: str, exit_status: int | None) -> list[tuple[str, str]]:
    """(service, what) for each crashed OpenRC service; raises on an exit status it does not know."""
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if exit_status == 1 and not names:
        return []
    if exit_status == 0 and names:
        return [(name, "started, but its daemon crashed") for name in names]
    raise ValueError(f"rc-status --crashed: exit status {exit_status} with {len(names)} lines")


def parse_sv_status(text: str) -> tuple[list[tuple[str, str]], int]:
    """(failed (service, line), services seen) from `sv status`: down though normally up, fail, warning."""
    failed, seen = [], 0
    for line in text.splitlines():
        state, sep, rest = line.partition(": ")
        if not sep:
            continue
        name = rest.split(": ", 1)[0].rstrip(":")
        if state in ("run", "finish"):
            seen += 1
        elif state == "down":
            seen += 1
            if "normally up" in rest.split("; run: log", 1)[0]:
                failed.append((name, line.strip()))
        elif state in ("fail", "warning"):
            seen += 1
            failed.append((name, line.strip()))
        else:
            raise ValueError(f"unrecognised sv status line: {line[:120]!r}")
    return failed, seen


def check_init_failed(init: str, failed: Sequence[tuple[str, str]], thresholds: Thresholds,
                      evidence: EvidenceArg) -> list[CheckResult]:
    """The failed services an init's own tool listed, judged by the services.failed levels."""
    levels = thresholds.levels("services.failed")
    count = len(failed)
    state = evaluate(count, levels.warn, levels.crit)
    metric = Metric.of("failed_units", count, "", levels.warn, levels.crit, 0)
    if not failed:
        return [judged(CHECK_ID, state, f"no failed {init} services {levels_note(state, levels)}", evidence,
                       metrics=(metric,), details=f"{init}'s own tool listed no failed service")]
    names = ", ".join(name for name, _ in failed[:5]) + (f" and {count - 5} more" if count > 5 else "")
    summary = f"{count} failed {init} service{'s' if count > 1 else ''}: {names} {levels_note(state, levels)}"
    details = "\n".join(f"{name}: {what}" for name, what in failed)
    return [judged(CHECK_ID, state, summary, evidence, metrics=(metric,), details=details)]


def without_systemd(init: Init, virt: Virt, evidence: EvidenceArg) -> list[CheckResult] | None:
    """The answer for a host whose PID 1 is not systemd and has no readable tool, or None."""
    if init.manages_services is False and virt.kind == "container":
        reason = (f"not applicable: {virt.describe()} whose PID 1 is {init.pid1!r}, an application, "
                  "not an init system: no services are managed here")
        return [not_applicable(CHECK_ID, "failed services: not applicable (container without init)",
                               reason, evidence)]
    if init.name is None:
        return None  # PID 1 unreadable: the caller's plain "systemd is not running" UNKNOWN stands
    if init.manages_services is False:
        reason = f"PID 1 is {init.pid1!r}, not an init system, and no container was detected"
        return [judged(CHECK_ID, State.UNKNOWN, "failed services not checked: no init system found", evidence,
                       reason=reason)]
    label = {"sysv": "SysV-style init", "openrc": "OpenRC"}.get(init.name, init.name)
    summary = f"failed services not checked: {label} keeps no readable record"
    reason = (f"the init system is {label} (PID 1 {init.pid1!r}); it keeps no record of failed "
              "services that fleetcheck can read")
    if init.name in ("openrc", "runit"):
        tool = "rc-status" if init.name == "openrc" else "sv"
        summary = f"failed services not checked: {label} found, but no answer from {tool}"
        reason = f"the init system is {label} (PID 1 {init.pid1!r}), but {tool} is missing or did not answer"
    return [judged(CHECK_ID, State.UNKNOWN, summary, evidence, reason=reason)]
