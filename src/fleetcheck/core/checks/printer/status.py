"""Device state and error conditions: hrDeviceStatus + hrPrinterStatus (never alone),
the 16 hrPrinterDetectedErrorState bits, prtCoverStatus and IPP printer-state /
printer-state-reasons, merged into one list of conditions with evidence from both."""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks.printer import result, unread
from fleetcheck.core.checks.printer.model import (
    HR_DEVICE_STATUS,
    HR_PRINTER_STATUS,
    IPP_STATE,
    PrinterData,
    enum_text,
)
from fleetcheck.core.family import PRINTER_KINDS, Category, Family
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State, worst

STATUS_ID = "printer.status"
CONDITIONS_ID = "printer.conditions"


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    state: State
    label: str


C = Condition
CONDITIONS = {c.name: c for c in (
    C("paper-out", State.CRIT, "out of paper"), C("paper-low", State.WARN, "paper low"),
    C("jam", State.CRIT, "paper jam"), C("door-open", State.CRIT, "door or cover open"),
    C("offline", State.CRIT, "offline"), C("service-requested", State.CRIT, "service requested"),
    C("toner-low", State.WARN, "toner/ink low"), C("toner-empty", State.CRIT, "toner/ink empty"),
    C("input-tray-missing", State.WARN, "input tray missing"),
    C("output-tray-missing", State.WARN, "output tray missing"),
    C("supply-missing", State.CRIT, "marker supply missing"),
    C("output-near-full", State.WARN, "output bin nearly full"),
    C("output-full", State.CRIT, "output bin full"),
    C("input-tray-empty", State.WARN, "an input tray is empty"),
    C("maintenance-due", State.WARN, "maintenance due"),
    C("waste-almost-full", State.WARN, "waste almost full"),
    C("waste-full", State.CRIT, "waste container full"), C("paused", State.WARN, "paused"),
    C("spool-full", State.WARN, "spool area full"),
    C("interpreter", State.WARN, "interpreter resource missing"),
    C("bit15", State.OK, "unassigned error bit 15 set"),
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


def check_status(data: PrinterData) -> CheckResult:
    states: list[State] = []
    words: list[str] = []
    whys: list[str] = []
    snmp, ipp = data.snmp, data.ipp
    if snmp is not None:
        missing = snmp.part("status").missing
        dev, prt = snmp.device_status, snmp.printer_status
        if missing:
            whys.append(f"SNMP: {missing}")
        elif dev is not None:
            text = enum_text(HR_DEVICE_STATUS, dev)
            state = {2: State.OK, 3: State.WARN, 4: State.WARN, 5: State.CRIT}.get(dev)
            if state is None:  # unknown(1) or out of range
                whys.append(f"SNMP: hrDeviceStatus is {text}")
            else:
                states.append(state)
                extra = f", hrPrinterStatus {enum_text(HR_PRINTER_STATUS, prt)}" if prt is not None else ""
                words.append(f"{text} (SNMP hrDeviceStatus{extra})")
        elif prt in (3, 4, 5):
            states.append(State.OK)
            words.append(f"{enum_text(HR_PRINTER_STATUS, prt)} (SNMP hrPrinterStatus)")
        else:
            whys.append(f"SNMP: only hrPrinterStatus {enum_text(HR_PRINTER_STATUS, prt)}, which alone "
                        "says nothing (a sleeping printer reports 'other' too) and hrDeviceStatus is missing")
    if ipp is not None:
        if ipp.state is None:
            whys.append("IPP: printer-state not reported")
        else:
            text = enum_text(IPP_STATE, ipp.state)
            states.append(State.CRIT if ipp.state == 5 else State.OK if ipp.state in (3, 4) else State.WARN)
            msg = f": {ipp.message}" if ipp.message and ipp.state == 5 else ""
            words.append(f"{text}{msg} (IPP printer-state)")
    ev = _evidence(data, "status")
    if not states:
        return result(STATUS_ID, State.UNKNOWN, "printer.status.unknown", {}, ev,
                      reason=unread(whys))
    state = worst(states, default=State.UNKNOWN)
    code = "printer.status.ok" if state is State.OK else "printer.status.problem"
    return result(STATUS_ID, state, code, {"status": ", ".join(words)}, ev, details="\n".join(whys))


def check_conditions(data: PrinterData) -> CheckResult:
    found: dict[str, list[str]] = {}  # condition -> what said so
    info: list[str] = []
    unknown_kw: list[str] = []
    sources: list[str] = []
    whys: list[str] = []
    snmp, ipp = data.snmp, data.ipp
    if snmp is not None:
        if snmp.part("errors").missing:
            whys.append(f"SNMP: {snmp.part('errors').missing}")
        else:
            raw = snmp.error_state or b""
            sources.append(f"SNMP error bits 0x{raw.hex()}" if raw else "SNMP error bits: 0 octets")
            for bit in snmp.error_bits():
                found.setdefault(BIT_CONDITIONS[bit], []).append(f"bit {bit}")
        for descr, st in snmp.covers:
            if st in COVER_OPEN:
                found.setdefault("door-open", []).append(f"prtCoverStatus {COVER_OPEN[st]} ({descr})")
    if ipp is not None:
        sources.append("IPP printer-state-reasons")
        for r in ipp.reasons:
            cond = REASON_CONDITIONS.get(r.keyword)
            if cond:
                found.setdefault(cond, []).append(f"IPP {r.raw}")
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
    parts = [f"{CONDITIONS[c].label} ({', '.join(found[c])})" for c in ordered]
    parts += [f"unknown reason '{k}'" for k in unknown_kw]
    details = "\n".join([*parts, *(f"informational: {k}" for k in info), *whys])
    if not parts:
        return result(CONDITIONS_ID, State.OK, "printer.conditions.none", {"sources": ", ".join(sources)}, ev,
                      details=details)
    return result(CONDITIONS_ID, state, "printer.conditions.found", {"conditions": "; ".join(parts)}, ev,
                  details=details)


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.status", "Printer status", "Druckerstatus", Category.FAILURE, PRINTER_KINDS),
    Family("printer.conditions", "Printer faults", "Druckerstörungen", Category.FAILURE, PRINTER_KINDS),
)
