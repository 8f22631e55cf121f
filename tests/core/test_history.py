"""Scan history: atomic saves, where files go, previous result per host, per-host history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fleetcheck.core import history
from fleetcheck.core.history import History, customer_slug
from fleetcheck.core.results import CheckResult, Evidence, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
CUSTOMER = "Müller Steuerberatung GmbH"


def hr(name: str, reach: Reachability = Reachability.REACHABLE, at: datetime = T0,
       state: State = State.OK) -> HostResult:
    checks = () if reach is not Reachability.REACHABLE else (
        CheckResult("cpu.load", state, f"load at {at:%H:%M}",
                    evidence=(Evidence.of("/proc/loadavg", "0.1", at, "file"),)),)
    return HostResult(name, "linux", f"{name}.example", reach, checks, at, at)


def scan(at: datetime, *hosts: HostResult, customer: str | None = CUSTOMER) -> ScanResult:
    return ScanResult(at, at + timedelta(seconds=5), hosts, customer, ("inv.yaml",), version="0.1.0")


@pytest.mark.parametrize(("customer", "slug"), [
    ("Müller Steuerberatung GmbH", "mueller-steuerberatung-gmbh"),
    ("ACME  Corp. / Branch #2", "acme-corp-branch-2"),
    ("Straße & Söhne", "strasse-soehne"),
    ("Café Noël", "cafe-noel"),
    (None, "no-customer"),
    ("", "no-customer"),
    ("!!!", "no-customer"),
    ("../../etc/passwd", "etc-passwd"),
])
def test_customer_slug(customer: str | None, slug: str) -> None:
    assert customer_slug(customer) == slug


def test_default_dir_follows_fleetcheck_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path))
    assert history.default_history_dir() == tmp_path / "history"
    monkeypatch.delenv("FLEETCHECK_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert history.default_history_dir() == tmp_path / "state" / "fleetcheck" / "history"


def test_save_is_atomic_named_and_round_trips(tmp_path: Path) -> None:
    store = History(tmp_path / "h")
    s = scan(T0, hr("a"), hr("b", Reachability.TIMEOUT))
    path = store.save(s)
    assert path.name == "20261127T040000.000000Z_mueller-steuerberatung-gmbh.json"
    index = "latest-mueller-steuerberatung-gmbh.json"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, index]  # no temporary file left
    (loaded,) = store.load_history(CUSTOMER)
    assert loaded == s


def test_same_start_time_never_overwrites(tmp_path: Path) -> None:
    store = History(tmp_path)
    first = store.save(scan(T0, hr("a")))
    second = store.save(scan(T0, hr("b")))
    assert first != second and first.exists() and second.exists()
    newest = store.load_history(CUSTOMER)
    assert [s.hosts[0].name for s in newest] == ["b", "a"]


def test_previous_host_result_is_last_reached_result(tmp_path: Path) -> None:
    store = History(tmp_path)
    t1, t2, t3 = T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    store.save(scan(t1, hr("a", at=t1), hr("b", at=t1)))
    store.save(scan(t2, hr("a", Reachability.TIMEOUT, t2), hr("b", at=t2, state=State.WARN)))
    store.save(scan(t3, hr("c", at=t3)))  # a scan of another subset of hosts
    store.save(scan(t3, hr("a", at=t3), customer="Other Customer"))

    fresh = History(tmp_path)
    a = fresh.previous_host_result("a", CUSTOMER)
    assert a is not None and a.started == t1  # the timed-out scan did not read its events
    b = fresh.previous_host_result("b", CUSTOMER)
    assert b is not None and b.started == t2 and b.state is State.WARN
    assert fresh.previous_host_result("nobody", CUSTOMER) is None
    assert fresh.previous_host_result("c", "Other Customer") is None
    assert history.previous_host_result("a", "Other Customer", tmp_path) is not None


def test_unreadable_files_are_skipped(tmp_path: Path) -> None:
    store = History(tmp_path)
    store.save(scan(T0, hr("a")))
    (tmp_path / "20991231T000000.000000Z_mueller-steuerberatung-gmbh.json").write_text("{not json")
    (tmp_path / "20991230T000000.000000Z_mueller-steuerberatung-gmbh.json").write_text('{"schema": "x/9"}')
    fresh = History(tmp_path)
    assert fresh.previous_host_result("a", CUSTOMER) is not None
    assert len(fresh.load_history(CUSTOMER)) == 1


def test_load_history_per_host_with_limit(tmp_path: Path) -> None:
    store = History(tmp_path)
    for i in range(4):
        at = T0 + timedelta(hours=i)
        hosts = (hr("a", at=at), hr("b", at=at)) if i % 2 == 0 else (hr("b", at=at),)
        store.save(scan(at, *hosts))
    only_a = history.load_history(CUSTOMER, host="a", directory=tmp_path)
    assert [s.started for s in only_a] == [T0 + timedelta(hours=2), T0]
    assert all([h.name for h in s.hosts] == ["a"] for s in only_a)
    assert len(store.load_history(CUSTOMER, limit=3)) == 3
    assert store.load_history("nobody") == []
    assert History(tmp_path / "missing").load_history(CUSTOMER) == []


def test_previous_lookup_reads_the_index_and_one_scan(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store = History(tmp_path)
    store.save(scan(T0, hr("a", at=T0)))
    for i in range(1, 30):  # a long history of scans that do not include 'a' (e.g. per-host checks)
        at = T0 + timedelta(minutes=i)
        store.save(scan(at, hr(f"other-{i}", at=at)))
    reads: list[str] = []
    real_read = History._read

    def counting_read(path: Path) -> dict[str, object] | None:
        reads.append(path.name)
        return real_read(path)

    monkeypatch.setattr(History, "_read", staticmethod(counting_read))
    fresh = History(tmp_path)
    a = fresh.previous_host_result("a", CUSTOMER)
    assert a is not None and a.started == T0
    assert fresh.previous_host_result("never-scanned", CUSTOMER) is None
    assert reads == ["20261127T040000.000000Z_mueller-steuerberatung-gmbh.json"]


@pytest.mark.parametrize("damage", ["delete", "garbage", "dangling"])
def test_missing_or_damaged_index_is_rebuilt(tmp_path: Path, damage: str) -> None:
    store = History(tmp_path)
    t1 = T0 + timedelta(hours=1)
    store.save(scan(T0, hr("a", at=T0)))
    newest = store.save(scan(t1, hr("a", at=t1)))
    index = tmp_path / "latest-mueller-steuerberatung-gmbh.json"
    if damage == "delete":
        index.unlink()
        expected = t1
    elif damage == "garbage":
        index.write_text("[1, 2")
        expected = t1
    else:  # the newest scan file was removed by hand: fall back to the one before
        newest.unlink()
        expected = T0
    a = History(tmp_path).previous_host_result("a", CUSTOMER)
    assert a is not None and a.started == expected


def test_index_keeps_the_newest_result_whatever_the_save_order(tmp_path: Path) -> None:
    store = History(tmp_path)
    t1 = T0 + timedelta(hours=1)
    store.save(scan(t1, hr("a", at=t1)))
    store.save(scan(T0, hr("a", at=T0)))  # a slower, older scan saved last
    a = History(tmp_path).previous_host_result("a", CUSTOMER)
    assert a is not None and a.started == t1
