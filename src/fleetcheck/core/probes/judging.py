"""fleetcheck's own bugs are fleetcheck's: an error raised while judging parsed data is an internal error.

The probes keep reading the host's output (where an exception means the host
said something unexpected: "could not parse ...") apart from judging what was
read (where an exception can only be a bug in fleetcheck). The latter becomes
UNKNOWN "fleetcheck failed while judging ...", with the data it judged and a
traceback summary as evidence, never blamed on the host.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from datetime import datetime

from fleetcheck.core.checks import msg, unknown
from fleetcheck.core.i18n import what_params
from fleetcheck.core.results import CheckResult, Evidence

TRACEBACK_FRAMES = 6  # innermost frames kept in the evidence: enough to find the line


def traceback_summary(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-TRACEBACK_FRAMES:]
    lines = [f"{type(exc).__name__}: {exc}"]
    lines += [f"  {f.filename.rpartition('fleetcheck/')[2] or f.filename}:{f.lineno} in {f.name}"
              for f in frames]
    return "\n".join(lines)


def judging_failed(check_id: str, what: str, exc: Exception, evidence: Sequence[Evidence],
                   observed: datetime) -> CheckResult:
    """UNKNOWN for a bug in fleetcheck's judging code: says so, keeps the input and the traceback."""
    p = {**what_params(what), "error": f"{type(exc).__name__}: {exc}"[:240]}
    return unknown(
        check_id, msg("judging.failed", **p), msg("judging.failed.reason", **p), msg("judging.failed.fix"),
        [*evidence, Evidence.of("fleetcheck internal error (traceback)", traceback_summary(exc), observed,
                                kind="api")])
