"""The PostgreSQL store against a real server: the same behaviour as SQLite, one transaction per scan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from tests.store.helpers import CUSTOMER, T0, check, host, scan

from fleetcheck.core.states import Reachability, State
from fleetcheck.store import ScanStatus, Store, StoreError, customer_key, host_key, open_store

CK = customer_key(CUSTOMER, ())
DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    """Both backends behind the same interface: every test here runs on each."""
    if request.param == "sqlite":
        return lambda: open_store(tmp_path / "h.db")
    url = request.getfixturevalue("pg_url")
    return lambda: open_store(url)


def test_round_trip_keeps_every_field(make_store: Callable[[], Store]) -> None:
    store = make_store()
    s = scan(T0, host("a", check("fs.used:/"), check("kernel.errors", State.UNKNOWN)),
             host("b", reach=Reachability.TIMEOUT))
    info = store.save_scan(s)
    assert info.status is ScanStatus.COMPLETE and info.hosts == 2 and info.state is State.UNKNOWN
    assert store.load_scan(info.id) == s
    assert store.previous_host_result(host_key(CK, "a", "a.example")) == s.hosts[0]
    store.close()


def test_postgres_url_opens_the_postgres_backend(pg_url: str) -> None:
    store = open_store(pg_url)
    assert type(store).__name__ == "PostgresStore"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM fleetcheck.schema_version").fetchone() == (2,)
    store.close()


def test_changes_acks_listing_and_history(make_store: Callable[[], Store]) -> None:
    store = make_store()
    t1 = T0 + DAY
    store.save_scan(scan(T0, host("a", check("fs.used:/", State.WARN), check("cpu.load")),
                         host("b", check("cpu.load")), host("gone", check("cpu.load"))))
    new = store.save_scan(scan(t1, host("a", check("fs.used:/", at=t1), check("cpu.load", State.CRIT, at=t1),
                                        check("oom.kills", State.WARN, "1 OOM kill", at=t1), at=t1),
                               host("b", reach=Reachability.TIMEOUT, at=t1),
                               host("new", check("cpu.load", State.WARN, at=t1), at=t1)))
    store.save_scan(scan(T0, host("x", check("cpu.load")), customer="Other"))
    ch = store.changes(new.id)
    assert ch.old is not None and ch.old.started == T0
    assert [(f.host, f.check_id, f.state, f.before) for f in ch.new_problems] == [
        ("a", "cpu.load", State.CRIT, State.OK), ("new", "cpu.load", State.WARN, None)]
    assert [(f.host, f.check_id, f.before) for f in ch.resolved] == [("a", "fs.used:/", State.WARN)]
    assert [(f.host, f.summary) for f in ch.new_crashes] == [("a", "1 OOM kill")]
    assert [c.host for c in ch.became_unreachable] == ["b"]
    assert ch.new_hosts == ("new",) and ch.missing_hosts == ("gone",)
    assert [s.started for s in store.list_scans(CK)] == [t1, T0]
    assert len(store.list_scans(since=t1)) == 1 and len(store.list_scans(limit=2)) == 2
    latest = store.latest_scan(CK)
    assert latest is not None and latest.id == new.id
    assert {name for _, name in store.customers()} == {CUSTOMER, "Other"}
    points = store.host_history(CK, "a")
    assert [p.scan_started for p in points] == [t1, T0]
    assert ("cpu.load", State.CRIT, "cpu.load is CRIT") in points[0].problems
    assert [h.started for h in store.host_results(CK, "a", limit=1)] == [t1]
    store.ack(CK, "a", "fs.used:/", "disk ordered", "tech", until=T0 + 3 * DAY)
    store.ack(CK, "b", "cpu.load", "batch job", "tech")
    assert [a.host for a in store.acks(CK, at=T0 + 4 * DAY)] == ["b"]
    assert len(store.acks(CK, at=T0 + 4 * DAY, include_expired=True)) == 2
    assert store.unack(CK, "b", "cpu.load") and not store.unack(CK, "b", "cpu.load")
    store.close()


def test_crash_windows_and_host_key_change(make_store: Callable[[], Store]) -> None:
    from fleetcheck.core.results import HostResult

    def fp(name: str, fingerprint: str, *checks: object, at: object = T0) -> HostResult:
        h = host(name, *checks, at=at)  # type: ignore[arg-type]
        return HostResult(h.name, h.kind, h.address, h.reachability, h.checks, h.started, h.finished, h.site,
                          h.tags, {"ssh": {"host_key": fingerprint}})

    store = make_store()
    key = host_key(CK, "a", "a.example")
    store.save_scan(scan(T0, fp("a", "ssh-ed25519 SHA256:one", check("oom.kills"), check("boot.unexpected"))))
    assert store.crash_windows(key).read == {"oom.kills": T0 + timedelta(seconds=2),
                                             "boot.unexpected": T0 + timedelta(seconds=2)}
    t1 = T0 + DAY
    store.save_scan(scan(t1, fp("a", "ssh-ed25519 SHA256:one", check("oom.kills", State.UNKNOWN, at=t1),
                                check("boot.unexpected", at=t1), at=t1)))
    w = store.crash_windows(key).read
    assert w["oom.kills"] == T0 + timedelta(seconds=2) and w["boot.unexpected"] == t1 + timedelta(seconds=2)
    t2 = T0 + 2 * DAY
    store.save_scan(scan(t2, fp("a", "ssh-ed25519 SHA256:two", check("apps.crashes", at=t2), at=t2)))
    w2 = store.crash_windows(key)
    assert w2.host_key == "ssh-ed25519 SHA256:two" and set(w2.read) == {"apps.crashes"}
    assert store.previous_host_result(host_key(customer_key("Other", ()), "a", "a.example")) is None
    store.close()


def test_prune_drops_old_scans(make_store: Callable[[], Store]) -> None:
    store = make_store()
    for night in range(5):
        at = T0 + night * DAY
        store.save_scan(scan(at, host("a", check("cpu.load", summary=f"load {night}", raw=f"{night}" * 100,
                                                  at=at), at=at)))
    assert store.prune(T0 + 3 * DAY) == 3
    assert [h.checks[0].summary for h in store.host_results(CK, "a")] == ["load 4", "load 3"]
    store.close()


def test_a_scan_is_stored_once_per_uuid_and_announced_on_commit(pg_url: str) -> None:
    from fleetcheck.store.postgres.backend import CHANNEL, PostgresStore

    store = PostgresStore(pg_url)
    listener = psycopg.connect(pg_url, autocommit=True)
    listener.execute(f"LISTEN {CHANNEL}")
    s = scan(T0, *(host(f"h{i}", check("fs.used:/", raw="x" * 3000)) for i in range(20)))
    first = store.deliver(s, "6f1c1b8e-6a39-4a8e-9c55-0d6f1f9d0a01", ScanStatus.INTERRUPTED)
    again = store.deliver(s, "6f1c1b8e-6a39-4a8e-9c55-0d6f1f9d0a01", ScanStatus.INTERRUPTED)
    assert again.id == first.id and first.status is ScanStatus.INTERRUPTED and first.hosts == 20
    assert len(store.list_scans()) == 1
    notes = list(listener.notifies(timeout=5, stop_after=1))
    import json

    payload = json.loads(notes[0].payload)
    assert payload["scan_id"] == first.id and payload["customer_key"] == CK and payload["hosts"] == 20
    assert payload["uuid"] == "6f1c1b8e-6a39-4a8e-9c55-0d6f1f9d0a01" and payload["status"] == "interrupted"
    assert list(listener.notifies(timeout=0.3)) == []  # the repeat stored nothing and announced nothing
    with psycopg.connect(pg_url) as conn:  # the 3000-character excerpt is stored once, not 20 times
        assert conn.execute("SELECT count(*) FROM fleetcheck.blobs").fetchone()[0] < 5
    listener.close()
    store.close()


def test_a_password_in_the_url_is_refused_and_never_shown(pg_url: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from fleetcheck.cli.main import main

    inv = tmp_path / "inv.yaml"
    inv.write_text("customer: X\nhosts:\n  - {name: a, address: 192.0.2.1, kind: linux}\n")
    with_password = pg_url.replace("fleetcheck@", "fleetcheck:s3cr3t-pw@")
    with pytest.raises(StoreError, match="password in the URL is refused") as exc:
        open_store(with_password)
    assert "s3cr3t-pw" not in str(exc.value) and "fleetcheck:***@" in str(exc.value)
    for argv in (["history", "--db", with_password],
                 ["report", "--db", with_password, "-o", str(tmp_path / "r.html")],
                 ["schedule", "--cron", str(inv), "--db", with_password],
                 ["scan", str(inv), "--db", with_password],
                 ["ack", "a", "x", "--note", "n", "--db", with_password]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert "s3cr3t-pw" not in out + err and err.count("\n") == 1 and "refused" in err
    keyword = pg_url + "?password=s3cr3t-pw"
    with pytest.raises(StoreError) as exc:
        open_store(keyword)
    assert "s3cr3t-pw" not in str(exc.value)


def test_an_unreachable_server_is_one_line_without_secrets(pg_server: object) -> None:
    from tests.pgserver import free_port

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/x?connect_timeout=2"
    with pytest.raises(StoreError, match="cannot connect") as exc:
        open_store(url)
    assert "\n" not in str(exc.value)


def test_the_spool_sends_exactly_what_was_scanned(pg_url: str, tmp_path: Path) -> None:
    from fleetcheck.store.spool import SpoolingStore

    store = SpoolingStore(pg_url, tmp_path / "spool.sqlite3")
    s = scan(T0, host("a", check("fs.used:/"), check("kernel.errors", State.UNKNOWN)),
             host("b", reach=Reachability.TIMEOUT))
    info = store.save_scan(s)
    assert store.remote is not None and store.remote.load_scan(info.id) == s
    writer = store.begin_scan(s.customer, s.inventories, s.started, s.version)
    writer.add_host(s.hosts[0])
    writer.flush()  # the first host is in the spool before the scan ends, as in a real scan
    sent = writer.finish(s)
    assert store.remote.load_scan(sent.id) == s and sent.id == writer.scan_id
    assert store.spooled is None and store.waiting() == []
    store.close()


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql://scan:pw-1@db/fleet", "postgresql://scan:***@db/fleet"),
    ("postgres://scan:pw-1@db:5432/fleet?sslmode=verify-full", "postgres://scan:***@db:5432/fleet?sslmode=verify-full"),
    ("postgresql://db/fleet?user=scan&password=pw-1&sslmode=require",
     "postgresql://db/fleet?user=scan&password=***&sslmode=require"),
    ("host=db password='pw-1 x' user=scan", "host=db password=*** user=scan"),
    ("failed: postgresql://db/fleet", "failed: postgresql://db/fleet"),
])
def test_redact_hides_every_password_form(text: str, shown: str) -> None:
    from fleetcheck.store.postgres.conninfo import redact

    assert redact(text) == shown and "pw-1" not in redact(text)


def test_schedule_keeps_a_url_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fleetcheck.cli.main import main

    inv = tmp_path / "inv.yaml"
    inv.write_text("customer: X\nhosts:\n  - {name: a, address: 192.0.2.1, kind: linux}\n")
    url = "postgresql://scan_x@db.example.net/fleet?sslmode=verify-full"
    assert main(["schedule", "--cron", str(inv), "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"--db '{url}'" in out, out  # quoted for the shell, never made into a path
