"""The scan JSON (schema fleetcheck.scan/1): round trip, and every field documented."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.core.events import (
    CheckFinished,
    Event,
    HostFinished,
    HostStarted,
    ScanFinished,
    ScanStarted,
)
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import SCHEMA, CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State

DOC = Path(__file__).resolve().parents[2] / "docs" / "json-schema.md"
T0 = datetime(2026, 11, 27, 4, 15, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 27, 4, 15, 9, tzinfo=UTC)


def sample_scan() -> ScanResult:
    ev = Evidence.of("df -P /var", "/dev/sda2 ... 95% /var", T0, "command")
    checks = (
        CheckResult("fs.used:/var", State.CRIT, "/var 95.0 % used (warn > 80, crit > 90)",
                    "device /dev/sda2", (Metric.of("used_pct", 95.0, "%", Range.parse("80"),
                                                   Range.parse("90"), 0, 100),
                                         Metric.of("free", None, "B", min=0)), (ev,)),
        CheckResult.unknown("services.failed", "failed services not checked", "permission denied",
                            "run as root", (Evidence.of("systemctl --failed", "x" * 5000, T0),)),
        CheckResult("printer.supply:Black Toner", State.WARN, "Black Toner 15 % left",
                    metrics=(Metric.of("level_pct", 15, "%", Range.parse("20:"), Range.parse("10:")),),
                    evidence=(Evidence.of("1.3.6.1.2.1.43.11.1.1.9.1.1", "15", T0, "oid"),)),
    )
    reached = HostResult("srv-fs01", "linux", "192.0.2.5", Reachability.REACHABLE, checks, T0, T1,
                         "hauptbuero", ("server",), {"os": "Debian GNU/Linux 12", "cores": 4})
    down = HostResult("drucker-og", "printer", "192.0.2.50", Reachability.UNREACHABLE,
                      (CheckResult("host.reachability", State.CRIT, "unreachable: connection refused",
                                   evidence=(Evidence.of("printer collector -> 192.0.2.50",
                                                         "connection refused", T1, "connection"),),
                                   fix="is it switched on?"),), T0, T1)
    return ScanResult(T0, T1, (reached, down), "Müller Steuerberatung GmbH", ("inventories/x.yaml",),
                      cancelled=False, version="0.1.0")


def test_round_trip_is_equal() -> None:
    scan = sample_scan()
    data = json.loads(json.dumps(scan.to_dict()))
    assert data["schema"] == SCHEMA == "fleetcheck.scan/1"
    assert ScanResult.from_dict(data) == scan
    assert scan.hosts[0].checks[1].evidence[0].truncated  # the 5000-byte excerpt was capped
    assert len(data["hosts"][0]["checks"][1]["evidence"][0]["raw"].encode()) == 4096


def test_other_schema_is_refused() -> None:
    data = sample_scan().to_dict()
    data["schema"] = "fleetcheck.scan/2"
    with pytest.raises(ValueError, match="unsupported schema"):
        ScanResult.from_dict(data)


def _section(title: str) -> str:
    text = DOC.read_text("utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"docs/json-schema.md has no section {title!r}"
    return match.group(1)


def _documented_fields(title: str) -> set[str]:
    """Names in the section's field table (the table headed `| Field |`)."""
    table = _section(title).split("| Field |", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))


def test_every_field_is_documented() -> None:
    scan = sample_scan()
    host = scan.hosts[0]
    check = host.checks[0]
    objects: dict[str, dict[str, Any]] = {
        "Scan": scan.to_dict(), "Host": host.to_dict(), "Check": check.to_dict(),
        "Metric": check.metrics[0].to_dict(), "Evidence": check.evidence[0].to_dict(),
    }
    for title, d in objects.items():
        assert set(d) == _documented_fields(title), title  # nothing undocumented, nothing stale
    counts = set(scan.counts())
    assert all(f"`{k}`" in _section("Scan") for k in counts)
    reach = set(re.findall(r"^\| `([a-z_]+)` \| (?:CRIT|UNKNOWN|\(from)", _section("Host"), re.M))
    assert reach == {r.value for r in Reachability}


def test_every_event_shape_is_documented() -> None:
    scan = sample_scan()
    h = Host("srv-fs01", "linux", "192.0.2.5")
    events: list[Event] = [ScanStarted(T0, (h,)), HostStarted(h, T0),
                           CheckFinished(h, scan.hosts[0].checks[0], T0), HostFinished(scan.hosts[0]),
                           ScanFinished(scan)]
    section = _section("Events (`--format jsonl`)")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.*)$", section, re.M))
    for ev in events:
        d = ev.to_dict()
        assert d["event"] in rows, d["event"]
        for key in set(d) - {"event", "time"}:
            assert f"`{key}`" in rows[d["event"]], (d["event"], key)
    assert set(ScanStarted(T0, (h,)).to_dict()["hosts"][0]) == {"name", "kind", "address"}
