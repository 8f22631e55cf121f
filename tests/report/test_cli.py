"""`fleetcheck report` end to end: history, inventory, secrets, atomic writes and --force."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.core.results import Evidence, HostResult
from fleetcheck.store import open_store

from .fixture import CUSTOMER, T0, previous, scan
from .helpers import Page, csv_rows, pdf_text

COMMUNITY = "Geh3im-Community!"
PASSWORD = "pw-Sup3r$ecret"
INVENTORY = f"""\
customer: {CUSTOMER}
report:
  company: IT-Service Weber GmbH
  technician: Jana Weber
  language: de
hosts:
  - name: srv-files
    address: 10.0.0.9
    kind: linux
    password: {{env: FC_REPORT_TEST_PW}}
  - name: drucker-og
    address: 10.0.0.10
    kind: printer
    snmp: {{community: "{COMMUNITY}"}}
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FC_REPORT_TEST_PW", PASSWORD)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kunde.yaml").write_text(INVENTORY, encoding="utf-8")
    store = open_store()
    store.save_scan(previous())
    leaky = scan()
    # a host that echoes the secrets back (a misconfigured device, a chatty error message)
    h = leaky.hosts[0]
    check = h.checks[0]
    leaked = type(check)(check.id, check.state, f"{check.summary} {COMMUNITY}", metrics=check.metrics,
                         evidence=(Evidence.of(f"snmpget -c {COMMUNITY}", f"password={PASSWORD}", T0),))
    hosts = (HostResult(h.name, h.kind, h.address, h.reachability, (leaked, *h.checks[1:]), h.started,
                        h.finished, h.site), *leaky.hosts[1:])
    store.save_scan(type(leaky)(leaky.started, leaky.finished, hosts, CUSTOMER, ("kunde.yaml",), False,
                                "0.1.0"))
    store.close()
    return tmp_path


def test_latest_scan_of_the_inventory_customer_in_german(home: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "kunde.yaml", "--out", "bericht.html", "--timezone", "Europe/Berlin"]) == 0
    assert capsys.readouterr().out.strip() == "report written: bericht.html"
    text = Page((home / "bericht.html").read_text("utf-8")).text
    assert "IT-Zustandsbericht" in text and "Jana Weber" in text  # language from report: section
    assert "Verschlechtert srv-files Speicherplatz /srv" in text  # compared with the previous scan
    assert "Zeitraum: 19.11.2026, 02:15:00 bis" in text


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "json", "pdf"])
def test_no_secret_in_any_format(home: Path, fmt: str, tmp_path: Path) -> None:
    out = home / f"r.{fmt}"
    assert main(["report", "kunde.yaml", "--latest", "--out", str(out), "--lang", "en"]) == 0
    data = out.read_bytes()
    text = "\n".join(pdf_text(data, tmp_path)) if fmt == "pdf" else data.decode("utf-8-sig")
    assert COMMUNITY not in text and PASSWORD not in text
    assert "secret removed" in text
    if fmt == "json":
        assert COMMUNITY not in json.dumps(json.loads(data), ensure_ascii=False)


def test_scan_file_and_format_from_suffix(home: Path) -> None:
    (home / "scan.json").write_text(json.dumps(scan().to_dict()), encoding="utf-8")
    assert main(["report", "--scan", "scan.json", "--out", "k.csv", "--lang", "de"]) == 0
    rows = csv_rows((home / "k.csv").read_bytes(), "de")
    assert rows[0][0] == "Standort"


def test_saved_scan_by_number(home: Path) -> None:
    assert main(["report", "--scan", "1", "--out", "first.md", "--lang", "en"]) == 0
    text = (home / "first.md").read_text("utf-8")
    assert "This is the first scan on record" in text  # scan 1 is the older one: nothing before it
    assert main(["report", "--scan", "2", "--out", "second.md", "--lang", "en"]) == 0
    assert "**Worse** · **srv\\-files**" in (home / "second.md").read_text("utf-8")


def test_existing_file_is_kept_without_force(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = home / "bericht.html"
    target.write_text("the customer's copy", encoding="utf-8")
    assert main(["report", "kunde.yaml", "--out", "bericht.html"]) == 2
    err = capsys.readouterr().err
    assert err == "fleetcheck: bericht.html: exists; add --force to overwrite it\n"
    assert target.read_text("utf-8") == "the customer's copy"
    assert sorted(p.name for p in home.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_force_replaces_atomically(home: Path) -> None:
    target = home / "bericht.html"
    target.write_text("old", encoding="utf-8")
    with target.open("rb") as reader:  # someone has the old report open
        old_inode = os.fstat(reader.fileno()).st_ino
        assert main(["report", "kunde.yaml", "--out", "bericht.html", "--force"]) == 0
        assert reader.read() == b"old"  # replaced by rename: the open file is whole and unchanged
    assert target.stat().st_ino != old_inode
    assert "IT-Zustandsbericht" in target.read_text("utf-8")
    assert [p.name for p in home.iterdir() if p.name.startswith(".")] == []


def test_no_saved_scan_is_one_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--customer", "Niemand GmbH", "--out", "x.html"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no saved scan of customer 'Niemand GmbH'" in err
    assert not (home / "x.html").exists()


def test_unknown_time_zone_is_one_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "kunde.yaml", "--out", "x.html", "--timezone", "Mars/Olympus"]) == 2
    assert capsys.readouterr().err == ("fleetcheck: --timezone Mars/Olympus: unknown time zone "
                                       "(e.g. Europe/Berlin, UTC)\n")


def test_without_inventory_or_customer_the_newest_saved_scan(home: Path) -> None:
    # `fleetcheck scan` then `fleetcheck report -o r.html`: the scan just made, whoever it was of
    assert main(["report", "--out", "newest.md", "--lang", "en"]) == 0
    text = (home / "newest.md").read_text("utf-8")
    assert "**Worse** · **srv\\-files**" in text  # scan 2, compared with scan 1


def test_an_empty_history_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "x.html"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no saved scan in" in err
