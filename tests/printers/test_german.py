"""Printer findings in German: every result of every recorded printer (snmpsim) and of a real
IPP printer (ippeveprinter), scanned twice so the "since the previous scan" texts appear, rendered
in German: none of fleetcheck's own English words survives, numbers in the German format.

What the printer itself said (supply, tray and cover names, alert descriptions, state messages)
stays as the printer sent it: those strings are taken out of the text before the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.core.checks.printer.counters import check_restarts
from fleetcheck.core.checks.printer.model import PrinterData, SnmpPrinter, Supply
from fleetcheck.core.checks.printer.supplies import check_supply
from fleetcheck.core.i18n import render_check
from fleetcheck.core.results import CheckResult, Evidence, iso
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Thresholds

from .conftest import checks, scan, snmp_host
from .peers import DATA, IppEvePrinter, Snmpsim
from .test_ipp_printers import JAM, ipp_host, wait_for

# fleetcheck's own English words in printer findings (status words, levels, conditions, counters)
ENGLISH = (
    "idle", "printing", "warmup", "processing", "stopped", "running", "testing", "warning", "unknown",
    "other", "not reported", "value", "some", "remaining", "space", "left", "level", "levels", "sheets",
    "of", "empty", "full", "order", "part", "pages", "printed", "total", "since", "previous",
    "counter", "went", "back", "up", "no", "critical", "alert", "alerts", "active", "could", "not",
    "read", "printer", "reports", "reason", "error", "bits", "octets", "conditions", "paper", "ink",
    "low", "jam", "door", "cover", "open", "requested", "missing", "tray", "trays", "output", "bin",
    "nearly", "maintenance", "due", "waste", "paused", "area", "resource", "unassigned", "set", "black",
    "yellow", "restriction", "load", "bypass", "manual", "supply", "supplies", "answered",
    "offer", "neither", "nor", "table", "has", "rows", "only", "which", "alone", "says", "nothing",
    "is", "the", "and", "exact", "gives", "warn", "crit", "thresholds", "within", "outside", "restart",
    "restarts", "new", "jams", "compare", "with", "state", "last", "now", "put", "its", "restarted",
)
# protocol names stay: IPP attribute names (printer-state), MIB objects (hrPrinterStatus), keywords
IDENTIFIER = re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+\b|\b[a-z]+[A-Z]\w*|\b(?:SNMP|IPP|MIB)\b")


# parameters that hold what the printer sent: names, descriptions, state messages, keywords, part
# numbers; `error` is what the SNMP library said when a walk failed
HOST_KEYS = frozenset({"name", "text", "said", "keyword", "cover", "supply", "part", "hex", "error"})


def host_strings(params: Any, key: str = "") -> Iterator[str]:
    """Every text the printer sent, in a result's parameters (codes are fleetcheck's own)."""
    if isinstance(params, dict):
        for k, value in params.items():
            yield from host_strings(value, k)
    elif isinstance(params, list):
        for value in params:
            yield from host_strings(value, key)
    elif isinstance(params, str) and key in HOST_KEYS:
        yield params


def english_left(check: CheckResult) -> list[str]:
    rendered = render_check(check, "de")
    out = []
    for text in (rendered.summary, rendered.reason, rendered.fix):
        if not text:
            continue
        for said in sorted(set(host_strings(dict(check.params))), key=len, reverse=True):
            text = text.replace(said, " ")
        text = IDENTIFIER.sub(" ", text)
        out += [w for w in re.findall(r"[A-Za-zäöüÄÖÜß]+", text) if w.lower() in ENGLISH]
    return out


def test_every_recorded_printer_finding_is_german(snmpsim: Snmpsim, ippeve: IppEvePrinter, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # the IPP printer jammed, its cover open, toner low and an alert of its own
    ippeve.print_document(JAM)
    wait_for(lambda: "media-jam" in checks(scan(tmp_path, capsys, ipp_host("ipp", ippeve.port))["by_name"][
        "ipp"])["printer.conditions"]["summary"], "media-jam")
    hosts = "".join(snmp_host(f.stem, f.stem, snmpsim.port) for f in sorted(DATA.glob("*.snmprec")))
    hosts += ipp_host("ipp", ippeve.port)
    scan(tmp_path, capsys, hosts, "--keep-history")
    data = scan(tmp_path, capsys, hosts, "--keep-history")  # the second scan compares with the first
    seen: set[str] = set()
    left: dict[str, list[str]] = {}
    for host in data["hosts"]:
        for raw in host["checks"]:
            if not raw["id"].startswith("printer."):
                continue
            check = CheckResult.from_dict(raw)
            seen.add(check.code or "")
            words = english_left(check)
            if words:
                left[f"{host['name']} {check.id}: {render_check(check, 'de').summary}"] = words
    assert not left, left
    # the recordings reach the fragments this test is about
    assert {"printer.status.ok", "printer.status.problem", "printer.conditions.found", "printer.supply.level",
            "printer.supply.low", "printer.tray.ok", "printer.alerts.found", "printer.pages.count",
            "printer.supply.unknown", "printer.alerts.unknown"} <= seen


def test_a_german_printer_number_has_a_decimal_comma() -> None:
    when = datetime(2026, 12, 4, tzinfo=UTC)
    ev = (Evidence.of("snmp prtMarkerSuppliesTable", "level 375, max 1000", when),)
    toner = Supply("1.1", "Black Toner", "toner", "percent", 1000, 375, False, "snmp", colour="black",
                   part="CF410A", evidence=ev)
    res = check_supply(toner, "Black Toner", Thresholds())
    assert res.summary == "Black Toner (black): 37.5 % (warn < 20, crit < 10)"
    assert render_check(res, "de").summary == \
        "Black Toner (schwarz): 37,5 % (Warnschwelle < 20, kritische Schwelle < 10)"


def test_a_printer_restart_is_said_in_german() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    before, earlier = now - timedelta(days=3), now - timedelta(days=2)
    data = PrinterData(snmp=SnmpPrinter("snmp v2c udp:127.0.0.1:161", uptime_s=300.0))
    previous = {"boot": iso(before), "restarts": [iso(earlier)]}
    res, keep = check_restarts(data, previous, now, Thresholds())
    assert len(keep) == 2 and res.state is State.WARN
    assert res.summary == (f"2 printer restarts in 2026-11-27 12:00..2026-12-04 12:00 UTC, last {keep[-1]}: "
                           "printer restarted (up 5 min now; the previous scan put its start at "
                           f"{iso(before)})")
    german = render_check(res, "de").summary
    assert "5 Min." in german and not english_left(res), german
