"""Device state and error conditions: hrDeviceStatus + hrPrinterStatus (never alone),
the 16 hrPrinterDetectedErrorState bits, prtCoverStatus and IPP printer-state /
printer-state-reasons, merged into one list of conditions with evidence from both."""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks.printer import Part, english, enum_part, result, snmp_why, unread
from fleetcheck.core.checks.printer.model import (
    HR_DEVICE_STATUS,
    HR_PRINTER_STATUS,
    IPP_STATE,
    PrinterData,
    enum_text,
)
from fleetcheck.core.family import PRINTER_KINDS, Category, Family
from fleetcheck.core.i18n import part
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State, worst

STATUS_ID = "printer.status"
CONDITIONS_ID = "printer.conditions"


@dataclass(frozen=True, slots=True)
class Condition:
    name: str  # its words: the message code printer.condition.<name> (core/i18n/printer.py)
    state: State


C = Condition
CONDITIONS = {c.name: c for c in (
    C("paper-out", State.CRIT), C("paper-low", State.WARN),
    C("jam", State.CRIT), C("door-open", State.CRIT),
    C("offline", State.CRIT), C("service-requested", State.CRIT),
    C("toner-low", State.WARN), C("toner-empty", State.CRIT),
    C("input-tray-missing", State.WARN),
    C("output-tray-missing", State.WARN),
    C("supply-missing", State.CRIT),
    C("output-near-full", State.WARN),
    C("output-full", State.CRIT),
    C("input-tray-empty", State.WARN),
    C("maintenance-due", State.WARN),
    C("waste-almost-full", State.WARN),
    C("waste-full", State.CRIT), C("paused", State.WARN),
    C("spool-full", State.WARN),
    C("interpreter", State.WARN),
    C("bit15", State.OK),
)}

# hrPrinterDetectedErrorState bit name -> condition
BIT_CONDITIONS = {
    "lowPaper": "paper-low", "noPaper": "paper-out", "lowToner": "toner-low", "noToner": "toner-empty",
    "doorOpen": "door-open", "jammed": "jam", "offline": "offline", "serviceRequested": "service-requested",
    "inputTrayMissing": "input-tray-missing", "outputTrayMissing": "output-tray-missing",
    "markerSupplyMissing": "supply-missing", "outputNearFull": "output-near-full",
    "outputFull": "output-full", "inputTrayEmpty": "input-tray-empty",
    "overduePreventMaint": "maintenance-due", "bit15": "bit15",
}
# IPP printer-state-reasons keyword -> condition
REASON_CONDITIONS = {
    "media-empty": "paper-out", "media-needed": "paper-out", "media-low": "paper-low", "media-jam": "jam",
    "cover-open": "door-open", "door-open": "door-open", "interlock-open": "door-open",
    "offline": "offline", "shutdown": "offline", "printer-shutdown": "offline",
    "toner-low": "toner-low", "marker-supply-low": "toner-low", "toner-empty": "toner-empty",
    "marker-supply-empty": "toner-empty", "input-tray-missing": "input-tray-missing",
    "output-tray-missing": "output-tray-missing", "output-area-almost-full": "output-near-full",
    "output-area-full": "output-full", "marker-waste-almost-full": "waste-almost-full",
    "marker-waste-full": "waste-full", "fuser-over-temp": "service-requested",
    "fuser-under-temp": "service-requested", "opc-life-over": "service-requested",
    "developer-empty": "service-requested", "marker-developer-empty": "service-requested",
    "opc-near-eol": "maintenance-due", "developer-low": "maintenance-due",
    "marker-developer-almost-empty": "maintenance-due", "paused": "paused", "moving-to-paused": "paused",
    "stopped-partly": "paused", "spool-area-full": "spool-full",
    "interpreter-resource-unavailable": "interpreter",
}
# keywords that say nothing is wrong with the device
INFO_REASONS = frozenset({"other", "connecting-to-device", "timed-out", "stopping",
                          "identify-printer-requested", "printer-restarted", "input-manual-input-request",
                          "hold-new-jobs", "deactivated"})
COVER_OPEN = {3: "coverOpen", 5: "interlockOpen"}


def _evidence(data: PrinterData, part: str) -> tuple[Evidence, ...]:
    out: tuple[Evidence, ...] = ()
    if data.snmp is not None:
        out += data.snmp.part(part).evidence
    if data.ipp is not None:
        out += data.ipp.evidence
    return out


STATE_WORDS = ("unknown", "running", "warning", "testing", "down", "other", "idle", "printing", "warmup",
               "processing", "stopped")


def _state(table: dict[int, str], value: int | None) -> Part:
    return enum_part(enum_text(table, value), "printer.state", STATE_WORDS)


def check_status(data: PrinterData) -> CheckResult:
    states: list[State] = []
    words: list[Part] = []
    whys: list[Part] = []
    snmp, ipp = data.snmp, data.ipp
    if snmp is not None:
        missing = snmp.part("status").missing
        dev, prt = snmp.device_status, snmp.printer_status
        if missing:
            whys.append(snmp_why(missing))
        elif dev is not None:
            state = {2: State.OK, 3: State.WARN, 4: State.WARN, 5: State.CRIT}.get(dev)
            if state is None:  # unknown(1) or out of range
                whys.append(part("printer.why.snmp.device", dev=_state(HR_DEVICE_STATUS, dev)))
            else:
                states.append(state)
                if prt is not None:
                    words.append(part("printer.status.snmp.both", dev=_state(HR_DEVICE_STATUS, dev),
                                      prt=_state(HR_PRINTER_STATUS, prt)))
                else:
                    words.append(part("printer.status.snmp.device", dev=_state(HR_DEVICE_STATUS, dev)))
        elif prt in (3, 4, 5):
            states.append(State.OK)
            words.append(part("printer.status.snmp.printer", prt=_state(HR_PRINTER_STATUS, prt)))
        else:
            whys.append(part("printer.why.snmp.printer_only", prt=_state(HR_PRINTER_STATUS, prt)))
    if ipp is not None:
        if ipp.state is None:
            whys.append(part("printer.why.ipp.nostate"))
        else:
            states.append(State.CRIT if ipp.state == 5 else State.OK if ipp.state in (3, 4) else State.WARN)
            word = _state(IPP_STATE, ipp.state)
            if ipp.message and ipp.state == 5:  # the printer's own words on why it stopped
                words.append(part("printer.status.ipp.said", state=word, said=ipp.message))
            else:
                words.append(part("printer.status.ipp", state=word))
    ev = _evidence(data, "status")
    if not states:
        return result(STATUS_ID, State.UNKNOWN, "printer.status.unknown", {}, ev,
                      reason=unread(whys))
    state = worst(states, default=State.UNKNOWN)
    code = "printer.status.ok" if state is State.OK else "printer.status.problem"
    return result(STATUS_ID, state, code, {"status": words}, ev, details="\n".join(map(english, whys)))


def check_conditions(data: PrinterData) -> CheckResult:
    found: dict[str, list[Part]] = {}  # condition -> what said so
    info: list[str] = []
    unknown_kw: list[str] = []
    sources: list[Part] = []
    whys: list[Part] = []
    snmp, ipp = data.snmp, data.ipp
    if snmp is not None:
        missing = snmp.part("errors").missing
        if missing:
            whys.append(snmp_why(missing))
        else:
            raw = snmp.error_state or b""
            sources.append(part("printer.source.bits", hex=raw.hex()) if raw
                           else part("printer.source.bits.none"))
            for bit in snmp.error_bits():
                found.setdefault(BIT_CONDITIONS[bit], []).append(part("printer.said.bit", bit=bit))
        for descr, st in snmp.covers:
            if st in COVER_OPEN:
                found.setdefault("door-open", []).append(
                    part("printer.said.cover", cover_status=COVER_OPEN[st], cover=descr))
    if ipp is not None:
        sources.append(part("printer.source.ipp"))
        for r in ipp.reasons:
            cond = REASON_CONDITIONS.get(r.keyword)
            if cond:
                found.setdefault(cond, []).append(part("printer.said.ipp", keyword=r.raw))
            elif r.keyword in INFO_REASONS or r.keyword.startswith("cups-"):
                info.append(r.raw)
            else:
                unknown_kw.append(r.raw)
    ev = _evidence(data, "errors")
    if not sources:
        return result(CONDITIONS_ID, State.UNKNOWN, "printer.conditions.unknown", {}, ev,
                      reason=unread(whys))
    states = [CONDITIONS[c].state for c in found]
    # an unknown keyword is shown; its -error suffix is the printer saying it is serious
    states += [State.WARN for k in unknown_kw if k.endswith("-error")]
    state = worst(states, default=State.OK)
    ordered = sorted(found, key=lambda c: -CONDITIONS[c].state.rank)
    parts = [part("printer.condition", condition=part(f"printer.condition.{c}"), said=found[c])
             for c in ordered]
    parts += [part("printer.condition.unknown_reason", keyword=k) for k in unknown_kw]
    details = "\n".join([*map(english, parts), *(f"informational: {k}" for k in info), *map(english, whys)])
    if not parts:
        return result(CONDITIONS_ID, State.OK, "printer.conditions.none", {"sources": sources}, ev,
                      details=details)
    return result(CONDITIONS_ID, state, "printer.conditions.found", {"conditions": parts}, ev,
                  details=details)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.status", "Printer status", "Druckerstatus", Category.FAILURE, PRINTER_KINDS),
    Family("printer.conditions", "Printer faults", "Druckerstörungen", Category.FAILURE, PRINTER_KINDS),
)
