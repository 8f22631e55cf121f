"""Fixtures: one snmpsim serving tests/data/printers for the session; scan helpers."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.cli.main import main

from .peers import DATA, IppEvePrinter, Snmpsim


@pytest.fixture(scope="session")
def snmpsim() -> Iterator[Snmpsim]:
    sim = Snmpsim(DATA).start("fleetcheck-healthy")
    yield sim
    sim.stop()


@pytest.fixture
def ippeve() -> Iterator[IppEvePrinter]:
    printer = IppEvePrinter().start()
    yield printer
    printer.stop()


def scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], hosts_yaml: str, *extra: str) -> dict[str, Any]:
    """Run `fleetcheck scan --format json` on an inventory; the parsed JSON, by host name."""
    inv = tmp_path / "inv.yaml"
    inv.write_text("customer: Printer Test\nhosts:\n" + hosts_yaml)
    history = ("--db", str(tmp_path / "history.sqlite3")) if "--keep-history" in extra else ("--no-history",)
    args = [a for a in extra if a != "--keep-history"]
    with contextlib.suppress(SystemExit):
        main(["scan", str(inv), "--format", "json", *history, *args])
    out, err = capsys.readouterr()
    assert out, err  # a scan that printed nothing says why on stderr
    data = json.loads(out)
    data["by_name"] = {h["name"]: h for h in data["hosts"]}
    return data


def checks(host: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in host["checks"]}


def snmp_host(name: str, community: str, port: int, **more: Any) -> str:
    extra = "".join(f", {k}: {v}" for k, v in more.items())
    return (f"  - {{name: {name}, kind: printer, address: 127.0.0.1, "
            f"snmp: {{community: {community}, port: {port}{extra}}}}}\n")
