"""Read a printer over SNMP: HOST-RESOURCES-MIB printer device and the Printer-MIB tables.

`read_snmp` asks (one GET, then every table walked at once); `parse_snmp` is pure and
turns the answers into an SnmpPrinter. Whatever a printer does not answer (a table
missing, noSuchObject) is recorded on the matching part with the reason, so the check
built on it says UNKNOWN and why, never OK.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from fleetcheck.core.checks.printer.model import (
    ALERT_CODES,
    ALERT_GROUPS,
    ALERT_SEVERITY,
    INPUT_TYPES,
    SUPPLY_TYPES,
    SUPPLY_UNITS,
    Alert,
    SnmpPrinter,
    Supply,
    Tray,
    Why,
    clean_text,
    enum_text,
    guess_colour,
    part_number,
)
from fleetcheck.core.i18n import part
from fleetcheck.core.results import Evidence, utcnow
from fleetcheck.core.snmp.client import MISSING, SnmpError, SnmpSession, SnmpValue

SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME = (
    "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0")
HR_DEVICE_PRINTER = "1.3.6.1.2.1.25.3.1.5"
HR_DEVICE_TYPE = "1.3.6.1.2.1.25.3.2.1.2"
HR_DEVICE_STATUS = "1.3.6.1.2.1.25.3.2.1.5"
HR_PRINTER = "1.3.6.1.2.1.25.3.5.1"  # .1 hrPrinterStatus, .2 hrPrinterDetectedErrorState
PRT_GENERAL = "1.3.6.1.2.1.43.5.1.1"  # .16 name, .17 serial
PRT_COVER = "1.3.6.1.2.1.43.6.1.1"  # .2 description, .3 status
PRT_INPUT = "1.3.6.1.2.1.43.8.2.1"
PRT_MARKER = "1.3.6.1.2.1.43.10.2.1"  # .4 prtMarkerLifeCount
PRT_SUPPLIES = "1.3.6.1.2.1.43.11.1.1"
PRT_COLORANT = "1.3.6.1.2.1.43.12.1.1.4"
PRT_ALERT = "1.3.6.1.2.1.43.18.1.1"

WALKS = (HR_DEVICE_TYPE, HR_DEVICE_STATUS, HR_PRINTER, PRT_GENERAL, PRT_COVER, PRT_INPUT, PRT_MARKER,
         PRT_SUPPLIES, PRT_COLORANT, PRT_ALERT)
_MANUAL_WORDS = ("bypass", "by-pass", "manual", "multi", "mp tray", "mpt", "mp-", "universal")

Walked = Mapping[str, list[tuple[str, SnmpValue]] | SnmpError]


def show(value: SnmpValue) -> str:
    """A value as evidence text: OCTET STRINGs escaped byte for byte, never interpreted."""
    if isinstance(value, bytes):
        if value and all(32 <= b < 127 for b in value):
            return repr(value.decode("ascii"))
        return "0x" + value.hex() if value else "'' (0 octets)"
    return str(value)


async def read_snmp(session: SnmpSession) -> SnmpPrinter:
    """Raises SnmpError (SnmpTimeout when the agent is silent) only when the first GET fails."""
    sysvals = await session.get(SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)
    walked = await session.walk_many(*WALKS)
    return parse_snmp(session.target.describe(), sysvals, walked, utcnow())


def _ev(target: str, what: str, rows: list[tuple[str, SnmpValue]], observed: datetime) -> Evidence:
    text = "\n".join(f"{oid} = {show(v)}" for oid, v in rows) or "(no rows)"
    return Evidence.of(f"{target} {what}", text, observed, kind="oid")


def _table(rows: list[tuple[str, SnmpValue]], base: str) -> dict[str, dict[int, SnmpValue]]:
    """{row index: {column: value}} of a conceptual table walked at its entry OID."""
    out: dict[str, dict[int, SnmpValue]] = {}
    plen = len(base) + 1
    for oid, value in rows:
        col, _, index = oid[plen:].partition(".")
        if col.isdigit() and index:
            out.setdefault(index, {})[int(col)] = value
    return out


def _int(v: SnmpValue | None) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _own_rows(table: dict[str, dict[int, SnmpValue]], device: int | None) -> dict[str, dict[int, SnmpValue]]:
    """Rows of our printer device (Printer-MIB indexes start with hrDeviceIndex); all rows when
    none carry it (some agents index every table from 1 whatever the device index is)."""
    if device is None:
        return table
    mine = {k: v for k, v in table.items() if k.split(".", 1)[0] == str(device)}
    return mine or table


def parse_snmp(target: str, sysvals: Mapping[str, SnmpValue], walked: Walked,
               observed: datetime) -> SnmpPrinter:
    p = SnmpPrinter(target=target)
    sys_rows = [(oid, v) for oid, v in sysvals.items()]
    sys_ev = _ev(target, "GET system", sys_rows, observed)
    descr = sysvals.get(SYS_DESCR, MISSING)
    p.model = clean_text(descr) if isinstance(descr, bytes) else ""
    name = sysvals.get(SYS_NAME, MISSING)
    p.name = clean_text(name) if isinstance(name, bytes) else ""
    oid = sysvals.get(SYS_OBJECT_ID, MISSING)
    p.sys_object_id = oid if isinstance(oid, str) else ""
    ticks = _int(sysvals.get(SYS_UPTIME))
    p.uptime_s = None if ticks is None else ticks / 100.0
    p.part("uptime").evidence = (sys_ev,)
    if ticks is None:
        p.part("uptime").missing = part("printer.why.snmp.nouptime", oid=SYS_UPTIME)

    def rows_of(base: str, what: str) -> tuple[list[tuple[str, SnmpValue]], Why | None]:
        res = walked.get(base)
        if isinstance(res, SnmpError):
            return [], part("printer.why.snmp.walk_failed", table=what, oid=base, error=str(res))
        if not res:
            return [], part("printer.why.snmp.no_table", table=what, oid=base)
        return res, None

    # --- the printer device: hrDeviceIndex, hrDeviceStatus, hrPrinterStatus, error bits
    types, why_types = rows_of(HR_DEVICE_TYPE, "hrDeviceType")
    statuses, _ = rows_of(HR_DEVICE_STATUS, "hrDeviceStatus")
    printers, why_printers = rows_of(HR_PRINTER, "hrPrinterTable")
    dev_ev = [_ev(target, f"walk {HR_DEVICE_TYPE}", types, observed),
              _ev(target, f"walk {HR_DEVICE_STATUS}", statuses, observed),
              _ev(target, f"walk {HR_PRINTER}", printers, observed)]
    candidates = sorted(int(o.rsplit(".", 1)[1]) for o, v in types if v == HR_DEVICE_PRINTER)
    prt_table = _table(printers, HR_PRINTER)
    if not candidates and prt_table:
        candidates = sorted(int(k) for k in prt_table if k.isdigit())
    status_part, errors_part = p.part("status"), p.part("errors")
    status_part.evidence = errors_part.evidence = (sys_ev, *dev_ev)
    if candidates:
        dev = p.device_index = candidates[0]
        p.device_status = _int(dict(statuses).get(f"{HR_DEVICE_STATUS}.{dev}"))
        row = prt_table.get(str(dev), {})
        p.printer_status = _int(row.get(1))
        err = row.get(2)
        p.error_state = err if isinstance(err, bytes) else None
        if p.device_status is None and p.printer_status is None:
            status_part.missing = part("printer.why.snmp.no_status", device=dev)
        if p.error_state is None:
            errors_part.missing = part("printer.why.snmp.no_errors", oid=f"{HR_PRINTER}.2.{dev}")
    else:
        why_dev = why_types or why_printers or part("printer.why.snmp.no_device_row")
        status_part.missing = errors_part.missing = part("printer.why.snmp.no_device", why=why_dev)

    dev_idx = p.device_index

    # --- general: name and serial
    general, _ = rows_of(PRT_GENERAL, "prtGeneralTable")
    gen = _own_rows(_table(general, PRT_GENERAL), dev_idx)
    for row in gen.values():
        if isinstance(row.get(16), bytes) and clean_text(row[16]):
            p.name = clean_text(row[16])
        if isinstance(row.get(17), bytes):
            p.serial = clean_text(row[17])
        break

    # --- covers
    cover_rows, _ = rows_of(PRT_COVER, "prtCoverTable")
    for key, row in sorted(_own_rows(_table(cover_rows, PRT_COVER), dev_idx).items()):
        st = _int(row.get(3))
        if st is not None:
            p.covers.append((clean_text(row.get(2)) or f"cover {key}", st))
    if cover_rows:
        status_part.evidence = (*status_part.evidence, _ev(target, f"walk {PRT_COVER}", cover_rows, observed))

    # --- supplies (+ colorants)
    sup_rows, why = rows_of(PRT_SUPPLIES, "prtMarkerSuppliesTable")
    col_rows, _ = rows_of(PRT_COLORANT, "prtMarkerColorantValue")
    colorants = {o[len(PRT_COLORANT) + 1:]: clean_text(v) for o, v in col_rows if isinstance(v, bytes)}
    sp = p.part("supplies")
    sp.missing = why
    sp.evidence = (_ev(target, f"walk {PRT_SUPPLIES}", sup_rows, observed),)
    if col_rows:
        sp.evidence = (*sp.evidence, _ev(target, f"walk {PRT_COLORANT}", col_rows, observed))
    for key, row in sorted(_own_rows(_table(sup_rows, PRT_SUPPLIES), dev_idx).items(), key=_natural):
        descr = clean_text(row.get(6)) if isinstance(row.get(6), bytes) else ""
        type_num = _int(row.get(5))
        type_name = enum_text(SUPPLY_TYPES, type_num) if type_num is not None else "not reported"
        unit_num = _int(row.get(7))
        colour_idx = _int(row.get(3))
        dev_part = key.split(".", 1)[0]
        colorant = colorants.get(f"{dev_part}.{colour_idx}", "") if colour_idx else ""
        klass = _int(row.get(4))
        receptacle = klass == 4 or (klass is None and type_name.startswith("waste"))
        raw_rows = [(f"{PRT_SUPPLIES}.{c}.{key}", v) for c, v in sorted(row.items())]
        p.supplies.append(Supply(
            key=key, name=descr or f"{type_name} {key}", type=type_name,
            unit=SUPPLY_UNITS.get(unit_num, f"unit {unit_num}") if unit_num is not None else "not reported",
            max=_int(row.get(8)), level=_int(row.get(9)), receptacle=receptacle, source="snmp",
            colour=None if receptacle else guess_colour(colorant, descr),
            part=part_number(descr), evidence=(_ev(target, f"supply {key}", raw_rows, observed),)))

    # --- input trays
    in_rows, why = rows_of(PRT_INPUT, "prtInputTable")
    tp = p.part("trays")
    tp.missing = why
    tp.evidence = (_ev(target, f"walk {PRT_INPUT}", in_rows, observed),)
    for key, row in sorted(_own_rows(_table(in_rows, PRT_INPUT), dev_idx).items(), key=_natural):
        type_num = _int(row.get(2))
        name = next((clean_text(row[c]) for c in (13, 18, 12) if isinstance(row.get(c), bytes)
                     and clean_text(row[c])), "") or f"input {key}"
        low = name.lower()
        manual = type_num == 5 or any(w in low for w in _MANUAL_WORDS) or low in ("mp", "mpt")
        raw_rows = [(f"{PRT_INPUT}.{c}.{key}", v) for c, v in sorted(row.items())]
        p.trays.append(Tray(key=key, name=name, type=enum_text(INPUT_TYPES, type_num),
                            max=_int(row.get(9)), level=_int(row.get(10)), status=_int(row.get(11)),
                            manual=manual, evidence=(_ev(target, f"input {key}", raw_rows, observed),)))

    # --- alerts
    al_rows, why = rows_of(PRT_ALERT, "prtAlertTable")
    ap = p.part("alerts")
    ap.evidence = (_ev(target, f"walk {PRT_ALERT}", al_rows, observed),)
    if isinstance(walked.get(PRT_ALERT), SnmpError):
        ap.missing = why
    elif not al_rows and not sup_rows and not in_rows:
        ap.missing = why  # no Printer-MIB at all: an empty alert table proves nothing
    for key, row in sorted(_own_rows(_table(al_rows, PRT_ALERT), dev_idx).items(), key=_natural):
        sev, grp, code = _int(row.get(2)), _int(row.get(4)), _int(row.get(7))
        descr = clean_text(row.get(8)) if isinstance(row.get(8), bytes) else ""
        if not sev and not grp and not code and not descr:
            continue  # all-zero rows some agents keep as placeholders
        raw_rows = [(f"{PRT_ALERT}.{c}.{key}", v) for c, v in sorted(row.items())]
        p.alerts.append(Alert(key=key, severity=enum_text(ALERT_SEVERITY, sev),
                              group=enum_text(ALERT_GROUPS, grp), code=enum_text(ALERT_CODES, code),
                              code_num=code, description=descr, time=_int(row.get(9)), source="snmp",
                              evidence=(_ev(target, f"alert {key}", raw_rows, observed),),
                              group_index=_int(row.get(5))))

    # --- page counter: prtMarkerLifeCount of the first marker
    mk_rows, why = rows_of(PRT_MARKER, "prtMarkerTable")
    pg = p.part("pages")
    life = sorted(((k, _int(r.get(4))) for k, r in _own_rows(_table(mk_rows, PRT_MARKER), dev_idx).items()),
                  key=lambda kv: _natural(kv))
    counts = [v for _k, v in life if v is not None and v >= 0]
    p.page_count = counts[0] if counts else None
    pg.evidence = (_ev(target, f"walk {PRT_MARKER}", [(o, v) for o, v in mk_rows if o.startswith(
        f"{PRT_MARKER}.4.")], observed),)
    if p.page_count is None:
        pg.missing = why or part("printer.why.snmp.no_lifecount", oid=f"{PRT_MARKER}.4")
    return p


def _natural(item: tuple[str, object]) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else 0 for x in item[0].split("."))
