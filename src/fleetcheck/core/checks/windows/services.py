"""Automatic services that are not running (Win32_Service StartMode 'Auto', State not 'Running').

Not every stopped automatic service is a fault, and this check says which it
left out and why (in its details) rather than hiding them:
- trigger-start and delayed-start services that stopped cleanly (exit 0) did
  their job and exited ("start, then stop when there is nothing to do");
- a short list of services known to stop by design (update helpers, sppsvc, ...);
- in the first 15 minutes after boot, delayed-start services may not have started yet.
What remains: a service that stopped with an error (Win32 exit code other than
0 and 1077 "never started") is *failed*, judged against `services.failed`
(default: any is CRIT); one that is merely stopped is WARN.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks import Text, judged, levels_param, msg
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "services.failed"
NEVER_STARTED = 1077  # ERROR_SERVICE_NEVER_STARTED
SPECIFIC_ERROR = 1066  # ERROR_SERVICE_SPECIFIC_ERROR: the real code is ServiceSpecificExitCode
BOOT_GRACE_S = 15 * 60
# Automatic services that routinely stop on their own (NSClient++/Checkmk ignore lists).
STOP_BY_DESIGN = frozenset({
    "gupdate", "gupdatem", "edgeupdate", "edgeupdatem", "sppsvc", "remoteregistry", "mapsbroker",
    "trustedinstaller", "wbiosrvc", "tiledatamodelsvc", "cdpsvc", "sysmain", "wuauserv", "bits",
    "usosvc", "dosvc", "sgrmbroker", "onesyncsvc", "googleupdaterservice", "googleupdaterinternalservice",
})


@dataclass(frozen=True, slots=True)
class StoppedService:
    name: str
    display: str
    state: str
    exit_code: int | None
    specific_exit: int | None
    delayed: bool | None  # None: this Windows does not report DelayedAutoStart
    trigger: bool | None

    @property
    def failed(self) -> bool:
        return self.exit_code not in (None, 0, NEVER_STARTED)

    def describe(self) -> str:
        code = ""
        if self.exit_code == SPECIFIC_ERROR and self.specific_exit:
            code = f", service-specific exit {self.specific_exit}"
        elif self.exit_code not in (None, 0):
            code = f", exit {self.exit_code}"
        start = "delayed " if self.delayed else ""
        start += "trigger-start " if self.trigger else ""
        text = f"{self.name} ({self.display}): {self.state.lower()}{code}, {start}automatic"
        return text.replace("  ", " ")


def excluded_why(svc: StoppedService, uptime_s: float | None) -> str | None:
    if svc.failed:
        return None
    if (svc.trigger or svc.delayed) and svc.exit_code in (0, None):
        return "trigger/delayed start, stopped cleanly"
    if svc.name.lower() in STOP_BY_DESIGN:
        return "stops by design"
    if uptime_s is not None and uptime_s < BOOT_GRACE_S:
        return "booted less than 15 min ago: may not have started yet"
    return None


def check_stopped_services(services: list[StoppedService], thresholds: Thresholds, uptime_s: float | None,
                           evidence: Evidence) -> list[CheckResult]:
    levels = thresholds.levels("services.failed")
    failed = [s for s in services if s.failed]
    stopped = [s for s in services if not s.failed and excluded_why(s, uptime_s) is None]
    left_out = [(s, why) for s in services if (why := excluded_why(s, uptime_s)) is not None]
    failed_state = evaluate(len(failed), levels.warn, levels.crit)
    state = worst([failed_state, State.WARN if stopped else State.OK])
    metrics = (Metric.of("failed_services", len(failed), "", levels.warn, levels.crit, 0),
               Metric.of("stopped_auto_services", len(stopped), "", min=0))
    lines = [f"failed: {s.describe()}" for s in failed] + [f"stopped: {s.describe()}" for s in stopped]
    lines += [f"not counted ({why}): {s.describe()}" for s, why in left_out]
    p: dict[str, object] = {"levels": levels_param(failed_state, levels), "left_out": len(left_out),
                            "failed": len(failed), "failed_names": [s.name for s in failed[:5]],
                            "stopped": len(stopped), "stopped_names": [s.name for s in stopped[:5]]}
    summary: Text
    if not failed and not stopped:
        summary = msg("win.services.running.except" if left_out else "win.services.running", **p)
    else:
        parts = ["win.services.parts.failed"] if failed else []
        parts += ["win.services.parts.stopped"] if stopped else []
        summary = msg("win.services.down.levels" if failed else "win.services.down", parts=parts, **p)
    return [judged(CHECK_ID, state, summary, evidence, metrics=metrics, details="\n".join(lines))]
