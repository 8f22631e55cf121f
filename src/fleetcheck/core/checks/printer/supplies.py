"""Supplies (toner, ink, drums, waste containers): remaining % against printer.supply_pct.

A percentage exists only where the printer gives a maximum (or reports percent);
-3 "some remaining" and -1 "no restriction" are OK without a made-up number;
-2 / no level is UNKNOWN with the reason; a level of 0 is CRIT (empty) whatever
the thresholds. For a waste container (receptacle) the level is the space left.
The supply to order is named in the summary: description, colour, part number.
"""

from __future__ import annotations

from fleetcheck.core.checks import levels_note, msg, num
from fleetcheck.core.checks.printer import result, unread
from fleetcheck.core.checks.printer.model import (
    LEVEL_UNKNOWN,
    NO_RESTRICTION,
    SOME_REMAINING,
    PrinterData,
    Supply,
)
from fleetcheck.core.family import PRINTER_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

SUPPLY_ID = "printer.supply"
SUPPLIES_ID = "printer.supplies"
THRESHOLD = "printer.supply_pct"


def chosen_supplies(data: PrinterData) -> tuple[list[Supply], list[str]]:
    """The supply rows to judge (SNMP's table when it has rows, else IPP's), and why none."""
    whys: list[str] = []
    if data.snmp is not None:
        part = data.snmp.part("supplies")
        if data.snmp.supplies:
            return data.snmp.supplies, whys
        whys.append(f"SNMP: {part.missing or 'the supplies table has no rows'}")
    if data.ipp is not None:
        if data.ipp.supplies:
            return data.ipp.supplies, whys
        whys.append("IPP: the printer reports neither marker-levels nor printer-supply")
    return [], whys


def _items(supplies: list[Supply]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for s in supplies:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s.name if seen[s.name] == 1 else f"{s.name} #{seen[s.name]}")
    return out


def _order(s: Supply) -> str:
    bits = [b for b in (s.colour, f"part {s.part}" if s.part else None) if b]
    return f" — order: {s.name}" + (f" ({', '.join(bits)})" if bits else "")


def check_supply(s: Supply, item: str, thresholds: Thresholds) -> CheckResult:
    cid = f"{SUPPLY_ID}:{item}"
    colour = f" ({s.colour})" if s.colour else ""
    p = {"name": item, "colour": colour, "order": _order(s)}
    raw = f"level {s.level}, max {s.max}, unit {s.unit}, type {s.type}"
    raw += ", waste receptacle (level = space left)" if s.receptacle else ""
    ev = s.evidence
    if s.level == 0:
        code = "printer.supply.full" if s.receptacle else "printer.supply.empty"
        return result(cid, State.CRIT, code, p, ev, details=raw,
                      metrics=[Metric.of(f"supply {item}", 0.0, "%", min=0, max=100)])
    if s.level == SOME_REMAINING:
        word = "some space left" if s.receptacle else "some remaining"
        level = f"{word} (the printer gives no exact level)"
        return result(cid, State.OK, "printer.supply.level", {**p, "level": level}, ev, details=raw)
    if s.level == NO_RESTRICTION:
        return result(cid, State.OK, "printer.supply.level", {**p, "level": "no restriction reported"}, ev,
                      details=raw)
    if s.level is None or s.level == LEVEL_UNKNOWN or s.level < 0:
        why = (msg("printer.supply.level.unknown.reason") if s.level == LEVEL_UNKNOWN
               else msg("printer.supply.level.none.reason") if s.level is None
               else msg("printer.supply.level.odd.reason", raw_level=s.level))
        return result(cid, State.UNKNOWN, "printer.supply.unknown", p, ev, details=raw, reason=why)
    pct = s.percent()
    if pct is None:
        return result(cid, State.UNKNOWN, "printer.supply.unknown", p, ev, details=raw,
                      reason=msg("printer.supply.nomax.reason", raw_level=s.level, raw_unit=s.unit,
                                 raw_max=s.max))
    levels = thresholds.levels(THRESHOLD, item)
    state = evaluate(pct, levels.warn, levels.crit)
    what = f"{num(round(pct, 1))} %" + (" space" if s.receptacle else "")
    metric = Metric.of(f"supply {item}", round(pct, 1), "%", levels.warn, levels.crit, 0, 100)
    if state is State.OK:
        level = f"{what} {levels_note(state, levels)}"
        return result(cid, state, "printer.supply.level", {**p, "level": level}, ev, metrics=[metric],
                      details=raw)
    return result(cid, state, "printer.supply.low", {**p, "level": what, "note": levels_note(state, levels)},
                  ev, metrics=[metric], details=raw)


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
