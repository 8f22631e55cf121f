"""Printer check families: pure functions from a parsed PrinterData to CheckResults.

One module per family: `status` (device state, error bits, IPP reasons), `supplies`,
`trays`, `alerts`, `counters` (page counter, restarts over time). Every summary is
built from a message code and its parameters (`MESSAGES`), so a renderer can
translate it; anything the printer did not answer is UNKNOWN with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fleetcheck.core.checks import EvidenceArg, judged
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State

MESSAGES: dict[str, str] = {
    "printer.status.ok": "printer {status}",
    "printer.status.problem": "printer {status}",
    "printer.status.unknown": "printer state could not be read",
    "printer.conditions.none": "no error conditions reported ({sources})",
    "printer.conditions.found": "{conditions}",
    "printer.conditions.unknown": "error conditions could not be read",
    "printer.supply.level": "{name}{colour}: {level}",
    "printer.supply.empty": "{name}{colour}: empty{order}",
    "printer.supply.full": "{name}: full, no space left{order}",
    "printer.supply.low": "{name}{colour}: {level} left {note}{order}",
    "printer.supply.unknown": "{name}{colour}: level unknown",
    "printer.supplies.unknown": "supply levels could not be read",
    "printer.tray.ok": "{name}: {level}",
    "printer.tray.empty": "{name}: empty, load paper",
    "printer.tray.bypass": "{name}: {level} (bypass/manual tray: empty is normal)",
    "printer.tray.unknown": "{name}: paper level unknown",
    "printer.trays.unknown": "paper trays could not be read",
    "printer.alerts.none": "no active alerts",
    "printer.alerts.found": "{alerts}",
    "printer.alerts.unknown": "alert table could not be read",
    "printer.pages.count": "{pages} pages printed in total{since}",
    "printer.pages.unknown": "page counter could not be read",
    "printer.restarts.none": "no restart since the previous scan (up {uptime})",
    "printer.restarts.first": "up {uptime} (no previous scan to compare with)",
    "printer.restarts.found": "restarted since the previous scan ({count} in the window; up {uptime})",
    "printer.restarts.unknown": "restarts could not be counted",
    "printer.protocol.failed": "{protocol} did not answer; judged on {other} only",
}


def message(code: str, params: Mapping[str, Any]) -> str:
    return MESSAGES[code].format(**params)


def result(check_id: str, state: State, code: str, params: Mapping[str, Any], evidence: EvidenceArg, *,
           metrics: Sequence[Metric] = (), details: str = "", reason: str | None = None,
           fix: str | None = None) -> CheckResult:
    """A check result whose summary is rendered from `code` and `params`."""
    return judged(check_id, state, message(code, params), evidence, metrics=metrics, details=details,
                  reason=reason, fix=fix)


__all__ = ["MESSAGES", "message", "result"]
