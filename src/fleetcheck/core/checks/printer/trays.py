"""Input trays: an empty main tray is a problem (CRIT), an empty bypass/manual tray is not."""

from __future__ import annotations

from fleetcheck.core.checks import msg
from fleetcheck.core.checks.printer import Part, result, snmp_why, unread
from fleetcheck.core.checks.printer.model import (
    LEVEL_UNKNOWN,
    NO_RESTRICTION,
    SOME_REMAINING,
    PrinterData,
    Tray,
)
from fleetcheck.core.family import PRINTER_KINDS, Category, Family
from fleetcheck.core.i18n import part
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State

TRAY_ID = "printer.tray"
TRAYS_ID = "printer.trays"


def _level(t: Tray) -> Part:
    if t.level is None:
        return part("printer.tray.level.none")
    if t.level == SOME_REMAINING:
        return part("printer.tray.level.some")
    if t.level == NO_RESTRICTION:
        return part("printer.level.norestriction")
    if t.level == LEVEL_UNKNOWN or t.level < 0:
        return part("printer.tray.level.unknown")
    if t.max and t.max > 0:
        return part("printer.tray.level.of", sheets=t.level, max=t.max, pct=round(100 * t.level / t.max))
    return part("printer.tray.level.sheets", sheets=t.level)


def check_tray(t: Tray, item: str) -> CheckResult:
    cid = f"{TRAY_ID}:{item}"
    p = {"name": item, "level": _level(t)}
    raw = f"type {t.type}, level {t.level}, max {t.max}, status {t.status}"
    if t.manual:
        return result(cid, State.OK, "printer.tray.bypass", p, t.evidence, details=raw)
    if t.level == 0:
        return result(cid, State.CRIT, "printer.tray.empty", p, t.evidence, details=raw)
    if t.level is None or t.level == LEVEL_UNKNOWN or t.level < SOME_REMAINING:
        if t.critical_alert:
            return result(cid, State.CRIT, "printer.tray.ok",
                          {**p, "level": part("printer.tray.level.alert", level=p["level"])},
                          t.evidence, details=raw)
        return result(cid, State.UNKNOWN, "printer.tray.unknown", p, t.evidence, details=raw,
                      reason=msg("printer.tray.level.unknown.reason")
                      if t.level == LEVEL_UNKNOWN else msg("printer.tray.level.none.reason"))
    return result(cid, State.OK, "printer.tray.ok", p, t.evidence, details=raw)


def check_trays(data: PrinterData) -> list[CheckResult]:
    trays: list[Tray] = []
    whys: list[Part] = []
    if data.snmp is not None:
        trays = data.snmp.trays
        if not trays:
            missing = data.snmp.part("trays").missing
            whys.append(snmp_why(missing) if missing else part("printer.why.snmp.notrays"))
    if not trays and data.ipp is not None:
        trays = [t for t in data.ipp.trays if t.name != "auto"]  # "auto" is tray selection, not a tray
        if not trays:
            whys.append(part("printer.why.ipp.notrays"))
    if not trays:
        ev = data.snmp.part("trays").evidence if data.snmp is not None else ()
        ev += data.ipp.evidence if data.ipp is not None else ()
        return [result(TRAYS_ID, State.UNKNOWN, "printer.trays.unknown", {}, ev,
                       reason=unread(whys))]
    seen: dict[str, int] = {}
    out = []
    for t in trays:
        seen[t.name] = seen.get(t.name, 0) + 1
        out.append(check_tray(t, t.name if seen[t.name] == 1 else f"{t.name} #{seen[t.name]}"))
    return out


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.tray", "Paper tray", "Papierfach", Category.CAPACITY, PRINTER_KINDS),
    Family("printer.trays", "Paper trays", "Papierfächer", Category.CAPACITY, PRINTER_KINDS),
)
