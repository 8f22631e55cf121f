"""`--db postgresql://...` on the real commands, in real processes, against a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.store.test_processes import inventory, spawn  # noqa: F401  (the fixture)

from fleetcheck.store import ScanStatus, open_store


def test_scan_history_ack_against_postgres(tmp_path: Path, spawn: Any, pg_url: str,  # noqa: F811
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    inv = inventory(tmp_path / "inv.yaml", ["ok-a", "warn-b"])
    proc = spawn(["scan", str(inv), "--db", pg_url, "-f", "json"])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert {h["name"] for h in json.loads(out)["hosts"]} == {"ok-a", "warn-b"}
    store = open_store(pg_url)
    (info,) = store.list_scans()
    assert info.status is ScanStatus.COMPLETE and info.hosts == 2 and info.customer == "Prozess Test GmbH"
    store.close()
    proc = spawn(["history", "--db", pg_url])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "1 saved scan in postgresql://fleetcheck@127.0.0.1" in out and "WARN" in out
    proc = spawn(["ack", "warn-b", "fs.used:/var", "--note", "bigger disk ordered", "--db", pg_url])
    assert proc.wait(timeout=60) == 0
    monkeypatch.setenv("FLEETCHECK_DB", pg_url)  # without --db: the environment names the store
    proc = spawn(["scan", str(inv)])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "bigger disk ordered" in out, out + err
    store = open_store(pg_url)
    assert len(store.list_scans()) == 2
    store.close()


def test_report_of_one_customer_from_the_central_store(tmp_path: Path, pg_url: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tests.store.helpers import T0, check, host, scan

    from fleetcheck.cli.main import main

    store = open_store(pg_url)
    store.save_scan(scan(T0, host("kanzlei-pc", check("fs.used:/", summary="Kanzlei disk fine")),
                         customer="Kanzlei Alpha"))
    store.save_scan(scan(T0, host("werkstatt-srv", check("fs.used:/", summary="Werkstatt disk fine")),
                         customer="Werkstatt Beta"))
    store.close()
    out = tmp_path / "beta.md"
    assert main(["report", "--db", pg_url, "--customer", "Werkstatt Beta", "-o", str(out)]) == 0
    text = out.read_text()
    assert "Werkstatt disk fine" in text and "# IT health report: Werkstatt Beta" in text
    assert "Kanzlei" not in text
    assert main(["report", "--db", pg_url, "--customer", "Niemand", "-o", str(tmp_path / "x.md")]) == 2
    assert "Niemand" in capsys.readouterr().err
