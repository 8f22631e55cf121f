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
from fleetcheck.core.checks.printer.model import Why
from fleetcheck.core.i18n import Message, msg, part, render
from fleetcheck.core.i18n.render import part_message
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State


def result(check_id: str, state: State, code: str, params: Mapping[str, Any], evidence: EvidenceArg, *,
           metrics: Sequence[Metric] = (), details: str = "", reason: Message | None = None,
           fix: Message | None = None) -> CheckResult:
    """A check result whose summary is the message `code` (core/i18n/messages.py) with `params`."""
    return judged(check_id, state, msg(code, **params), evidence, metrics=metrics, details=details,
                  reason=reason, fix=fix)


Part = Why  # a message with its own parameters ({"code": ..., ...}), see i18n `part`


def unread(whys: Sequence[Part]) -> Message:
    """Why a printer part could not be read: what each protocol said, or that none did."""
    return msg("printer.unread.reason", whys=list(whys)) if whys else msg("printer.noanswer.reason")


def snmp_why(missing: Part) -> Part:
    """The SNMP collector's reason a table is missing, said as coming from SNMP."""
    return part("printer.why.snmp", why=missing)


def english(p: Part) -> str:
    """A part in English, for a result's details (which are not translated)."""
    return render(part_message(p), "en")


def enum_part(text: str, prefix: str = "", words: Sequence[str] = ()) -> Part:
    """An enum value the collector named (`model.enum_text`) as a part: fleetcheck's words for it
    (`<prefix>.<word>`) where it has them, the MIB/IPP identifier as it is otherwise, and the
    number of an out-of-range value."""
    if text in words:
        return part(f"{prefix}.{text}")
    if text == "not reported":
        return part("printer.enum.none")
    odd = text.removeprefix("unknown value ")
    if odd != text and odd.lstrip("-").isdigit():
        return part("printer.enum.odd", value=int(odd))
    return part("printer.text", text=text)


__all__ = ["Part", "english", "enum_part", "result", "snmp_why", "unread"]
