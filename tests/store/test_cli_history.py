"""`fleetcheck history`, `ack`, `unack`, `history prune`, and acknowledgements in a scan's output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.core.collectors import registry

HERE = Path(__file__).resolve().parents[1] / "core"  # the scripted collector


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(registry.COLLECTORS, "linux", ("scripted_collector", "ScriptedCollector"))
    yield tmp_path


def inventory(path: Path, names: list[str], customer: str | None = "Müller GmbH") -> Path:
    lines = ([f"customer: {customer}"] if customer else []) + ["hosts:"]
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    address: 192.0.2.{i + 1}", "    kind: linux"]
    path.write_text("\n".join(lines) + "\n")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_history_lists_scans_and_what_changed(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    cli(capsys, "scan", str(inventory(scripted / "a.yaml", ["ok-a", "warn-b", "down-c"])), "--db", db)
    cli(capsys, "scan", str(inventory(scripted / "a.yaml", ["crit-a", "ok-b", "down-c"])), "--db", db)
    code, out, err = cli(capsys, "history", "--db", db)
    assert code == 0, err
    assert "2 saved scans" in out and out.count("complete") == 2
    changes = out.split("changes from")[1]
    assert "new problems (1):" in changes and "CRIT    crit-a fs.used:/var" in changes
    assert "new hosts (2):" in changes and "not in this scan (2):" in changes  # ok-a → crit-a, etc.
    code, out, _ = cli(capsys, "history", "--db", db, "--host", "down-c")
    assert code == 0 and out.count("(unreachable)") == 2


def test_history_of_one_host_over_time(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    inv = inventory(scripted / "a.yaml", ["warn-a"])
    for _ in range(3):
        cli(capsys, "scan", str(inv), "--db", db)
    code, out, _ = cli(capsys, "history", "--db", db, "--host", "warn-a", "--limit", "2")
    assert code == 0 and "2 saved results" in out and out.count("WARN    fs.used:/var") == 2


def test_ack_annotates_without_hiding_or_lowering_the_exit_code(
        scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    inv = str(inventory(scripted / "a.yaml", ["warn-a", "ok-b"]))
    assert cli(capsys, "scan", inv, "--db", db)[0] == 1
    code, out, err = cli(capsys, "ack", "warn-a", "fs.used:/var", "--note", "new disk ordered", "--by", "Kim",
                         "--db", db)
    assert code == 0 and "acknowledged warn-a fs.used:/var by Kim" in out, err
    code, out, _ = cli(capsys, "scan", inv, "--db", db)
    assert code == 1  # still WARN: an acknowledgement never lowers the exit code
    assert "/var on warn-a is WARN" in out and "acknowledged: by Kim: new disk ordered" in out
    assert out.rstrip().splitlines()[-1].endswith("; 1 problem acknowledged (counted above)")
    code, out, _ = cli(capsys, "scan", inv, "--db", db, "-f", "nagios")
    assert code == 1 and "1 problem acknowledged" in out
    assert "acknowledged (1, still shown and counted)" in cli(capsys, "history", "--db", db)[1]
    assert cli(capsys, "unack", "warn-a", "fs.used:/var", "--db", db)[0] == 0
    code, out, _ = cli(capsys, "scan", inv, "--db", db)
    assert "acknowledged" not in out
    code, _, err = cli(capsys, "unack", "warn-a", "fs.used:/var", "--db", db)
    assert code == 2 and err.count("\n") == 1 and "no acknowledgement" in err


def test_expired_ack_no_longer_annotates(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    inv = str(inventory(scripted / "a.yaml", ["warn-a"]))
    cli(capsys, "scan", inv, "--db", db)
    cli(capsys, "ack", "warn-a", "fs.used:/var", "--note", "old", "--until", "2020-01-01", "--db", db)
    code, out, _ = cli(capsys, "scan", inv, "--db", db)
    assert code == 1 and "acknowledged" not in out


def test_bad_arguments_are_one_line(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    cli(capsys, "scan", str(inventory(scripted / "a.yaml", ["ok-a"])), "--db", db)
    cli(capsys, "scan", str(inventory(scripted / "b.yaml", ["ok-a"], "Other AG")), "--db", db)
    for argv in (["history", "--since", "yesterday"], ["history", "prune", "--older-than", "400"],
                 ["history", "--customer", "Nobody"], ["ack", "ok-a", "cpu.load", "--note", "x"],
                 ["ack", "ok-a", "cpu.load", "--customer", "Other AG", "--note", " "]):
        code, out, err = cli(capsys, *argv, "--db", db)
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, err)


def test_prune_keeps_recent_scans(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(scripted / "h.db")
    cli(capsys, "scan", str(inventory(scripted / "a.yaml", ["ok-a"])), "--db", db)
    code, out, _ = cli(capsys, "history", "prune", "--older-than", "400d", "--db", db)
    assert code == 0 and out.startswith("deleted 0 scans") and db in out
    code, out, _ = cli(capsys, "history", "--db", db, "prune", "--older-than", "1h")
    assert code == 0 and out.startswith("deleted 0 scans") and db in out  # --db before the action
    assert "1 saved scan " in cli(capsys, "history", "--db", db)[1]


def test_scan_without_customer_warns_once(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "scan", str(inventory(scripted / "a.yaml", ["ok-a"], None)),
                       "--db", str(scripted / "h.db"))
    assert code == 0 and err.count("has no 'customer:'") == 1


def test_a_damaged_database_never_changes_the_scans_exit_code(
        scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#13 §6: kept aside with one warning, a new one started, the exit code is the scan's."""
    db = scripted / "h.db"
    db.write_bytes(b"\x00garbage, not SQLite" * 500)
    inv = str(inventory(scripted / "a.yaml", ["warn-a"]))
    code, out, err = cli(capsys, "scan", inv, "--db", str(db))
    assert code == 1 and "/var on warn-a is WARN" in out
    assert err.count("\n") == 1 and "is damaged" in err and "kept aside" in err
    assert len(list(scripted.glob("h.db.damaged-*"))) == 1
    code, out, err = cli(capsys, "scan", inv, "--db", str(db))  # the new database works
    assert code == 1 and err == ""
    assert "2 saved scans" in cli(capsys, "history", "--db", str(db))[1]  # both, in the new one


def test_deeply_nested_old_history_is_skipped(tmp_path: Path) -> None:
    from fleetcheck.store import open_store

    folder = tmp_path / "history"
    folder.mkdir()
    (folder / "20261127T040000.000000Z_x.json").write_text("[" * 100_000 + "]" * 100_000)
    store = open_store(tmp_path / "history.sqlite3")
    assert len(store.notices) == 1 and "imported 0 scans" in store.notices[0]
    assert "(1 unreadable file skipped)" in store.notices[0]
    assert store.list_scans() == []
