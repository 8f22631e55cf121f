"""The POSIX probe for Linux and macOS hosts: one constant `sh` script on stdin, parsed here.

Remote command: `env LC_ALL=C sh -s`. It is run by the login shell, so it
must parse in every shell a customer may have set: `env` is an external
command, which makes the C locale work from sh, bash, zsh, csh/tcsh and
fish alike (csh and old fish reject the `VAR=value cmd` prefix form).
Assumptions: a POSIX `sh` on PATH (true for Linux and macOS, not for a
Windows OpenSSH host, which has its own probe), and a login shell that
passes standard input through to the command (all of the above do).

The script (posix.sh, loaded from the package) is a constant: nothing from
the inventory is interpolated into it, and the scan window is applied here,
in Python, to a fixed look-back the script fetches (documented in the
script). The OS is detected (`uname -s`), not taken from the inventory; a
mismatch with the declared kind is reported as a fact.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from fleetcheck.core.checks import msg, unknown
from fleetcheck.core.contracts import Collection, EventWindows, ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.sections import ProbeOutput, split_sections
from fleetcheck.core.results import CheckResult, Evidence, HostResult, cap_text
from fleetcheck.core.states import Reachability, State

COMMAND = "env LC_ALL=C sh -s"
OUTPUT_CHECK = "probe.output"
_KIND_OF_OS = {"Linux": "linux", "Darwin": "macos"}


def script_bytes() -> bytes:
    return resources.files("fleetcheck.core.probes.posix").joinpath("posix.sh").read_bytes()


def _raw_excerpt(run: ProbeRun) -> str:
    out = run.stdout.decode("utf-8", "replace")
    err = run.stderr.decode("utf-8", "replace")
    text = out[:1500]
    if err.strip():
        text += "\n--- stderr ---\n" + err[:1500]
    return cap_text(text)[0] or "(no output at all)"


def _evidence(run: ProbeRun) -> Evidence:
    return Evidence.of(f"{run.command} <posix.sh (exit status {run.exit_status})", _raw_excerpt(run),
                       run.finished)


def _target_now(out: ProbeOutput, fallback: datetime) -> datetime:
    now = out.meta.get("now", "")
    return datetime.fromtimestamp(int(now), UTC) if now.isdigit() else fallback


def _after_cut(check: CheckResult, last: str) -> CheckResult:
    """With the output cut off, an UNKNOWN or N/A found from what is *missing* ("systemd is not
    running", "no crash recorder") is not evidence: it says the output was cut instead."""
    if check.state not in (State.UNKNOWN, State.NA) or check.id == OUTPUT_CHECK:
        return check
    reason = check.reason or ""
    if "cut off" in reason or "incomplete" in reason:
        return check
    why, fix = msg("probe.cut.after", section=last), msg("probe.lacks.fix")
    return dataclasses.replace(
        check, state=State.UNKNOWN, reason=why.en, reason_code=why.code, fix=fix.en, fix_code=fix.code,
        params={**check.params, **why.params})


def _reached_facts(previous: HostResult | None) -> dict[str, Any]:
    """The facts of the previous result, only if the host was reached then (stored counters)."""
    if previous is None or previous.reachability is not Reachability.REACHABLE:
        return {}
    return previous.facts


class PosixProbe:
    name = "posix"

    def command(self) -> str:
        return COMMAND

    def stdin(self) -> bytes | None:
        return script_bytes()

    def parse(self, run: ProbeRun, host: Host, since: datetime | EventWindows,
              previous: HostResult | None = None) -> Collection:
        windows = EventWindows.of(since)
        text = run.stdout.decode("utf-8", "replace")
        out = split_sections(text)
        if "meta" not in out.sections or "uname_s" not in out.meta:
            return Collection([self._garbage(run)], {"probe": self.name})
        detected = out.meta.get("uname_s", "")
        facts: dict[str, Any] = {
            "probe": self.name, "os_family": detected, "kernel": out.meta.get("uname_r"),
            "arch": out.meta.get("uname_m"), "user": out.meta.get("user"), "uid": out.meta.get("uid"),
            "probe_exit_status": run.exit_status, "probe_output_truncated": run.truncated,
            "command_timeouts": "@@notimeout" not in out.sections["meta"].lines,
        }
        kind = _KIND_OF_OS.get(detected)
        if kind is not None and host.kind in ("linux", "macos") and kind != host.kind:
            facts["os_mismatch"] = f"inventory says {host.kind}, the host runs {detected}: read as {kind}"
        until = max(_target_now(out, run.finished), windows.latest)
        observed = run.finished
        checks: list[CheckResult] = []
        if not out.complete and not run.truncated:  # a cut at the cap is the transport's to report
            checks.append(self._incomplete(run, out))
        if detected == "Linux":
            from fleetcheck.core.probes.posix.linux import linux_checks
            checks += linux_checks(out, host, windows, until, observed, facts, _reached_facts(previous))
        elif detected == "Darwin":
            from fleetcheck.core.probes.posix.macos import macos_checks
            checks += macos_checks(out, host, windows, until, observed, facts)
        else:
            p = {"os": repr(detected), "uname": detected}
            checks.append(unknown("host.os", msg("host.os.unsupported", **p),
                                  msg("host.os.unsupported.reason", **p), msg("host.os.unsupported.fix"),
                                  [_evidence(run)]))
        if not out.complete:
            last = list(out.sections)[-1]
            checks = [_after_cut(c, last) for c in checks]
        return Collection(checks, facts)

    def _garbage(self, run: ProbeRun) -> CheckResult:
        why = "posix.unusable.silent" if not run.stdout.strip() else "posix.unusable.nometa"
        p = {"status": str(run.exit_status)}
        return unknown(OUTPUT_CHECK, msg("probe.host.notchecked", unusable=why, **p), msg(why, **p),
                       msg(f"{why}.fix"), [_evidence(run)])

    def _incomplete(self, run: ProbeRun, out: ProbeOutput) -> CheckResult:
        last = list(out.sections)[-1]
        reason = msg("posix.incomplete.reason", section=repr(last), status=str(run.exit_status))
        return unknown(OUTPUT_CHECK, msg("probe.incomplete"), reason, msg("probe.incomplete.fix"),
                       [_evidence(run)])


PROBE = PosixProbe()
