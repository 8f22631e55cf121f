"""The parsed printer: what SNMP and IPP said, in one shape, with the raw values kept.

Levels keep the Printer-MIB / IPP special values as they came (-1 no restriction,
-2 unknown, -3 "some remaining"); a percentage exists only where the maximum is
known (`Supply.percent`), never made up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fleetcheck.core.results import Evidence

NO_RESTRICTION, LEVEL_UNKNOWN, SOME_REMAINING = -1, -2, -3

Why = dict[str, Any]  # a message with its own parameters ({"code": ..., ...}, core/i18n `part`)

# hrPrinterDetectedErrorState bits (RFC 2790 / RFC 3805), bit 0 = MSB of the first octet
ERROR_BITS = ("lowPaper", "noPaper", "lowToner", "noToner", "doorOpen", "jammed", "offline",
              "serviceRequested", "inputTrayMissing", "outputTrayMissing", "markerSupplyMissing",
              "outputNearFull", "outputFull", "inputTrayEmpty", "overduePreventMaint", "bit15")

HR_DEVICE_STATUS = {1: "unknown", 2: "running", 3: "warning", 4: "testing", 5: "down"}
HR_PRINTER_STATUS = {1: "other", 2: "unknown", 3: "idle", 4: "printing", 5: "warmup"}
IPP_STATE = {3: "idle", 4: "processing", 5: "stopped"}

SUPPLY_TYPES = {1: "other", 2: "unknown", 3: "toner", 4: "wasteToner", 5: "ink", 6: "inkCartridge",
                7: "inkRibbon", 8: "wasteInk", 9: "opc", 10: "developer", 11: "fuserOil", 12: "solidWax",
                13: "ribbonWax", 14: "wasteWax", 15: "fuser", 16: "coronaWire", 17: "fuserOilWick",
                18: "cleanerUnit", 19: "fuserCleaningPad", 20: "transferUnit", 21: "tonerCartridge",
                22: "fuserOiler", 23: "water", 24: "wasteWater", 25: "glueWaterAdditive",
                26: "wastePaper", 27: "bindingSupply", 28: "bandingSupply", 29: "stitchingWire",
                30: "shrinkWrap", 31: "paperWrap", 32: "staples", 33: "inserts", 34: "covers"}
SUPPLY_UNITS = {1: "other", 2: "unknown", 3: "tenThousandthsOfInches", 4: "micrometers",
                7: "impressions", 8: "sheets", 11: "hours", 12: "thousandthsOfOunces",
                13: "tenthsOfGrams", 14: "hundrethsOfFluidOunces", 15: "tenthsOfMilliliters",
                16: "feet", 17: "meters", 18: "items", 19: "percent"}
INPUT_TYPES = {1: "other", 2: "unknown", 3: "sheetFeedAutoRemovableTray",
               4: "sheetFeedAutoNonRemovableTray", 5: "sheetFeedManual", 6: "continuousRoll",
               7: "continuousFanFold"}
ALERT_SEVERITY = {1: "other", 3: "critical", 4: "warning", 5: "warningBinaryChangeEvent"}
ALERT_GROUPS = {1: "other", 3: "hostResourcesMIBStorageTable", 4: "hostResourcesMIBDeviceTable",
                5: "generalPrinter", 6: "cover", 7: "localization", 8: "input", 9: "output",
                10: "marker", 11: "markerSupplies", 12: "markerColorant", 13: "mediaPath",
                14: "channel", 15: "interpreter", 16: "consoleDisplayBuffer", 17: "consoleLights",
                18: "alert", 30: "finDevice", 31: "finSupply", 32: "finSupplyMediaInput",
                33: "finAttribute"}
ALERT_CODES = {1: "other", 2: "unknown", 3: "coverOpen", 4: "coverClosed", 5: "interlockOpen",
               6: "interlockClosed", 7: "configurationChange", 8: "jam", 9: "subunitMissing",
               10: "subunitLifeAlmostOver", 11: "subunitLifeOver", 12: "subunitAlmostEmpty",
               13: "subunitEmpty", 14: "subunitAlmostFull", 15: "subunitFull",
               16: "subunitNearLimit", 17: "subunitAtLimit", 18: "subunitOpened", 19: "subunitClosed",
               20: "subunitTurnedOn", 21: "subunitTurnedOff", 22: "subunitOffline",
               23: "subunitPowerSaver", 24: "subunitWarmingUp", 25: "subunitAdded",
               26: "subunitRemoved", 27: "subunitResourceAdded", 28: "subunitResourceRemoved",
               29: "subunitRecoverableFailure", 30: "subunitUnrecoverableFailure",
               31: "subunitRecoverableStorageError", 32: "subunitUnrecoverableStorageError",
               33: "subunitMotorFailure", 34: "subunitMemoryExhausted", 35: "subunitUnderTemperature",
               36: "subunitOverTemperature", 37: "subunitTimingFailure", 38: "subunitThermistorFailure",
               501: "doorOpen", 502: "doorClosed", 503: "powerUp", 504: "powerDown",
               505: "printerNMSReset", 506: "printerManualReset", 507: "printerReadyToPrint",
               801: "inputMediaTrayMissing", 802: "inputMediaSizeChange", 803: "inputMediaWeightChange",
               804: "inputMediaTypeChange", 805: "inputMediaColorChange", 806: "inputMediaFormPartsChange",
               807: "inputMediaSupplyLow", 808: "inputMediaSupplyEmpty", 809: "inputMediaChangeRequest",
               810: "inputManualInputRequest", 811: "inputTrayPositionFailure",
               812: "inputTrayElevationFailure", 813: "inputCannotFeedSizeSelected",
               901: "outputMediaTrayMissing", 902: "outputMediaTrayAlmostFull",
               903: "outputMediaTrayFull", 904: "outputMailboxSelectFailure",
               1001: "markerFuserUnderTemperature", 1002: "markerFuserOverTemperature",
               1003: "markerFuserTimingFailure", 1004: "markerFuserThermistorFailure",
               1005: "markerAdjustingPrintQuality", 1101: "markerTonerEmpty", 1102: "markerInkEmpty",
               1103: "markerPrintRibbonEmpty", 1104: "markerTonerAlmostEmpty",
               1105: "markerInkAlmostEmpty", 1106: "markerPrintRibbonAlmostEmpty",
               1107: "markerWasteTonerReceptacleAlmostFull", 1108: "markerWasteInkReceptacleAlmostFull",
               1109: "markerWasteTonerReceptacleFull", 1110: "markerWasteInkReceptacleFull",
               1111: "markerOpcLifeAlmostOver", 1112: "markerOpcLifeOver",
               1113: "markerDeveloperAlmostEmpty", 1114: "markerDeveloperEmpty",
               1115: "markerTonerCartridgeMissing", 1301: "mediaPathMediaTrayMissing",
               1302: "mediaPathMediaTrayAlmostFull", 1303: "mediaPathMediaTrayFull",
               1304: "mediaPathCannotDuplexMediaSelected", 1501: "interpreterMemoryIncrease",
               1502: "interpreterMemoryDecrease", 1503: "interpreterCartridgeAdded",
               1504: "interpreterCartridgeDeleted", 1505: "interpreterResourceAdded",
               1506: "interpreterResourceDeleted", 1507: "interpreterResourceUnavailable",
               1509: "interpreterComplexPageEncountered", 1801: "alertRemovalOfBinaryChangeEntry"}

_COLOURS = (("black", ("black", "schwarz", "noir", "negro", "negra", "nero", "bk", "k")),
            ("cyan", ("cyan", "cian", "c")), ("magenta", ("magenta", "m")),
            ("yellow", ("yellow", "gelb", "jaune", "amarillo", "giallo", "y")))
_HEX_COLOURS = {"#000000": "black", "#00ffff": "cyan", "#ff00ff": "magenta", "#ffff00": "yellow"}
_PART = re.compile(r"(?:\bP/?N[:#]?\s*|\bHP\s+)([A-Z0-9][A-Z0-9-]{3,14})\b")


def enum_text(table: dict[int, str], value: int | None) -> str:
    """Readable name of an enum value; an out-of-range one stays visible as its number."""
    if value is None:
        return "not reported"
    return table.get(value, f"unknown value {value}")


def clean_text(raw: object) -> str:
    """A printer string made safe to show: cut at the first NUL (HP pads with them), trimmed,
    decoded as UTF-8 or else Latin-1 (never fails), control characters escaped."""
    if not isinstance(raw, (bytes, str)):
        return ""
    if isinstance(raw, str):
        text = raw.split("\x00", 1)[0]
    else:
        data = raw.split(b"\x00", 1)[0]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    text = text.strip()
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def guess_colour(*texts: str) -> str | None:
    for text in texts:
        low = text.lower()
        if low in _HEX_COLOURS:
            return _HEX_COLOURS[low]
        words = set(re.split(r"[^a-zäöüé]+", low))
        for colour, names in _COLOURS:
            if any(n in words for n in names if len(n) > 1):
                return colour
    return None


def part_number(description: str) -> str | None:
    m = _PART.search(description)
    return m.group(1) if m else None


@dataclass(frozen=True, slots=True)
class Supply:
    key: str  # row index ("1.2") or marker position
    name: str
    type: str  # toner, wasteToner, ink, opc, ... ("unknown value 99" when out of range)
    unit: str
    max: int | None  # None: not reported
    level: int | None
    receptacle: bool  # a container that fills up (waste toner): level = remaining space
    source: str  # "snmp" | "ipp"
    colour: str | None = None
    part: str | None = None
    evidence: tuple[Evidence, ...] = ()

    def percent(self) -> float | None:
        """Remaining supply (or remaining space of a receptacle) in %, only with a known max."""
        if self.level is None or self.level < 0:
            return None
        if self.unit == "percent" and (self.max is None or self.max <= 0):
            return float(min(self.level, 100))
        if self.max is None or self.max <= 0:
            return None
        return min(100.0, 100.0 * self.level / self.max)


@dataclass(frozen=True, slots=True)
class Tray:
    key: str
    name: str
    type: str
    max: int | None
    level: int | None
    status: int | None  # PrtSubUnitStatusTC
    manual: bool  # bypass / multi-purpose / manual feed: empty is normal
    evidence: tuple[Evidence, ...] = ()

    @property
    def critical_alert(self) -> bool:
        return self.status is not None and self.status >= 0 and bool(self.status & 16)

    @property
    def offline(self) -> bool:
        return self.status is not None and self.status >= 0 and bool(self.status & 32)


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    severity: str  # critical | warning | other | warningBinaryChangeEvent | unknown value N
    group: str
    code: str  # PrtAlertCodeTC name (or IPP printer-alert code), "unknown value N" when out of range
    code_num: int | None
    description: str
    time: int | None  # sysUpTime ticks (SNMP) / printer-up-time based (IPP)
    source: str
    evidence: tuple[Evidence, ...] = ()
    group_index: int | None = None  # row of the group's table (for input: which tray)


@dataclass(frozen=True, slots=True)
class Reason:
    """One IPP printer-state-reasons keyword, split from its -report/-warning/-error suffix."""

    keyword: str
    suffix: str  # "", "report", "warning", "error"
    raw: str


@dataclass
class Part:
    """One section of a printer's data: present with evidence, or why it is missing."""

    evidence: tuple[Evidence, ...] = ()
    missing: Why | None = None  # why this part could not be read (UNKNOWN reason), a message part


@dataclass
class SnmpPrinter:
    target: str  # "snmp v2c udp:host:161" (never the community)
    device_index: int | None = None
    device_status: int | None = None
    printer_status: int | None = None
    error_state: bytes | None = None  # None: not answered; b"": answered with zero octets
    model: str = ""
    serial: str = ""
    name: str = ""
    sys_object_id: str = ""
    uptime_s: float | None = None
    page_count: int | None = None
    supplies: list[Supply] = field(default_factory=list)
    trays: list[Tray] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    covers: list[tuple[str, int]] = field(default_factory=list)  # (description, prtCoverStatus)
    parts: dict[str, Part] = field(default_factory=dict)  # status, errors, supplies, trays, alerts, pages

    def part(self, name: str) -> Part:
        return self.parts.setdefault(name, Part())

    def error_bits(self) -> list[str]:
        raw = self.error_state or b""
        return [n for b, n in enumerate(ERROR_BITS) if b // 8 < len(raw) and raw[b // 8] & (0x80 >> (b % 8))]


@dataclass
class IppPrinter:
    uri: str
    state: int | None = None
    reasons: list[Reason] = field(default_factory=list)
    message: str = ""
    make_model: str = ""
    serial: str = ""
    name: str = ""
    uptime_s: float | None = None
    page_count: int | None = None
    supplies: list[Supply] = field(default_factory=list)
    trays: list[Tray] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    evidence: tuple[Evidence, ...] = ()


@dataclass
class PrinterData:
    """Everything read from one printer; a protocol that failed says why."""

    snmp: SnmpPrinter | None = None
    snmp_error: str | None = None  # configured but did not answer
    ipp: IppPrinter | None = None
    ipp_error: str | None = None
    protocols: tuple[str, ...] = ()  # configured ("snmp", "ipp")

    @property
    def model(self) -> str:
        return (self.snmp.model if self.snmp and self.snmp.model else
                self.ipp.make_model if self.ipp else "")

    @property
    def serial(self) -> str:
        return (self.snmp.serial if self.snmp and self.snmp.serial else self.ipp.serial if self.ipp else "")

    @property
    def uptime_s(self) -> float | None:
        if self.snmp and self.snmp.uptime_s is not None:
            return self.snmp.uptime_s
        return self.ipp.uptime_s if self.ipp else None

    @property
    def page_count(self) -> int | None:
        if self.snmp and self.snmp.page_count is not None:
            return self.snmp.page_count
        return self.ipp.page_count if self.ipp else None
