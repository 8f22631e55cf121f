"""Real processes against one history database: SIGKILL mid-scan, concurrent savers, the scan lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.store import ScanStatus, open_store

HERE = Path(__file__).resolve().parents[1] / "core"  # the scripted collector lives there
SCRIPTED = ("scripted_collector", "ScriptedCollector")


def inventory(path: Path, names: list[str], customer: str = "Prozess Test GmbH") -> Path:
    lines = [f"customer: {customer}", "hosts:"]
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    address: 192.0.2.{i + 1}", "    kind: linux"]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Any]:
    """`fleetcheck` in a child process, kind `linux` served by the scripted collector."""
    children: list[subprocess.Popen[str]] = []

    def start(argv: list[str]) -> subprocess.Popen[str]:
        code = ("import sys; from fleetcheck.core.collectors import registry; "
                f"registry.COLLECTORS['linux'] = {SCRIPTED!r}; "
                "from fleetcheck.cli.main import main; sys.exit(main(sys.argv[1:]))")
        env = {**os.environ, "PYTHONPATH": str(HERE), "FLEETCHECK_HOME": str(tmp_path / "home")}
        proc = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        children.append(proc)
        return proc

    yield start
    for proc in children:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_for_line(stream: Any, needle: str) -> list[str]:
    seen = []
    for line in stream:
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"no line with {needle!r} in {seen}")


def test_sigkill_mid_scan_keeps_finished_hosts_and_marks_the_scan_interrupted(
        tmp_path: Path, spawn: Any) -> None:
    db = tmp_path / "home" / "history.sqlite3"
    inv = inventory(tmp_path / "inv.yaml", ["ok-a", "warn-b", "hang-c"])
    proc = spawn(["scan", str(inv), "-f", "jsonl", "--timeout", "300"])
    assert proc.stdout is not None and proc.stderr is not None
    wait_for_line(proc.stderr, "scripted: hang-c started")
    finished = 0
    while finished < 2:
        finished += '"host_finished"' in proc.stdout.readline()
    # the finished hosts are stored within about a second: wait for the database to say so
    check = ("import sqlite3, sys, time\n"
             "for _ in range(300):\n"
             "    c = sqlite3.connect(sys.argv[1], timeout=30)\n"
             "    if c.execute('SELECT count(*) FROM host_results').fetchone()[0] == 2: sys.exit(0)\n"
             "    c.close(); time.sleep(0.05)\n"
             "sys.exit(1)\n")
    assert subprocess.run([sys.executable, "-c", check, str(db)], timeout=60).returncode == 0
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    store = open_store(db)
    conn_check = store._conn.execute("PRAGMA integrity_check").fetchone()[0]  # type: ignore[attr-defined]
    assert conn_check == "ok"
    (info,) = store.list_scans()
    assert info.status is ScanStatus.INTERRUPTED and info.hosts == 2
    scan = store.load_scan(info.id)
    assert scan.cancelled and sorted(h.name for h in scan.hosts) == ["ok-a", "warn-b"]
    # the next scan runs normally, and the interrupted one stays in the list
    proc = spawn(["scan", str(inv), "--host", "ok-a", "-f", "json"])
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [s.status for s in open_store(db).list_scans()] == [ScanStatus.COMPLETE, ScanStatus.INTERRUPTED]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_processes_saving_at_once_all_succeed(tmp_path: Path, backend: str,
                                              request: pytest.FixtureRequest) -> None:
    # PostgreSQL: four scanners, two per customer, storing the same hosts and evidence at once
    db = str(tmp_path / "h.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    savers = ("first", "second") if backend == "sqlite" else ("first", "second", "first", "second")
    open_store(db).close()  # schema in place; the race is about saving
    script = textwrap.dedent("""
        import sys
        from datetime import UTC, datetime, timedelta
        sys.path.insert(0, sys.argv[3])
        from tests.store.helpers import check, host, scan
        from fleetcheck.store import open_store
        store = open_store(sys.argv[1])
        who = sys.argv[2]
        print("ready", flush=True)
        sys.stdin.readline()  # both start together
        for i in range(15):
            at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
            hosts = [host(f"{who}-{n}", check("cpu.load", raw=f"{who}{i}" * 40, at=at), at=at)
                     for n in range(30)]
            store.save_scan(scan(at, *hosts, customer=who))
        print("done", flush=True)
    """)
    root = str(Path(__file__).resolve().parents[2])
    procs = [subprocess.Popen([sys.executable, "-c", script, db, who, root], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in savers]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0 and out.strip() == "done", err
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    store = open_store(db)
    for who in ("first", "second"):
        scans = store.list_scans(f"customer:{who}")
        assert len(scans) == 15 * savers.count(who)
        assert all(s.hosts == 30 and s.status is ScanStatus.COMPLETE for s in scans)


def test_a_second_scan_of_the_same_inventory_waits_for_nobody(tmp_path: Path, spawn: Any) -> None:
    inv = inventory(tmp_path / "inv.yaml", ["hang-a"])
    first = spawn(["scan", str(inv), "--timeout", "300", "--no-history"])
    assert first.stderr is not None
    wait_for_line(first.stderr, "scripted: hang-a started")
    second = spawn(["scan", str(inv), "--no-history"])
    out, err = second.communicate(timeout=60)
    assert second.returncode == 3 and out == ""
    assert err.count("\n") == 1 and "another scan of" in err and f"pid {first.pid}" in err
    other = spawn(["scan", str(inventory(tmp_path / "other.yaml", ["ok-a"], "Andere GmbH")), "--no-history"])
    assert other.wait(timeout=60) == 0  # another inventory is not held up
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    again = spawn(["scan", str(inventory(tmp_path / "inv.yaml", ["ok-a"])), "--no-history", "-f", "json"])
    out, err = again.communicate(timeout=60)  # the kernel dropped the killed scan's lock
    assert again.returncode == 0, err
    assert json.loads(out)["hosts"][0]["name"] == "ok-a"


def test_quiet_prints_nothing_and_keeps_the_exit_code(tmp_path: Path, spawn: Any) -> None:
    inv = inventory(tmp_path / "inv.yaml", ["ok-a", "warn-b"])
    proc = spawn(["scan", str(inv), "--quiet"])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == "" and err == ""
    (info,) = open_store(tmp_path / "home" / "history.sqlite3").list_scans()
    assert info.state is not None and info.state.value == "WARN"
