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

from fleetcheck.core.checks import EvidenceArg, judged, levels_param, msg, not_applicable
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
        none = msg("services.init.none", init=init, levels=levels_param(state, levels))
        return [judged(CHECK_ID, state, none, evidence,
                       metrics=(metric,), details=f"{init}'s own tool listed no failed service")]
    summary = msg("services.init.failed.more" if count > 5 else "services.init.failed", init=init,
                  count=count, names=[name for name, _ in failed[:5]], more=count - 5,
                  levels=levels_param(state, levels))
    details = "\n".join(f"{name}: {what}" for name, what in failed)
    return [judged(CHECK_ID, state, summary, evidence, metrics=(metric,), details=details)]


def without_systemd(init: Init, virt: Virt, evidence: EvidenceArg) -> list[CheckResult] | None:
    """The answer for a host whose PID 1 is not systemd and has no readable tool, or None."""
    if init.manages_services is False and virt.kind == "container":
        return [not_applicable(CHECK_ID, msg("services.na"), msg("services.na.reason", pid1=repr(init.pid1),
                                                                     **virt.params()), evidence)]
    if init.name is None:
        return None  # PID 1 unreadable: the caller's plain "systemd is not running" UNKNOWN stands
    if init.manages_services is False:
        return [judged(CHECK_ID, State.UNKNOWN, msg("services.noinit"), evidence,
                       reason=msg("services.noinit.reason", pid1=repr(init.pid1)))]
    label = {"sysv": "SysV-style init", "openrc": "OpenRC"}.get(init.name, init.name)
    p = {"init": label, "pid1": repr(init.pid1)}
    if init.name in ("openrc", "runit"):
        tool = "rc-status" if init.name == "openrc" else "sv"
        return [judged(CHECK_ID, State.UNKNOWN, msg("services.init.silent", tool=tool, **p), evidence,
                       reason=msg("services.init.silent.reason", tool=tool, **p))]
    return [judged(CHECK_ID, State.UNKNOWN, msg("services.init.norecord", **p), evidence,
                   reason=msg("services.init.norecord.reason", **p))]
