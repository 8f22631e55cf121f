"""Supplies (toner, ink, drums, waste containers): remaining % against printer.supply_pct.

A percentage exists only where the printer gives a maximum (or reports percent);
-3 "some remaining" and -1 "no restriction" are OK without a made-up number;
-2 / no level is UNKNOWN with the reason; a level of 0 is CRIT (empty) whatever
the thresholds. For a waste container (receptacle) the level is the space left.
The supply to order is named in the summary: description, colour, part number.
"""

from __future__ import annotations

from fleetcheck.core.checks import levels_param, msg
from fleetcheck.core.checks.printer import Part, enum_part, result, snmp_why, unread
from fleetcheck.core.checks.printer.model import (
    LEVEL_UNKNOWN,
    NO_RESTRICTION,
    SOME_REMAINING,
    PrinterData,
    Supply,
)
from fleetcheck.core.family import PRINTER_KINDS, Category, Family, levels
from fleetcheck.core.i18n import part
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

SUPPLY_ID = "printer.supply"
SUPPLIES_ID = "printer.supplies"
THRESHOLD = "printer.supply_pct"


def chosen_supplies(data: PrinterData) -> tuple[list[Supply], list[Part]]:
    """The supply rows to judge (SNMP's table when it has rows, else IPP's), and why none."""
    whys: list[Part] = []
    if data.snmp is not None:
        missing = data.snmp.part("supplies").missing
        if data.snmp.supplies:
            return data.snmp.supplies, whys
        whys.append(snmp_why(missing) if missing else part("printer.why.snmp.nosupplies"))
    if data.ipp is not None:
        if data.ipp.supplies:
            return data.ipp.supplies, whys
        whys.append(part("printer.why.ipp.nosupplies"))
    return [], whys


def _items(supplies: list[Supply]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for s in supplies:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s.name if seen[s.name] == 1 else f"{s.name} #{seen[s.name]}")
    return out


def _unit(unit: str) -> Part:
    """The unit as the MIB / IPP names it; not reported or out of range in the reader's words."""
    number = unit.removeprefix("unit ")  # the SNMP collector's name of an unknown unit
    if number != unit and number.lstrip("-").isdigit():
        return part("printer.enum.odd", value=int(number))
    return enum_part(unit)


def colour_part(colour: str | None) -> Part | None:
    """A colour fleetcheck recognised (model.guess_colour), in the reader's words."""
    return None if colour is None else part(f"printer.colour.{colour}")


def _order(s: Supply) -> Part:
    bits = [b for b in (colour_part(s.colour), part("printer.order.part", part=s.part) if s.part else None)
            if b]
    if bits:
        return part("printer.order.bits", supply=s.name, bits=bits)
    return part("printer.order", supply=s.name)


def check_supply(s: Supply, item: str, thresholds: Thresholds) -> CheckResult:
    cid = f"{SUPPLY_ID}:{item}"
    colour = part("printer.supply.colour", colour=colour_part(s.colour)) if s.colour else None
    p = {"name": item, "colour": colour, "order": _order(s)}
    raw = f"level {s.level}, max {s.max}, unit {s.unit}, type {s.type}"
    raw += ", waste receptacle (level = space left)" if s.receptacle else ""
    ev = s.evidence
    if s.level == 0:
        code = "printer.supply.full" if s.receptacle else "printer.supply.empty"
        return result(cid, State.CRIT, code, p, ev, details=raw,
                      metrics=[Metric.of(f"supply {item}", 0.0, "%", min=0, max=100)])
    if s.level == SOME_REMAINING:
        level = part("printer.supply.some.space" if s.receptacle else "printer.supply.some")
        return result(cid, State.OK, "printer.supply.level", {**p, "level": level}, ev, details=raw)
    if s.level == NO_RESTRICTION:
        level = part("printer.level.norestriction")
        return result(cid, State.OK, "printer.supply.level", {**p, "level": level}, ev, details=raw)
    if s.level is None or s.level == LEVEL_UNKNOWN or s.level < 0:
        why = (msg("printer.supply.level.unknown.reason") if s.level == LEVEL_UNKNOWN
               else msg("printer.supply.level.none.reason") if s.level is None
               else msg("printer.supply.level.odd.reason", raw_level=s.level))
        return result(cid, State.UNKNOWN, "printer.supply.unknown", p, ev, details=raw, reason=why)
    pct = s.percent()
    if pct is None:
        return result(cid, State.UNKNOWN, "printer.supply.unknown", p, ev, details=raw,
                      reason=msg("printer.supply.nomax.reason", raw_level=s.level, unit=_unit(s.unit),
                                 raw_max=s.max))
    levels = thresholds.levels(THRESHOLD, item)
    state = evaluate(pct, levels.warn, levels.crit)
    pct = round(pct, 1)
    metric = Metric.of(f"supply {item}", pct, "%", levels.warn, levels.crit, 0, 100)
    judged_against = levels_param(state, levels)
    if state is State.OK:
        level = part("printer.supply.pct.space" if s.receptacle else "printer.supply.pct", pct=pct,
                     levels=judged_against)
        return result(cid, state, "printer.supply.level", {**p, "level": level}, ev, metrics=[metric],
                      details=raw)
    code = "printer.supply.low.space" if s.receptacle else "printer.supply.low"
    return result(cid, state, code, {**p, "pct": pct, "levels": judged_against}, ev, metrics=[metric],
                  details=raw)


def check_supplies(data: PrinterData, thresholds: Thresholds) -> list[CheckResult]:
    supplies, whys = chosen_supplies(data)
    if not supplies:
        ev = data.snmp.part("supplies").evidence if data.snmp is not None else ()
        ev += data.ipp.evidence if data.ipp is not None else ()
        return [result(SUPPLIES_ID, State.UNKNOWN, "printer.supplies.unknown", {}, ev,
                       reason=unread(whys))]
    return [check_supply(s, item, thresholds) for s, item in zip(supplies, _items(supplies), strict=True)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.supply", "Supply level", "Tonerstand", Category.CAPACITY, PRINTER_KINDS,
           thresholds={"printer.supply_pct": levels("20:", "10:")}),
    Family("printer.supplies", "Supplies", "Verbrauchsmaterial", Category.CAPACITY, PRINTER_KINDS),
)
