"""Every check id the probes and the check functions produce has a catalog entry (core/catalog.py),
and the entry lists the host kind it was produced for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from posix_helpers import DATA, parse, recorded
from windows_helpers import RECORDINGS, make_run, recording_bytes
from windows_helpers import parse as parse_windows

from fleetcheck.core.catalog import family, family_of
from fleetcheck.core.checks.printer.model import Part, PrinterData, SnmpPrinter
from fleetcheck.core.collectors.printer.collector import judge
from fleetcheck.core.i18n import part
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult

POSIX = sorted(p.name for p in DATA.glob("*.txt"))
WINDOWS = sorted(p.name for p in RECORDINGS.iterdir() if p.is_dir())


def _uncatalogued(kind: str, results: list[CheckResult]) -> list[str]:
    out = []
    for c in results:
        fam = family(c.id)
        if fam is None:
            out.append(f"{c.id}: no catalog entry for {family_of(c.id)!r}")
        elif kind not in fam.kinds:
            out.append(f"{c.id}: catalog says {sorted(fam.kinds)}, produced for {kind}")
    return out


@pytest.mark.parametrize("name", POSIX)
def test_every_posix_recording_result_is_catalogued(name):
    kind = "macos" if name.startswith("macos") else "linux"
    text = recorded(name)
    results = list(parse(text, kind=kind).checks)
    # output cut off half-way (and a failed run) answers with host-level findings too
    results += parse(text[: len(text) // 2], kind=kind, truncated=True).checks
    results += parse("", kind=kind, exit_status=127).checks
    assert results
    assert _uncatalogued(kind, results) == []


@pytest.mark.parametrize("name", WINDOWS)
def test_every_windows_recording_result_is_catalogued(name):
    results = parse_windows(make_run(*recording_bytes(name))).checks
    assert results
    assert _uncatalogued("windows", list(results)) == []


def test_every_printer_check_is_catalogued_even_when_nothing_answered():
    now = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    # SNMP answered nothing useful (every part missing), IPP did not answer at all
    parts = ("status", "errors", "supplies", "trays", "alerts", "pages")
    gone = {p: Part(missing=part("printer.why.snmp.no_table", table="x", oid="1.3.6.1")) for p in parts}
    snmp = SnmpPrinter("snmp v2c udp:127.0.0.1:161", parts=gone)
    data = PrinterData(snmp=snmp, ipp_error="connection refused", protocols=("snmp", "ipp"))
    results, _keep = judge(data, Host("p1", "printer", "127.0.0.1"), None, now)
    ids = {family_of(c.id) for c in results}
    assert {"printer.protocol", "printer.supplies", "printer.trays", "printer.status"} <= ids
    assert _uncatalogued("printer", results) == []
