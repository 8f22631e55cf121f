"""The printer's alert table (prtAlertTable / IPP printer-alert): critical → CRIT, warning → WARN.

Severity, group and code are shown as words; out-of-range values stay visible as
numbers ("unknown value 255") and never crash. Alerts that only say the printer is
sleeping, warming up or ready are not problems (Brother's "Sleep" row with
severity 255 and code -1 is one of those).
"""

from __future__ import annotations

from fleetcheck.core.checks.printer import Part, english, enum_part, result, snmp_why, unread
from fleetcheck.core.checks.printer.model import Alert, PrinterData
from fleetcheck.core.family import PRINTER_KINDS, Category, Family
from fleetcheck.core.i18n import part
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State, worst

ALERTS_ID = "printer.alerts"
BENIGN_CODES = frozenset({"subunitPowerSaver", "subunitWarmingUp", "powerUp", "printerReadyToPrint",
                          "coverClosed", "doorClosed", "interlockClosed", "subunitTurnedOn",
                          "configurationChange", "alertRemovalOfBinaryChangeEntry"})
BENIGN_WORDS = ("sleep", "energiespar", "power sav", "ready", "bereit", "warming up")


def alert_state(a: Alert, manual_trays: frozenset[int] = frozenset()) -> State:
    text = a.description.lower()
    if a.code in BENIGN_CODES or any(w in text for w in BENIGN_WORDS):
        return State.OK
    if a.group == "input" and a.group_index in manual_trays and a.severity != "critical":
        return State.OK  # "load the bypass tray" on an empty bypass tray: normal (HP, Samsung)
    if a.severity == "critical":
        return State.CRIT
    if a.severity in ("warning", "warningBinaryChangeEvent"):
        return State.WARN
    return State.OK  # other / out of range: shown, not alarmed


SEVERITY_WORDS = ("other", "critical", "warning", "warningBinaryChangeEvent")


def alert_part(a: Alert) -> Part:
    """The printer's description (or its alert code) with severity, group and code; the severity in
    the reader's words, group and code as the MIB / IPP names them."""
    return part("printer.alert", text=a.description or a.code,
                severity=enum_part(a.severity, "printer.severity", SEVERITY_WORDS),
                group=enum_part(a.group), alert_code=enum_part(a.code))


def describe(a: Alert) -> str:
    return english(alert_part(a))


def alert_key(a: Alert) -> str:
    """What identifies one alert across scans (for 'new since the previous scan')."""
    return f"{a.source}:{a.code}:{a.group}:{a.description}"


def check_alerts(data: PrinterData) -> CheckResult:
    alerts: list[Alert] = []
    ev: tuple[Evidence, ...] = ()
    whys: list[Part] = []
    answered = False
    if data.snmp is not None:
        table = data.snmp.part("alerts")
        ev += table.evidence
        if table.missing:
            whys.append(snmp_why(table.missing))
        else:
            answered = True
            alerts += data.snmp.alerts
    if data.ipp is not None:
        ev += data.ipp.evidence
        if data.ipp.alerts or not answered:
            # IPP printer-alert is optional (PWG 5100.9): its absence alone proves nothing
            if data.ipp.alerts:
                answered = True
                alerts += data.ipp.alerts
            else:
                whys.append(part("printer.why.ipp.noalerts"))
    if not answered:
        return result(ALERTS_ID, State.UNKNOWN, "printer.alerts.unknown", {}, ev, reason=unread(whys))
    if not alerts:
        return result(ALERTS_ID, State.OK, "printer.alerts.none", {}, ev)
    manual = frozenset(int(t.key.rsplit(".", 1)[-1]) for t in (data.snmp.trays if data.snmp else [])
                       if t.manual and t.key.rsplit(".", 1)[-1].isdigit())
    states = {id(a): alert_state(a, manual) for a in alerts}
    ranked = sorted(alerts, key=lambda a: -states[id(a)].rank)
    state = worst(states.values(), default=State.OK)
    return result(ALERTS_ID, state, "printer.alerts.found", {"alerts": [alert_part(a) for a in ranked]},
                  ev, details="\n".join(f"{states[id(a)].value}: {describe(a)}" for a in ranked))


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.alerts", "Printer alerts", "Druckermeldungen", Category.FAILURE, PRINTER_KINDS),
)
