"""Schema versions on both backends: `db upgrade`, older and newer schemas refused, steps atomic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from tests.pgserver import PgServer
from tests.store.helpers import T0, check, host, scan

from fleetcheck.cli.main import main
from fleetcheck.store import StoreError, open_store
from fleetcheck.store.postgres import schema as pg_schema


def version(url: str) -> int:
    with psycopg.connect(url) as conn:
        return pg_schema.found_version(conn)


def test_sqlite_version_1_is_upgraded_and_keeps_its_scans(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    old = open_store(db)
    old.save_scan(scan(T0, host("a", check("cpu.load"))))
    old.close()
    conn = sqlite3.connect(db)  # as the version before scan UUIDs wrote it
    conn.executescript("DROP INDEX scans_by_uuid; ALTER TABLE scans DROP COLUMN uuid; "
                       "PRAGMA user_version = 1")
    conn.close()
    assert main(["db", "upgrade", "--db", str(db)]) == 0
    assert capsys.readouterr().out == f"{db}: schema upgraded from version 1 to 2\n"
    assert main(["db", "upgrade", "--db", str(db)]) == 0
    assert "schema is at version 2, nothing to do" in capsys.readouterr().out
    store = open_store(db)
    (before,) = store.list_scans()
    assert store.load_scan(before.id).hosts[0].name == "a"
    assert store.scan_uuid(before.id) is None  # type: ignore[attr-defined]
    after = store.save_scan(scan(T0, host("a", check("cpu.load"))))
    assert len(store.scan_uuid(after.id) or "") == 36  # type: ignore[attr-defined]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_postgres_is_created_by_db_upgrade_and_refused_before(pg_server: PgServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_server.create_database()
    with pytest.raises(StoreError, match=r"schema is version 0, this fleetcheck needs 2: run 'fleetcheck db "
                                         r"upgrade --db postgresql://fleetcheck@127.0.0.1"):
        open_store(url)
    assert main(["db", "upgrade", "--db", url]) == 0
    assert capsys.readouterr().out == f"{url}: schema upgraded from version 0 to 2\n"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert capsys.readouterr().out == f"{url}: schema is at version 2, nothing to do\n"
    open_store(url).close()


def test_postgres_version_1_is_upgraded_and_keeps_its_scans(pg_server: PgServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_server.create_database()
    with monkeypatch.context() as m:
        m.setattr(pg_schema, "MIGRATIONS", pg_schema.MIGRATIONS[:1])
        m.setattr(pg_schema, "VERSION", 1)
        assert pg_schema.upgrade(url) == (0, 1)
    with psycopg.connect(url) as conn:  # a scan saved by the version before scan UUIDs
        conn.execute("INSERT INTO fleetcheck.customers (key, name) VALUES ('customer:Alt', 'Alt')")
        conn.execute("INSERT INTO fleetcheck.scans (customer_id, started, status) VALUES (1, 1, 'complete')")
    with pytest.raises(StoreError, match="schema is version 1, this fleetcheck needs 2"):
        open_store(url)
    assert pg_schema.upgrade(url) == (1, 2)
    store = open_store(url)
    (info,) = store.list_scans()
    assert info.customer == "Alt"
    with psycopg.connect(url) as conn:
        (uuid,) = conn.execute("SELECT uuid FROM fleetcheck.scans").fetchone()  # type: ignore[misc]
    assert uuid is not None
    store.close()


def test_a_newer_schema_is_refused_and_left_alone(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE fleetcheck.schema_version SET version = 3")
    with pytest.raises(StoreError, match="written by a newer fleetcheck"):
        open_store(pg_url)
    assert main(["db", "upgrade", "--db", pg_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer fleetcheck (schema 3, this one knows 2)" in err
    assert version(pg_url) == 3


def test_a_failing_step_changes_nothing(pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    broken = (*pg_schema.MIGRATIONS, "ALTER TABLE fleetcheck.scans ADD COLUMN note text;\nTHIS IS NOT SQL")
    monkeypatch.setattr(pg_schema, "MIGRATIONS", broken)
    monkeypatch.setattr(pg_schema, "VERSION", len(broken))
    assert main(["db", "upgrade", "--db", pg_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "syntax error" in err
    assert version(pg_url) == 2
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'scans' "
                            "AND column_name = 'note'").fetchone() == (0,)
