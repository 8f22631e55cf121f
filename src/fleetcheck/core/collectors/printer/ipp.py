"""Read a printer over IPP (Get-Printer-Attributes) and parse it into an IppPrinter.

printer-state-reasons keywords are split from their -report/-warning/-error suffix
only when the rest is a known keyword (PWG 5107.3 defines keywords that themselves
end in "-error"); unknown keywords stay as they came and remain visible.
"""

from __future__ import annotations

from datetime import datetime

from fleetcheck.core.checks.printer.model import (
    Alert,
    IppPrinter,
    Reason,
    Supply,
    Tray,
    clean_text,
    guess_colour,
)
from fleetcheck.core.ipp.client import IppAttributes, IppTarget, IppValue, first, get_printer_attributes
from fleetcheck.core.results import Evidence, utcnow

ATTRIBUTES = (
    "printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs",
    "printer-up-time", "printer-make-and-model", "printer-name", "printer-serial-number",
    "printer-impressions-completed", "marker-names", "marker-types", "marker-colors", "marker-levels",
    "marker-low-levels", "marker-high-levels", "printer-supply", "printer-supply-description",
    "printer-input-tray", "printer-alert", "printer-alert-description",
)

# RFC 8011, PWG 5100.9 and CUPS keywords fleetcheck knows (the rest stays visible as unknown)
KNOWN_REASONS = frozenset({
    "none", "other", "media-needed", "media-jam", "moving-to-paused", "paused", "shutdown",
    "connecting-to-device", "timed-out", "stopping", "stopped-partly", "toner-low", "toner-empty",
    "spool-area-full", "cover-open", "interlock-open", "door-open", "input-tray-missing", "media-low",
    "media-empty", "output-tray-missing", "output-area-almost-full", "output-area-full",
    "marker-supply-low", "marker-supply-empty", "marker-waste-almost-full", "marker-waste-full",
    "fuser-over-temp", "fuser-under-temp", "opc-near-eol", "opc-life-over", "developer-low",
    "developer-empty", "interpreter-resource-unavailable", "offline", "identify-printer-requested",
    "printer-restarted", "printer-shutdown", "marker-developer-almost-empty", "marker-developer-empty",
    "input-manual-input-request", "deactivated", "hold-new-jobs", "cups-waiting-for-job-completed",
})


def split_reason(raw: str) -> Reason:
    for suffix in ("report", "warning", "error"):
        base = raw[: -len(suffix) - 1]
        if raw.endswith("-" + suffix) and (base in KNOWN_REASONS or base.startswith("cups-")):
            return Reason(base, suffix, raw)
    return Reason(raw, "", raw)


def _kv(value: IppValue) -> dict[str, str]:
    """'index=1;class=...;level=75;' (printer-supply, -input-tray, -alert) as a dict."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    out: dict[str, str] = {}
    for part in text.split(";"):
        k, sep, v = part.partition("=")
        if sep:
            out[k.strip()] = v.strip()
    return out


def _num(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _show(attrs: IppAttributes) -> str:
    lines = []
    for name in sorted(attrs):
        vals = ", ".join(clean_text(v) if isinstance(v, (bytes, str)) else str(v) for v in attrs[name])
        lines.append(f"{name} = {vals}")
    return "\n".join(lines)


async def read_ipp(target: IppTarget) -> IppPrinter:
    """Raises IppError when the printer does not answer IPP."""
    attrs, _size = await get_printer_attributes(target, ATTRIBUTES)
    return parse_ipp(target.uri, attrs, utcnow())


def parse_ipp(uri: str, attrs: IppAttributes, observed: datetime) -> IppPrinter:
    tls = " (TLS; certificate not verified)" if uri.startswith("ipps:") else ""
    ev = Evidence.of(f"IPP Get-Printer-Attributes {uri}{tls}", _show(attrs), observed, kind="ipp")
    p = IppPrinter(uri=uri, evidence=(ev,))
    state = first(attrs, "printer-state")
    p.state = state if isinstance(state, int) and not isinstance(state, bool) else None
    p.reasons = [split_reason(str(r)) for r in attrs.get("printer-state-reasons", [])
                 if isinstance(r, str) and r != "none"]
    p.message = clean_text(first(attrs, "printer-state-message"))
    p.make_model = clean_text(first(attrs, "printer-make-and-model"))
    p.serial = clean_text(first(attrs, "printer-serial-number"))
    p.name = clean_text(first(attrs, "printer-name"))
    up = first(attrs, "printer-up-time")
    p.uptime_s = float(up) if isinstance(up, int) and not isinstance(up, bool) and up >= 0 else None
    pages = first(attrs, "printer-impressions-completed")
    p.page_count = pages if isinstance(pages, int) and not isinstance(pages, bool) else None

    # marker-* (CUPS) are parallel arrays; printer-supply (PWG 5100.13) mirrors the MIB row
    names = attrs.get("marker-names", [])
    levels = attrs.get("marker-levels", [])
    types = attrs.get("marker-types", [])
    colours = attrs.get("marker-colors", [])
    for i, name in enumerate(names):
        lv = levels[i] if i < len(levels) else None
        level = lv if isinstance(lv, int) and not isinstance(lv, bool) else None
        mtype = str(types[i]) if i < len(types) else "not reported"
        colour = str(colours[i]) if i < len(colours) else ""
        text = clean_text(name)
        p.supplies.append(Supply(
            key=f"marker {i + 1}", name=text, type=mtype, unit="percent", max=100, level=level,
            receptacle=mtype.startswith("waste"), source="ipp",
            colour=None if mtype.startswith("waste") else guess_colour(colour, text), evidence=(ev,)))
    if not names:
        descrs = attrs.get("printer-supply-description", [])
        for i, raw in enumerate(attrs.get("printer-supply", [])):
            kv = _kv(raw)
            text = clean_text(descrs[i]) if i < len(descrs) else ""
            stype = kv.get("type", "not reported")
            receptacle = kv.get("class") == "receptacleThatIsFilled"
            p.supplies.append(Supply(
                key=f"supply {kv.get('index', i + 1)}", name=text or stype, type=stype,
                unit=kv.get("unit", "not reported"), max=_num(kv.get("maxcapacity")),
                level=_num(kv.get("level")), receptacle=receptacle, source="ipp",
                colour=None if receptacle else guess_colour(kv.get("colorantname", ""), text),
                evidence=(ev,)))
    for raw in attrs.get("printer-input-tray", []):
        kv = _kv(raw)
        name = clean_text(kv.get("name", "")) or "tray"
        ttype = kv.get("type", "not reported")
        low = name.lower()
        p.trays.append(Tray(key=name, name=name, type=ttype, max=_num(kv.get("maxcapacity")),
                            level=_num(kv.get("level")), status=_num(kv.get("status")),
                            manual=ttype == "sheetFeedManual" or "manual" in low or "pass" in low
                            or low in ("mp", "mpt", "auto"), evidence=(ev,)))
    descrs = attrs.get("printer-alert-description", [])
    for i, raw in enumerate(attrs.get("printer-alert", [])):
        kv = _kv(raw)
        code = kv.get("code", "unknown")
        p.alerts.append(Alert(key=kv.get("index", str(i + 1)), severity=kv.get("severity", "other"),
                              group=kv.get("group", "other"), code=code, code_num=None,
                              description=clean_text(descrs[i]) if i < len(descrs) else "",
                              time=_num(kv.get("time")), source="ipp", evidence=(ev,)))
    return p
