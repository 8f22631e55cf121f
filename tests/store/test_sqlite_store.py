"""The SQLite store: round trip, identity, changes, acks, prune, crash windows, damage, import."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from tests.store.helpers import CUSTOMER, T0, check, host, scan

from fleetcheck.core.results import CheckResult, Evidence, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.store import ScanStatus, StoreError, customer_key, host_key, open_store
from fleetcheck.store.sqlite import schema

CK = customer_key(CUSTOMER, ())
DAY = timedelta(days=1)


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    s = scan(T0, host("a", check("fs.used:/"), check("kernel.errors", State.UNKNOWN)),
             host("b", reach=Reachability.TIMEOUT))
    info = store.save_scan(s)
    assert info.status is ScanStatus.COMPLETE and info.hosts == 2 and info.state is State.UNKNOWN
    assert store.load_scan(info.id).to_dict() == s.to_dict()
    assert store.load_scan(info.id) == s  # times to the millisecond survive exactly here


@pytest.mark.parametrize("state", [State.NA, State.SKIPPED])
def test_set_aside_results_read_back_whole(tmp_path: Path, state: State) -> None:
    # N/A and skipped results are refused without evidence: reading one back must not build it
    # evidence-less first (that made every VM's host record "damaged" and deleted it)
    store = open_store(tmp_path / "h.db")
    set_aside = CheckResult("temp", state, "temperatures set aside", reason="not applicable: a VM",
                            evidence=(Evidence.of("systemd-detect-virt --vm", "kvm\n" + "x" * 100, T0),))
    s = scan(T0, host("a", set_aside, check("fs.used:/")))
    info = store.save_scan(s)
    assert store.load_scan(info.id) == s
    assert store.previous_host_result(host_key(CK, "a", "a.example")) == s.hosts[0]
    assert not store.notices


def test_a_record_this_version_refuses_is_kept_not_deleted(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # intact content the result model refuses (a rule or state a newer/older version has) is no
    # damage: deleting it turned a fleetcheck bug into lost customer history
    from fleetcheck.store.sqlite import codec

    store = open_store(tmp_path / "h.db")
    s = scan(T0, host("a", check("fs.used:/")))
    store.save_scan(s)
    real = codec.CheckResult.from_dict

    def refuse(d: dict[str, object], evidence: object = None) -> CheckResult:
        raise ValueError("OK result fs.used:/ needs something this version demands")

    monkeypatch.setattr(codec.CheckResult, "from_dict", refuse)
    assert store.previous_host_result(host_key(CK, "a", "a.example")) is None
    assert any("kept, not deleted" in n for n in store.notices)
    monkeypatch.setattr(codec.CheckResult, "from_dict", real)
    assert store.previous_host_result(host_key(CK, "a", "a.example")) == s.hosts[0]


def test_schema_is_versioned_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.close()
    conn = sqlite3.connect(tmp_path / "h.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer fleetcheck"):
        open_store(tmp_path / "h.db")
    assert (tmp_path / "h.db").stat().st_mode & 0o077 == 0  # evidence is private


def test_evidence_is_stored_once_however_often_it_repeats(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    big = "x" * 3000
    for night in range(20):
        at = T0 + night * DAY
        store.save_scan(scan(at, *(host(f"h{i}", *(check(f"fs.used:/m{j}", raw=big, at=at) for j in range(5)),
                                        at=at) for i in range(10))))
    conn = sqlite3.connect(tmp_path / "h.db")
    blobs = conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert blobs < 20  # 1 raw excerpt, 5 check texts, 1 fact: not 1000 copies
    assert len(store.host_results(CK, "h3")) == 20


@pytest.mark.parametrize(("first", "second"), [
    ("Müller GmbH", "Mueller GmbH"),
    ("Müller GmbH", "Muller GmbH"),
    ("株式会社東京", "株式会社大阪"),
    ("Αθήνα ΑΕ", "Σπάρτη ΑΕ"),
])
def test_customers_never_share_a_history(tmp_path: Path, first: str, second: str) -> None:
    store = open_store(tmp_path / "h.db")
    store.save_scan(scan(T0, host("srv", check("oom.kills")), customer=first))
    k1, k2 = customer_key(first, ()), customer_key(second, ())
    assert k1 != k2
    assert store.previous_host_result(host_key(k2, "srv", "srv.example")) is None
    assert store.crash_windows(host_key(k2, "srv", "srv.example")).read == {}
    assert store.previous_host_result(host_key(k1, "srv", "srv.example")) is not None


def test_inventories_without_customer_are_kept_apart_by_path(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.save_scan(scan(T0, host("srv", check("oom.kills")), customer=None, inventories=("/a/inv.yaml",)))
    other = customer_key(None, ("/b/inv.yaml",))
    assert other != customer_key(None, ("/a/inv.yaml",))
    assert store.previous_host_result(host_key(other, "srv", "srv.example")) is None
    same = customer_key(None, ("/a/inv.yaml",))
    assert store.previous_host_result(host_key(same, "srv", "srv.example")) is not None


def test_same_name_at_another_address_is_another_machine(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.save_scan(scan(T0, host("srv", check("oom.kills"), address="10.0.0.1")))
    assert store.previous_host_result(host_key(CK, "srv", "10.0.0.2")) is None


def test_previous_result_is_the_last_reached_one(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.save_scan(scan(T0, host("a", check("cpu.load"))))
    store.save_scan(scan(T0 + DAY, host("a", reach=Reachability.TIMEOUT, at=T0 + DAY)))
    prev = store.previous_host_result(host_key(CK, "a", "a.example"))
    assert prev is not None and prev.started == T0


def fp_host(name: str, fingerprint: str, *checks: object, at: object = T0) -> HostResult:
    h = host(name, *checks, at=at)  # type: ignore[arg-type]
    return HostResult(h.name, h.kind, h.address, h.reachability, h.checks, h.started, h.finished, h.site,
                      h.tags, {"ssh": {"host_key": fingerprint}})


class TestCrashWindowPerFamily:
    """#11 §4: a family's window moves only when a scan really read that family's source."""

    def windows(self, store: object, name: str = "a") -> dict[str, object]:
        return dict(store.crash_windows(host_key(CK, name, f"{name}.example")).read)  # type: ignore[attr-defined]

    def test_read_moves_every_family(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, host("a", check("oom.kills"), check("boot.unexpected", State.CRIT))))
        assert self.windows(store) == {"oom.kills": T0 + timedelta(seconds=2),
                                       "boot.unexpected": T0 + timedelta(seconds=2)}

    def test_denied_journal_read_keeps_that_family_only(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, host("a", check("oom.kills"), check("boot.unexpected"))))
        t1 = T0 + DAY
        store.save_scan(scan(t1, host("a", check("oom.kills", State.UNKNOWN, at=t1),
                                      check("boot.unexpected", at=t1), at=t1)))
        w = self.windows(store)
        assert w["oom.kills"] == T0 + timedelta(seconds=2)
        assert w["boot.unexpected"] == t1 + timedelta(seconds=2)

    @pytest.mark.parametrize("state", [State.SKIPPED, State.NA])
    def test_skipped_or_not_applicable_reads_nothing(self, tmp_path: Path, state: State) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, host("a", check("oom.kills"))))
        t1 = T0 + DAY
        skipped = CheckResult("oom.kills", state, "oom.kills set aside", reason="skipped by the inventory",
                              evidence=(Evidence.of("inventory", "skip: [oom.kills]", t1, "file"),))
        store.save_scan(scan(t1, host("a", skipped, check("apps.crashes", at=t1), at=t1)))
        w = self.windows(store)
        assert w["oom.kills"] == T0 + timedelta(seconds=2) and w["apps.crashes"] == t1 + timedelta(seconds=2)

    @pytest.mark.parametrize("transport", ["ssh.probe", "ssh.output"])
    def test_garbage_or_cut_off_output_moves_nothing(self, tmp_path: Path, transport: str) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, host("a", check("oom.kills"))))
        t1 = T0 + DAY
        store.save_scan(scan(t1, host("a", check("oom.kills", at=t1), check(transport, State.UNKNOWN, at=t1),
                                      at=t1)))
        assert self.windows(store) == {"oom.kills": T0 + timedelta(seconds=2)}

    def test_unreachable_moves_nothing(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, host("a", check("oom.kills"))))
        store.save_scan(scan(T0 + DAY, host("a", reach=Reachability.TIMEOUT, at=T0 + DAY)))
        assert self.windows(store) == {"oom.kills": T0 + timedelta(seconds=2)}

    def test_another_machine_at_the_same_address_starts_over(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "h.db")
        store.save_scan(scan(T0, fp_host("a", "ssh-ed25519 SHA256:one", check("oom.kills"))))
        key = host_key(CK, "a", "a.example")
        assert store.crash_windows(key).host_key == "ssh-ed25519 SHA256:one"
        t1 = T0 + DAY
        store.save_scan(scan(t1, fp_host("a", "ssh-ed25519 SHA256:two", check("apps.crashes", at=t1), at=t1)))
        w = store.crash_windows(key)
        assert w.host_key == "ssh-ed25519 SHA256:two" and set(w.read) == {"apps.crashes"}


def test_changes_between_scans(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    t1 = T0 + DAY
    store.save_scan(scan(T0, host("a", check("fs.used:/", State.WARN), check("cpu.load")),
                         host("b", check("cpu.load")), host("c", reach=Reachability.UNREACHABLE),
                         host("gone", check("cpu.load"))))
    new = store.save_scan(scan(t1, host("a", check("fs.used:/", at=t1), check("cpu.load", State.CRIT, at=t1),
                                        check("oom.kills", State.WARN, "1 OOM kill", at=t1), at=t1),
                               host("b", reach=Reachability.TIMEOUT, at=t1),
                               host("c", check("cpu.load", at=t1), at=t1),
                               host("new", check("cpu.load", State.WARN, at=t1), at=t1)))
    ch = store.changes(new.id)
    assert ch.old is not None and ch.old.started == T0
    assert [(f.host, f.check_id, f.state, f.before) for f in ch.new_problems] == [
        ("a", "cpu.load", State.CRIT, State.OK), ("new", "cpu.load", State.WARN, None)]
    assert [(f.host, f.check_id, f.before) for f in ch.resolved] == [("a", "fs.used:/", State.WARN)]
    assert [(f.host, f.check_id, f.summary) for f in ch.new_crashes] == [("a", "oom.kills", "1 OOM kill")]
    assert [(c.host, c.after) for c in ch.became_unreachable] == [("b", Reachability.TIMEOUT)]
    assert [(c.host, c.before) for c in ch.came_back] == [("c", Reachability.UNREACHABLE)]
    assert ch.new_hosts == ("new",) and ch.missing_hosts == ("gone",)
    first = store.changes(ch.old.id)
    assert first.old is None and [f.host for f in first.new_problems] == ["a"]


def test_acks_and_their_expiry(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.ack(CK, "a", "fs.used:/", "disk ordered", "tech", until=T0 + DAY)
    store.ack(CK, "b", "cpu.load", "known batch job", "tech")
    assert [a.host for a in store.acks(CK, at=T0)] == ["a", "b"]
    assert [a.host for a in store.acks(CK, at=T0 + 2 * DAY)] == ["b"]
    assert len(store.acks(CK, at=T0 + 2 * DAY, include_expired=True)) == 2
    assert store.unack(CK, "b", "cpu.load") and not store.unack(CK, "b", "cpu.load")
    assert store.acks(CK, at=T0 + 2 * DAY) == []


def test_prune_drops_old_scans_and_their_blobs(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    for night in range(5):
        at = T0 + night * DAY
        store.save_scan(scan(at, host("a", check("cpu.load", summary=f"load {night}", raw=f"{night}" * 100,
                                                  at=at), at=at)))
    conn = sqlite3.connect(tmp_path / "h.db")
    before = conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert store.prune(T0 + 3 * DAY) == 3
    assert [s.started for s in store.list_scans()] == [T0 + 4 * DAY, T0 + 3 * DAY]
    after = conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert after < before
    assert [h.checks[0].summary for h in store.host_results(CK, "a")] == ["load 4", "load 3"]


def test_listing_and_latest(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    store.save_scan(scan(T0, host("a", check("cpu.load"))))
    store.save_scan(scan(T0 + DAY, host("a", check("cpu.load")), cancelled=True))
    store.save_scan(scan(T0, host("x", check("cpu.load")), customer="Other"))
    latest = store.latest_scan(CK)
    assert latest is not None and latest.started == T0
    assert [s.status for s in store.list_scans(CK)] == [ScanStatus.CANCELLED, ScanStatus.COMPLETE]
    assert len(store.list_scans(since=T0 + DAY)) == 1
    assert {name for _, name in store.customers()} == {CUSTOMER, "Other"}


def test_damaged_database_is_kept_aside_and_replaced(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    db.write_bytes(b"this is not a database" * 100)
    store = open_store(db)
    assert len(store.notices) == 1 and "damaged" in store.notices[0]
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
    assert store.save_scan(scan(T0, host("a", check("cpu.load")))).hosts == 1


def test_damaged_record_is_skipped_once_and_removed(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    store = open_store(db)
    store.save_scan(scan(T0, host("a", check("cpu.load")), host("b", check("cpu.load"))))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE host_results SET checks = x'0102' WHERE host_id = "
                 "(SELECT id FROM hosts WHERE name = 'a')")
    conn.execute("UPDATE host_results SET facts = 'garbage' WHERE host_id = "
                 "(SELECT id FROM hosts WHERE name = 'b')")
    conn.commit()
    fresh = open_store(db)
    assert fresh.load_scan(1).hosts == ()
    assert len(fresh.notices) == 1 and "2 damaged host records" in fresh.notices[0]
    again = open_store(db)
    assert again.load_scan(1).hosts == () and again.notices == []


def test_json_history_folder_is_imported_once(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    for i in range(3):
        s = scan(T0 + i * DAY, host("a", check("cpu.load", at=T0 + i * DAY), at=T0 + i * DAY))
        (folder / f"2026112{i}T040000.000000Z_mueller.json").write_text(json.dumps(s.to_dict()))
    (folder / "20261129T040000.000000Z_mueller.json").write_text('{"hosts": {"srv": "garbage"}}')
    (folder / "latest-mueller.json").write_text("{}")
    store = open_store(tmp_path / "history.sqlite3")
    assert store.notices == [f"history: imported 3 scans from the JSON history folder {folder} into "
                             f"{tmp_path / 'history.sqlite3'} (1 unreadable file skipped); "
                             "the folder is left as it was"]
    assert len(store.list_scans(CK)) == 3
    again = open_store(tmp_path / "history.sqlite3")
    assert again.notices == [] and len(again.list_scans()) == 3


def test_host_history_lists_problems_newest_first(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    for night in range(3):
        at = T0 + night * DAY
        state = State.WARN if night == 1 else State.OK
        store.save_scan(scan(at, host("a", check("cpu.load", state, at=at), check("fs.used:/", at=at),
                                      at=at)))
    points = store.host_history(CK, "a")
    assert [p.scan_started for p in points] == [T0 + 2 * DAY, T0 + DAY, T0]
    assert points[1].problems == (("cpu.load", State.WARN, "cpu.load is WARN"),)
    assert points[0].problems == () and points[1].state is State.WARN
    assert len(store.host_history(CK, "a", limit=2)) == 2
    assert len(store.host_history(CK, "a", since=T0 + DAY)) == 2


def test_migrations_run_in_order_and_keep_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.db"
    store = open_store(db)
    store.save_scan(scan(T0, host("a", check("cpu.load"))))
    store.close()
    broken = (*schema.MIGRATIONS, "ALTER TABLE scans ADD COLUMN note TEXT;\nTHIS IS NOT SQL")
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    monkeypatch.setattr(schema, "VERSION", len(broken))
    with pytest.raises(StoreError, match="syntax error"):  # one line for the user, nothing half done
        open_store(db)
    conn = sqlite3.connect(db)  # a failed step leaves the database as it was
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1
    assert "note" not in [r[1] for r in conn.execute("PRAGMA table_info(scans)")]
    conn.close()
    good = (*schema.MIGRATIONS[:-1], "ALTER TABLE scans ADD COLUMN note TEXT")
    monkeypatch.setattr(schema, "MIGRATIONS", good)
    upgraded = open_store(db)
    (info,) = upgraded.list_scans()
    assert upgraded.load_scan(info.id).hosts[0].name == "a"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(good)
    assert "note" in [r[1] for r in conn.execute("PRAGMA table_info(scans)")]
