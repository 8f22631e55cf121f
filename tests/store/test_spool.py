"""A central store that is down at the start, or goes away mid-scan, never loses a scan (real server).

Also: a scanner killed in the middle of its save transaction leaves nothing in the database.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.pgserver import PgServer
from tests.store.helpers import T0, check, host, scan
from tests.store.test_processes import inventory, spawn, wait_for_line  # noqa: F401  (the fixture)

from fleetcheck.store import ScanStatus, open_store


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    """A server of this test's own: it is stopped and started again."""
    server = PgServer.start_new()
    try:
        yield server
    finally:
        server.destroy()


def scans_in(url: str) -> list[tuple[str, int, str]]:
    with psycopg.connect(url) as conn:
        return [(str(u), h, s) for u, h, s in conn.execute(
            "SELECT uuid, hosts, status FROM fleetcheck.scans ORDER BY id")]


def test_down_at_the_start_or_mid_scan_is_spooled_and_sent_next_run(
        tmp_path: Path, spawn: Any, own_server: PgServer) -> None:  # noqa: F811
    url = own_server.create_database(schema=True) + "?connect_timeout=2"
    spool = tmp_path / "home" / "spool.sqlite3"
    ok = inventory(tmp_path / "ok.yaml", ["ok-a"])
    own_server.stop()
    proc = spawn(["scan", str(ok), "--db", url, "-f", "json"])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err  # an OK scan that is not in the central store yet: WARNING
    (line,) = err.splitlines()
    assert line.startswith(f"fleetcheck: warning: scan not sent to {url} (cannot connect: ")
    assert line.endswith(f"; kept in the spool {spool} (1 scan waiting), sent on the next run")
    doc = json.loads(out)
    assert doc["history"] == {"saved": "spool", "database": url, "error": doc["history"]["error"],
                              "spool": str(spool), "waiting": 1}
    assert doc["hosts"][0]["name"] == "ok-a"

    own_server.start()  # back: the next run sends the waiting scan first, then its own
    proc = spawn(["scan", str(ok), "--db", url, "-f", "json"])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err == f"fleetcheck: history: sent 1 spooled scan from {spool} to {url}\n"
    assert "history" not in json.loads(out)
    first = scans_in(url)
    assert [(h, s) for _, h, s in first] == [(1, "complete"), (1, "complete")]
    assert open_store(spool).list_scans() == []

    hang = inventory(tmp_path / "hang.yaml", ["ok-a", "hang-b"])  # gone while the scan runs
    proc = spawn(["scan", str(hang), "--db", url, "--timeout", "3", "-f", "json"])
    assert proc.stderr is not None
    wait_for_line(proc.stderr, "scripted: hang-b started")
    own_server.stop()
    out, rest = proc.communicate(timeout=60)
    assert proc.returncode == 3, rest  # the scan's own code (a host timed out) stays
    assert "kept in the spool" in rest and "(1 scan waiting)" in rest
    assert json.loads(out)["history"]["waiting"] == 1
    own_server.start()
    proc = spawn(["scan", str(ok), "--db", url])
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "sent 1 spooled scan" in err, err
    after = scans_in(url)
    assert after[:2] == first and [h for _, h, _ in after[2:]] == [2, 1]  # oldest first, each once
    assert len({u for u, _, _ in after}) == 4


def test_a_scanner_killed_mid_transaction_leaves_nothing(pg_url: str) -> None:
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[2])
        from tests.store.helpers import T0, check, host, scan
        from fleetcheck.store.postgres.backend import PostgresStore
        store = PostgresStore(sys.argv[1])
        big = scan(T0, *(host(f"h{i}", *(check(f"fs.used:/m{j}", raw=f"{i}-{j}" * 200) for j in range(10)))
                         for i in range(3000)))
        print("saving", flush=True)
        while True:
            store.save_scan(big)
    """)
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", script, pg_url, root], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "saving"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # until its transaction has written something
                busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                                    "AND application_name = 'fleetcheck' AND datname = current_database()")
                if busy.fetchone() != (0,):
                    break
                time.sleep(0.01)
            else:
                raise AssertionError("the scanner never started writing")
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fleetcheck' "
                               "AND datname = current_database()").fetchone() != (0,):
                assert time.monotonic() < deadline + 30, "the killed scanner's session never ended"
                time.sleep(0.05)
            # whatever committed before the kill is whole; the transaction it was in left nothing
            row = conn.execute("SELECT count(*), coalesce(sum(hosts), 0) FROM fleetcheck.scans").fetchone()
            assert row is not None
            scans, hosts = row
            stored = conn.execute("SELECT count(*) FROM fleetcheck.host_results").fetchone()
        assert stored == (hosts,) and hosts == 3000 * scans
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    store = open_store(pg_url)  # and the database takes the next scan as usual
    assert store.save_scan(scan(T0, host("a", check("cpu.load")))).status is ScanStatus.COMPLETE
    store.close()


def test_a_scanner_killed_mid_scan_delivers_its_finished_hosts_next_run(
        tmp_path: Path, spawn: Any, pg_url: str) -> None:  # noqa: F811
    import sqlite3

    spool = tmp_path / "home" / "spool.sqlite3"
    inv = inventory(tmp_path / "inv.yaml", ["ok-a", "warn-b", "hang-c"])
    proc = spawn(["scan", str(inv), "--db", pg_url, "-f", "jsonl", "--timeout", "300"])
    assert proc.stdout is not None and proc.stderr is not None
    wait_for_line(proc.stderr, "scripted: hang-c started")
    finished = 0
    while finished < 2:
        finished += '"host_finished"' in proc.stdout.readline()
    deadline = time.monotonic() + 60  # the finished hosts reach the spool within about a second
    while True:
        conn = sqlite3.connect(spool, timeout=30)
        stored = conn.execute("SELECT count(*) FROM host_results").fetchone()[0]
        conn.close()
        if stored == 2:
            break
        assert time.monotonic() < deadline, "the finished hosts never reached the spool"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert scans_in(pg_url) == []  # nothing of the killed scan reached the central store
    ok = inventory(tmp_path / "ok.yaml", ["ok-a"])
    again = spawn(["scan", str(ok), "--db", pg_url])
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0 and "sent 1 spooled scan" in err, err
    assert [(h, s) for _, h, s in scans_in(pg_url)] == [(2, "interrupted"), (1, "complete")]
    store = open_store(pg_url)
    interrupted = store.list_scans()[-1]
    assert sorted(h.name for h in store.load_scan(interrupted.id).hosts) == ["ok-a", "warn-b"]
    store.close()
