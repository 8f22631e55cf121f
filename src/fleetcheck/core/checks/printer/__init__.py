"""Printer check families: pure functions from a parsed PrinterData to CheckResults.

One module per family: `status` (device state, error bits, IPP reasons), `supplies`,
`trays`, `alerts`, `counters` (page counter, restarts over time). Every summary is
built from a message code and its parameters (core/i18n/messages.py), so a
renderer can translate it; anything the printer did not answer is UNKNOWN with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fleetcheck.core.checks import EvidenceArg, judged
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State


def result(check_id: str, state: State, code: str, params: Mapping[str, Any], evidence: EvidenceArg, *,
           metrics: Sequence[Metric] = (), details: str = "", reason: Message | None = None,
           fix: Message | None = None) -> CheckResult:
    """A check result whose summary is the message `code` (core/i18n/messages.py) with `params`."""
    return judged(check_id, state, msg(code, **params), evidence, metrics=metrics, details=details,
                  reason=reason, fix=fix)


def unread(whys: Sequence[str]) -> Message:
    """Why a printer part could not be read: what each protocol said (in its words), or that none did."""
    return msg("printer.unread.reason", whys="; ".join(whys)) if whys else msg("printer.noanswer.reason")


__all__ = ["result", "unread"]
