"""`fleetcheck scan --format prometheus`: checked by promtool, read back with prometheus_client's parser."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_cli_scan import run_cli, scripted, write_inventory

from fleetcheck.cli.output.prometheus import exposition, metric_name
from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State

__all__ = ["scripted"]  # the fixture, shared with the scan CLI tests
PROMTOOL = shutil.which("promtool")


def promtool_check(text: str) -> None:
    """`promtool check metrics` (Debian's prometheus package, see dev/test.sh): exit 0, no lint."""
    assert PROMTOOL is not None, "promtool missing: dev/test.sh installs the prometheus package"
    done = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    hits = [v for (n, ls), v in found.items()
            if n == name and all(dict(ls).get(k) == want for k, want in labels.items())]
    assert len(hits) == 1, (name, labels, hits)
    return hits[0]


def test_scan_writes_checked_exposition(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a", "crit-b", "unknown-c", "down-d", "vm-e"])
    out = scripted / "fleetcheck.prom"
    code, stdout, err = run_cli(capsys, "scan", str(inv), "--format", "prometheus", "-o", str(out),
                                "--no-history")
    assert code == 2 and stdout == "" and "Traceback" not in err
    text = out.read_text(encoding="utf-8")
    promtool_check(text)
    found = samples(text)
    host = {"customer": "Scripted Test GmbH", "site": "", "kind": "linux"}
    assert value(found, "fleetcheck_host_state", host="ok-a", **host) == 0
    assert value(found, "fleetcheck_host_state", host="crit-b") == 2
    assert value(found, "fleetcheck_host_state", host="unknown-c") == 3
    assert value(found, "fleetcheck_host_up", host="down-d") == 0
    assert value(found, "fleetcheck_host_up", host="ok-a") == 1
    assert value(found, "fleetcheck_check_state", host="crit-b", check="fs.used:/var") == 2
    assert value(found, "fleetcheck_check_state", host="vm-e", check="temp") == -1  # N/A is not OK
    assert value(found, "fleetcheck_host_checks", host="unknown-c", state="UNKNOWN") == 1
    assert value(found, "fleetcheck_host_checks", host="vm-e", state="NA") == 1
    assert value(found, "fleetcheck_check_used_ratio", host="crit-b", check="fs.used:/var") == 0.95
    assert not [n for n, _ in found if n.startswith("fleetcheck_check_free")]  # no value: no sample
    assert value(found, "fleetcheck_scan_duration_seconds") >= 0
    assert value(found, "fleetcheck_scan_timestamp_seconds") > 1.7e9
    assert [p.name for p in scripted.iterdir() if p.name.startswith(".fleetcheck.prom")] == []


def test_file_kept_when_nothing_was_scanned(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(scripted / "inv.yaml", ["ok-a"])
    out = scripted / "fleetcheck.prom"
    out.write_text("# previous scan\n", encoding="utf-8")
    code, _, _ = run_cli(capsys, "scan", str(inv), "--format", "prometheus", "-o", str(out),
                         "--tag", "nope", "--no-history")
    assert code == 3 and out.read_text(encoding="utf-8") == "# previous scan\n"
    code, _, err = run_cli(capsys, "scan", str(inv), "--format", "prometheus", "-o",
                           str(scripted / "no" / "such" / "x.prom"), "--no-history")
    assert code == 2 and err.count("\n") == 1 and "cannot write into" in err


HOSTILE = ['evil"} fleetcheck_host_up 1 #', "back\\slash\\", "new\nline", "ünïcødé ☃", 'x{a="b"}\\n']


def test_hostile_label_values_are_escaped_and_read_back() -> None:
    t0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    ev = (Evidence.of("df -P", "raw"),)
    hosts = tuple(
        HostResult(name, "linux", "192.0.2.1", Reachability.REACHABLE,
                   (CheckResult(f"fs.used:{name}", State.WARN, "used", metrics=(Metric("used", 5.0, "B"),),
                                evidence=ev),),
                   site=name, tags=(name,))
        for name in HOSTILE)
    scan = ScanResult(t0, t0 + timedelta(seconds=3), hosts, customer='Kunde "A" \\ B\n')
    text = exposition(scan)
    promtool_check(text)
    found = samples(text)
    for host in hosts:  # names as the result model holds them (control characters shown escaped)
        assert value(found, "fleetcheck_host_state", host=host.name, site=host.site or "") == 1
        assert value(found, "fleetcheck_check_used_bytes", host=host.name, check=host.checks[0].id) == 5
    assert value(found, "fleetcheck_scan_duration_seconds", customer=scan.customer or "") == 3
    assert value(found, "fleetcheck_scan_timestamp_seconds") == t0.timestamp() + 3
    assert sum(1 for line in text.splitlines() if line.startswith("fleetcheck_host_up")) == len(HOSTILE)


@pytest.mark.parametrize(("name", "unit", "expected"), [
    ("used", "B", ("fleetcheck_check_used_bytes", 1)),
    ("used_pct", "%", ("fleetcheck_check_used_ratio", 0.01)),
    ("mem_used_pct", "", ("fleetcheck_check_mem_used_ratio", 0.01)),
    ("uptime", "s", ("fleetcheck_check_uptime_seconds", 1)),
    ("signature_age_days", "d", ("fleetcheck_check_signature_age_seconds", 86400)),
    ("temperature", "°C", ("fleetcheck_check_temperature_celsius", 1)),
    ("load15", "", ("fleetcheck_check_load15", 1)),
    ("weird name!", "", ("fleetcheck_check_weird_name", 1)),
])
def test_units_in_the_name(name: str, unit: str, expected: tuple[str, float]) -> None:
    assert metric_name(name, unit) == expected
