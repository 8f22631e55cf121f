"""`fleetcheck scan --report`: a real scan (scripted collector) followed by its report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.core.collectors import registry
from fleetcheck.store import open_store

from .helpers import Page

CORE_TESTS = Path(__file__).resolve().parents[1] / "core"


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(CORE_TESTS))
    monkeypatch.setitem(registry.COLLECTORS, "linux", ("scripted_collector", "ScriptedCollector"))
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def inventory(path: Path, names: list[str]) -> str:
    lines = ["customer: Scripted Test GmbH", "report: {company: IT-Service Weber GmbH, language: de}",
             "hosts:"]
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    address: 192.0.2.{i + 1}", "    kind: linux"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_scan_writes_report_and_next_one_shows_changes(scripted: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    inv = inventory(scripted / "kunde.yaml", ["ok-a", "down-b", "vm-c"])
    assert main(["scan", inv, "--quiet", "--report", "eins.html"]) == 2  # down-b: CRIT
    first = Page((scripted / "eins.html").read_text("utf-8")).text
    assert "Dies ist die erste gespeicherte Prüfung" in first
    assert "down-b nicht erreichbar" in first
    # N/A is said apart from what could not be checked
    na = first.split("Nicht zutreffende Prüfungen", 1)[1].split("Befunde je Gerät", 1)[0]
    assert "vm-c" in na and "virtuelle Maschine (kvm)" in na  # the N/A reason in German too

    inventory(scripted / "kunde.yaml", ["ok-a", "vm-c", "warn-d"])
    assert main(["scan", inv, "--quiet", "--report", "zwei.md", "--lang", "en"]) == 1
    second = (scripted / "zwei.md").read_text("utf-8")
    assert "**Not scanned this time** · **down\\-b**" in second
    assert "**New device** · **warn\\-d**" in second


def test_existing_report_is_refused_before_scanning(scripted: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inv = inventory(scripted / "kunde.yaml", ["ok-a"])
    (scripted / "bericht.pdf").write_bytes(b"%PDF keep me")
    assert main(["scan", inv, "--report", "bericht.pdf"]) == 2
    _out, err = capsys.readouterr()
    assert err == "fleetcheck: bericht.pdf: exists; add --force to overwrite it\n"
    assert (scripted / "bericht.pdf").read_bytes() == b"%PDF keep me"
    store = open_store(scripted / "home" / "history.sqlite3", import_legacy=False)
    try:
        assert store.list_scans() == []  # nothing was scanned
    finally:
        store.close()


def test_without_history_the_report_says_it_did_not_compare(scripted: Path) -> None:
    inv = inventory(scripted / "kunde.yaml", ["ok-a"])
    assert main(["scan", inv, "--quiet", "--no-history", "--report", "r-{date}.html", "--lang", "en"]) == 0
    [written] = list(scripted.glob("r-*.html"))
    assert written.name[2:12].count("-") == 2  # r-YYYY-MM-DD.html
    text = Page(written.read_text("utf-8")).text
    assert "Not compared with an earlier scan: history was not used" in text
    assert "first scan on record" not in text
