"""Counters over time: the page counter (and pages since the previous scan), restarts
(uptime went backwards: counted like an unexpected reboot) and alerts that appeared
since the previous scan.

What a later scan needs is kept in the host's facts under "printer" (`history_facts`)
and read back from the previous result of the same host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from fleetcheck.core.checks import human_duration, judged, levels_param, msg
from fleetcheck.core.checks.crash_events import CrashEvent, in_window, judge_events
from fleetcheck.core.checks.printer import result, snmp_why, unread
from fleetcheck.core.checks.printer.alerts import alert_key, alert_state, describe
from fleetcheck.core.checks.printer.model import Alert, PrinterData
from fleetcheck.core.family import PRINTER_KINDS, Category, Family, levels
from fleetcheck.core.i18n import part
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric, iso, parse_iso
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

PAGES_ID = "printer.pages"
RESTARTS_ID = "printer.restarts"
NEW_ALERTS_ID = "printer.alerts_new"
WINDOW = timedelta(days=7)
BOOT_TOLERANCE = 120.0  # seconds: clock jitter between two scans' estimates of the boot time
JAM_CODES = frozenset({"jam", "media-jam"})


def _part_evidence(data: PrinterData, part: str) -> tuple[Evidence, ...]:
    ev: tuple[Evidence, ...] = ()
    if data.snmp is not None:
        ev += data.snmp.part(part).evidence
    if data.ipp is not None:
        ev += data.ipp.evidence
    return ev


def check_pages(data: PrinterData, previous: Mapping[str, Any] | None) -> CheckResult:
    ev = _part_evidence(data, "pages")
    count = data.page_count
    if count is None:
        why = data.snmp.part("pages").missing if data.snmp is not None else None
        whys = [snmp_why(why)] if why else []
        if data.ipp is not None:
            whys.append(part("printer.why.ipp.nopages"))
        return result(PAGES_ID, State.UNKNOWN, "printer.pages.unknown", {}, ev, reason=unread(whys))
    metrics = [Metric.of("pages", float(count), min=0)]
    since = None
    before = previous.get("page_count") if previous else None
    if isinstance(before, int):
        if count >= before:
            since = part("printer.pages.since", new=count - before)
            metrics.append(Metric.of("pages_since_previous", float(count - before), min=0))
        else:
            since = part("printer.pages.back", before=before)
    return result(PAGES_ID, State.OK, "printer.pages.count", {"pages": count, "since": since}, ev,
                  metrics=metrics)


def _boot_time(now: datetime, uptime_s: float) -> datetime:
    return now - timedelta(seconds=uptime_s)


def check_restarts(data: PrinterData, previous: Mapping[str, Any] | None, now: datetime,
                   thresholds: Thresholds) -> tuple[CheckResult, list[str]]:
    """The result and the restart times (ISO) to keep for the next scan's window."""
    ev = _part_evidence(data, "uptime")
    up = data.uptime_s
    if up is None:
        return result(RESTARTS_ID, State.UNKNOWN, "printer.restarts.unknown", {}, ev,
                      reason=msg("printer.restarts.nouptime.reason")), []
    boot = _boot_time(now, up)
    kept = [CrashEvent.of(t, "printer restarted", key=f"printer-restart|{iso(t)}")
            for t in (parse_iso(s) for s in (previous or {}).get("restarts", []) if isinstance(s, str))
            if t is not None]
    stamp = previous.get("boot") if previous else None
    prev_boot = parse_iso(stamp) if isinstance(stamp, str) else None
    found = None  # the restart this scan found (the earlier ones are kept as times only)
    if prev_boot is not None and (boot - prev_boot).total_seconds() > BOOT_TOLERANCE:
        text = (f"printer restarted (up {human_duration(up)} now; the previous scan "
                f"put its start at {iso(prev_boot)})")
        found = CrashEvent.of(boot, text, key=f"printer-restart|{iso(boot)}")
        kept.append(found)
    events = in_window(kept, now - WINDOW, now)
    keep = [iso(e.time) or "" for e in events]
    if prev_boot is None:
        return result(RESTARTS_ID, State.OK, "printer.restarts.first", {"uptime": up}, ev,
                      metrics=[Metric.of("uptime", up, "s", min=0)]), keep
    res = judge_events(RESTARTS_ID, events, "printer.restarts", thresholds, "printer restart", now - WINDOW,
                       now, ev)
    if not events:
        return res, keep
    # the newest restart in the reader's words (the events' summary quotes its text, English here)
    newest = events[-1]
    detail = (part("printer.restart.found", uptime=up, before=iso(prev_boot)) if newest is found
              else None)
    summary = msg("printer.restarts.found", what="events.what.printer_restart", count=len(events),
                  since=res.params["since"], until=res.params["until"], last=iso(newest.time), restart=detail)
    again = judged(RESTARTS_ID, res.state, summary, res.evidence, metrics=res.metrics, details=res.details)
    return again, keep


def check_new_alerts(alerts: Sequence[Alert], answered: bool, previous: Mapping[str, Any] | None,
                     evidence: Sequence[Evidence], thresholds: Thresholds) -> CheckResult | None:
    """Alerts (jams counted apart) present now and not at the previous scan; None without a previous scan."""
    if previous is None or not answered or not isinstance(previous.get("alerts"), list):
        return None
    before = set(previous["alerts"])
    new = [a for a in alerts if alert_key(a) not in before]
    jams = [a for a in new if a.code in JAM_CODES]
    levels = thresholds.levels("printer.new_jams")
    state = evaluate(float(len(jams)), levels.warn, levels.crit)
    others = [a for a in new if a not in jams]
    if any(alert_state(a) is State.CRIT for a in others) and state is State.OK:
        state = State.WARN
    summary = msg("printer.alerts.new", count=len(new), jams=len(jams), levels=levels_param(state, levels))
    return judged(NEW_ALERTS_ID, state, summary, evidence, details="\n".join(describe(a) for a in new),
                  metrics=(Metric.of("new_alerts", float(len(new)), min=0),
                           Metric.of("new_jams", float(len(jams)), "", levels.warn, levels.crit, min=0)))


def history_facts(data: PrinterData, now: datetime, restarts: list[str], alerts: Sequence[Alert],
                  alerts_answered: bool) -> dict[str, Any]:
    up = data.uptime_s
    out: dict[str, Any] = {"restarts": restarts}
    if up is not None:
        out["uptime_s"] = up
        out["boot"] = iso(_boot_time(now, up))
    if data.page_count is not None:
        out["page_count"] = data.page_count
    if alerts_answered:
        out["alerts"] = sorted({alert_key(a) for a in alerts})
    return out


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("printer.alerts_new", "New printer alerts", "Neue Druckermeldungen",
           Category.FAILURE, PRINTER_KINDS),
    Family("printer.new_jams", "Paper jams", "Papierstaus", Category.FAILURE, PRINTER_KINDS,
           thresholds={"printer.new_jams": levels("0", None)}),
    Family("printer.pages", "Page counter", "Seitenzähler", Category.CAPACITY, PRINTER_KINDS),
    Family("printer.restarts", "Printer restarts", "Drucker-Neustarts", Category.CRASH, PRINTER_KINDS,
           thresholds={"printer.restarts": levels("0", "2")}),
)
