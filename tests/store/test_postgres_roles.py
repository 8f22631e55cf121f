"""Row-level security against a real server: a scanner's role sees and writes its own customer only.

The roles log in over TCP with passwords from a PGPASSFILE (libpq's own way; nothing on the
command line; scanner A through a PGSERVICEFILE service), and get their rights from
`fleetcheck db grant`.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from tests.pgserver import PgServer
from tests.store.helpers import T0, check, host, scan

from fleetcheck.cli.main import main
from fleetcheck.store import StoreError, customer_key, host_key, open_store

A, B = "Kunde A GmbH", "Kunde B AG"


def role_url(url: str, role: str) -> str:
    return url.replace("://fleetcheck@", f"://{role}@")


@pytest.fixture
def roles(pg_server: PgServer, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """URLs (without passwords) of a scanner for A, one for B and a reader, each with a pgpass entry."""
    db = pg_url.rsplit("/", 1)[1]
    names = {k: f"{k}_{db}" for k in ("scan_a", "scan_b", "reader")}
    passfile = tmp_path / "pgpass"
    lines = []
    for name in names.values():
        pg_server.admin(pg_url, f"CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}'")
        lines.append(f"{pg_server.host}:{pg_server.port}:{db}:{name}:pw-{name}")
    passfile.write_text("\n".join(lines) + "\n")
    os.chmod(passfile, 0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    service = tmp_path / "pg_service.conf"  # libpq's service file: the URL names only the service
    service.write_text(f"[fleet_a]\nhost={pg_server.host}\nport={pg_server.port}\ndbname={db}\n"
                       f"user={names['scan_a']}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    assert main(["db", "grant", names["scan_a"], "--customer", A, "--db", pg_url]) == 0
    assert main(["db", "grant", names["scan_b"], "--customer", B, "--db", pg_url]) == 0
    assert main(["db", "grant", names["reader"], "--reader", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert f"may read and write the history of {A} only" in out and "may read every customer" in out
    return {**{k: role_url(pg_url, v) for k, v in names.items()}, "service_a": "postgresql:///?service=fleet_a"}


def test_scanners_see_and_write_only_their_customer_readers_see_all(roles: dict[str, str]) -> None:
    a, b = open_store(roles["service_a"]), open_store(roles["scan_b"])
    info_a = a.save_scan(scan(T0, host("srv", check("cpu.load")), customer=A))
    info_b = b.save_scan(scan(T0, host("srv", check("cpu.load")), customer=B))
    b.ack(customer_key(B, ()), "srv", "cpu.load", "known", "tech")
    # A reads A only: B's scans, hosts, evidence, acks and customer row are not there for it
    assert [s.id for s in a.list_scans()] == [info_a.id]
    assert [n for _, n in a.customers()] == [A]
    assert a.previous_host_result(host_key(customer_key(B, ()), "srv", "srv.example")) is None
    assert a.acks(customer_key(B, ())) == []
    with pytest.raises(StoreError, match=f"no scan {info_b.id}"):
        a.load_scan(info_b.id)
    # nor may it write as B
    with pytest.raises(StoreError, match="may not write customer"):
        a.save_scan(scan(T0, host("srv", check("cpu.load")), customer=B))
    assert [s.id for s in b.list_scans()] == [info_b.id]
    reader = open_store(roles["reader"])
    assert {s.id for s in reader.list_scans()} == {info_a.id, info_b.id}
    assert reader.load_scan(info_b.id).hosts[0].name == "srv"
    with pytest.raises(StoreError, match="not allowed"):
        reader.save_scan(scan(T0, host("srv", check("cpu.load")), customer=A))
    for store in (a, b, reader):
        store.close()


def test_sql_as_a_scanner_cannot_touch_another_customers_rows(roles: dict[str, str], pg_url: str) -> None:
    open_store(roles["scan_a"]).save_scan(scan(T0, host("srv", check("cpu.load")), customer=A))
    b = open_store(roles["scan_b"])
    b.save_scan(scan(T0, host("srv", check("cpu.load")), customer=B))
    b.ack(customer_key(B, ()), "srv", "cpu.load", "known", "tech")
    b.close()
    with psycopg.connect(pg_url) as owner:
        (b_id,) = owner.execute("SELECT id FROM fleetcheck.customers WHERE name = %s", (B,)).fetchone()  # type: ignore[misc]
        before = owner.execute("SELECT count(*) FROM fleetcheck.host_results").fetchone()
    with psycopg.connect(roles["scan_a"], autocommit=True) as conn:
        for table in ("scans", "host_results", "blobs", "hosts", "names", "windows", "acks", "customers"):
            where = "id" if table == "customers" else "customer_id"
            assert conn.execute(f"SELECT count(*) FROM fleetcheck.{table} WHERE {where} = %s",
                                (b_id,)).fetchone() == (0,), table
        # the tables it may change: B's rows are not there to change
        assert conn.execute("UPDATE fleetcheck.hosts SET host_key = 'x' WHERE customer_id = %s",
                            (b_id,)).rowcount == 0
        assert conn.execute("DELETE FROM fleetcheck.acks WHERE customer_id = %s", (b_id,)).rowcount == 0
        assert conn.execute("DELETE FROM fleetcheck.windows WHERE customer_id = %s", (b_id,)).rowcount == 0
        # the tables it may not change at all
        for sql in ("UPDATE fleetcheck.scans SET state = 'OK'", "DELETE FROM fleetcheck.host_results",
                    "DELETE FROM fleetcheck.scans", "UPDATE fleetcheck.customers SET name = 'x'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)  # type: ignore[arg-type]
        # inserting rows as B, by B's id
        for sql in ("INSERT INTO fleetcheck.scans (uuid, customer_id, started, status) "
                    "VALUES (gen_random_uuid(), %s, 1, 'complete')",
                    "INSERT INTO fleetcheck.blobs (customer_id, digest, data) VALUES (%s, 'x', 'jx')",
                    "INSERT INTO fleetcheck.acks (customer_id, host, check_id, note, who, created) "
                    "VALUES (%s, 'srv', 'x', 'n', 'w', 1)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(sql, (b_id,))  # type: ignore[arg-type]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO fleetcheck.customers (key, name) VALUES ('customer:Neu', 'Neu')")
        assert conn.execute("SELECT count(*) FROM fleetcheck.grants").fetchone() == (1,)  # its own only
    with psycopg.connect(pg_url) as owner:  # B's rows are all still there
        assert owner.execute("SELECT count(*) FROM fleetcheck.host_results").fetchone() == before
        assert owner.execute("SELECT count(*) FROM fleetcheck.acks WHERE customer_id = %s",
                             (b_id,)).fetchone() == (1,)


def test_a_spooled_scan_the_role_may_not_send_waits_and_says_so(roles: dict[str, str],
                                                                tmp_path: Path) -> None:
    from fleetcheck.store.spool import SpoolingStore

    spool = tmp_path / "spool.sqlite3"
    store = SpoolingStore(roles["scan_a"], spool)
    store.save_scan(scan(T0, host("srv", check("cpu.load")), customer=B))
    assert store.spooled is not None and "may not write customer 'Kunde B AG'" in store.spooled.reason
    assert store.spooled.waiting == 1
    store.close()
    again = SpoolingStore(roles["scan_a"], spool)  # the next run: still refused, and it says so
    assert len(again.notices) == 1 and "1 spooled scan in" in again.notices[0]
    assert "could not be sent" in again.notices[0] and "tried again on the next run" in again.notices[0]
    info = again.save_scan(scan(T0, host("srv", check("cpu.load")), customer=A))  # its own still goes
    assert again.spooled is None and again.remote is not None
    assert [s.id for s in again.remote.list_scans()] == [info.id]
    again.close()
