"""The scan engine against small real collectors: roll-up, deadlines, cancellation, events."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection, CrashWindows, Unreachable
from fleetcheck.core.engine import REACHABILITY_CHECK, EngineOptions, ScanEngine
from fleetcheck.core.events import (
    CheckFinished,
    Event,
    HostFinished,
    HostStarted,
    ScanFinished,
    ScanStarted,
)
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State

pytestmark = pytest.mark.timeout(20)

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)


def ok(check_id: str = "cpu.load", state: State = State.OK) -> CheckResult:
    if state is State.UNKNOWN:
        return CheckResult.unknown(check_id, f"{check_id} could not be read", "permission denied")
    return CheckResult(check_id, state, f"{check_id} is {state.value}",
                       evidence=(Evidence.of("cat /proc/loadavg", "0.1 0.2 0.3", T0, "file"),))


def host(name: str, kind: str = "test", timeout: float | None = None) -> Host:
    return Host(name=name, kind=kind, address=f"{name}.example", timeout=timeout)


class Behaviours:
    """A collector whose behaviour per host name is given by the test.

    Each behaviour is an async function (host, ctx) -> Collection, so one
    scan can mix fast, hanging, blocking and failing hosts.
    """

    kinds: ClassVar[frozenset[str]] = frozenset({"test"})

    def __init__(self, behaviours: dict[str, Callable[[Host, CollectContext], Any]]) -> None:
        self.behaviours = behaviours
        self.contexts: dict[str, CollectContext] = {}
        self.running = 0
        self.max_running = 0

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        self.contexts[host.name] = ctx
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            result: Collection = await self.behaviours[host.name](host, ctx)
            return result
        finally:
            self.running -= 1

    async def close(self) -> None:
        return None


def returns(*checks: CheckResult, delay: float = 0.0) -> Callable[[Host, CollectContext], Any]:
    async def behaviour(host: Host, ctx: CollectContext) -> Collection:
        if delay:
            await asyncio.sleep(delay)
        return Collection(list(checks), {"os": "TestOS"})
    return behaviour


async def hangs_async(host: Host, ctx: CollectContext) -> Collection:
    await asyncio.Event().wait()  # never set
    raise AssertionError("unreachable")


async def ignores_first_cancel(host: Host, ctx: CollectContext) -> Collection:
    """A badly behaved collector: swallows the engine's cancellation and carries on."""
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(30)
    await asyncio.sleep(30)  # cancelled for good when the test's loop closes
    raise AssertionError("unreachable")


def blocks_in_thread(release: threading.Event) -> Callable[[Host, CollectContext], Any]:
    async def behaviour(host: Host, ctx: CollectContext) -> Collection:
        await ctx.run_blocking(release.wait, 30.0)  # like a hung paramiko read
        return Collection([ok()])
    return behaviour


async def raises(host: Host, ctx: CollectContext) -> Collection:
    raise RuntimeError("boom")


async def refuses(host: Host, ctx: CollectContext) -> Collection:
    raise Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.refused", where=f"{host.address}:22"),
                      msg("ssh.tcp.refused.fix"),
                      f"connect {host.address}:22: [Errno 111] Connection refused")


def scan(collectors: dict[str, Any], hosts: Sequence[Host], options: EngineOptions | None = None,
         on_event: Callable[[Event], None] | None = None, engine: ScanEngine | None = None,
         **kw: Any) -> tuple[ScanResult, list[Event]]:
    events: list[Event] = []

    def sink(ev: Event) -> None:
        events.append(ev)
        if on_event is not None:
            on_event(ev)

    eng = engine or ScanEngine(collectors, options, **kw)
    result = asyncio.run(eng.run(hosts, sink, customer="ACME"))
    return result, events


def by_name(result: ScanResult) -> dict[str, HostResult]:
    return {h.name: h for h in result.hosts}


# --- roll-up -------------------------------------------------------------------------------

@pytest.mark.parametrize(("states", "expected", "unknowns"), [
    ([State.OK], State.OK, 0),
    ([State.OK, State.WARN], State.WARN, 0),
    ([State.WARN, State.UNKNOWN], State.UNKNOWN, 1),
    ([State.UNKNOWN, State.WARN, State.OK], State.UNKNOWN, 1),
    ([State.UNKNOWN, State.CRIT], State.CRIT, 1),
    ([State.CRIT, State.WARN, State.UNKNOWN, State.UNKNOWN], State.CRIT, 2),
    ([], State.UNKNOWN, 0),  # reachable but no evidence at all: never OK
])
def test_rollup_order_ok_warn_unknown_crit(states: list[State], expected: State, unknowns: int) -> None:
    checks = tuple(ok(f"c{i}", s) for i, s in enumerate(states))
    h = HostResult("h", "linux", "192.0.2.1", Reachability.REACHABLE, checks)
    assert h.state is expected
    assert h.unknown_count == unknowns


@pytest.mark.parametrize("reach", [r for r in Reachability if r is not Reachability.REACHABLE])
def test_unreachable_host_is_never_ok(reach: Reachability) -> None:
    h = HostResult("h", "linux", "192.0.2.1", reach, (ok(),))
    assert h.state is not State.OK
    assert h.state is reach.host_state


def test_scan_state_is_worst_host() -> None:
    hosts = (HostResult("a", "linux", "x", Reachability.REACHABLE, (ok("a", State.WARN),)),
             HostResult("b", "linux", "y", Reachability.TIMEOUT, ()))
    s = ScanResult(T0, T0, hosts)
    assert s.state is State.UNKNOWN
    counts = s.counts()
    # the old keys keep their meaning (by host state; unreachable counted in its state too)
    assert {k: counts[k] for k in ("OK", "WARN", "CRIT", "UNKNOWN", "unreachable")} == \
        {"OK": 0, "WARN": 1, "CRIT": 0, "UNKNOWN": 1, "unreachable": 1}
    # the partition adds up to the number of hosts, each host once
    assert counts["hosts"] == {"total": 2, "crit": 0, "warn": 1, "unknown": 0, "ok": 0,
                               "unreachable": 1, "not_checked": 0}
    assert ScanResult(T0, T0, ()).state is State.UNKNOWN  # nothing scanned is no evidence


# --- normal scans and events ----------------------------------------------------------------

def test_results_keep_inventory_order_and_checks() -> None:
    col = Behaviours({"a": returns(ok("x"), delay=0.05), "b": returns(ok("y", State.CRIT))})
    result, _ = scan({"test": col}, [host("a"), host("b")])
    assert [h.name for h in result.hosts] == ["a", "b"]
    a, b = result.hosts
    assert a.reachability is Reachability.REACHABLE and a.state is State.OK
    assert a.facts == {"os": "TestOS"}
    assert [c.id for c in b.checks] == ["y"] and b.state is State.CRIT
    assert result.customer == "ACME" and not result.cancelled
    assert result.state is State.CRIT


def test_event_order_serial() -> None:
    col = Behaviours({"a": returns(ok("x"), ok("y")), "b": returns(ok("z"))})
    result, events = scan({"test": col}, [host("a"), host("b")], EngineOptions(concurrency=1))
    kinds = [(type(e).__name__, getattr(e, "host", None) and e.host.name) for e in events]  # type: ignore[union-attr]
    assert kinds == [
        ("ScanStarted", None),
        ("HostStarted", "a"), ("CheckFinished", "a"), ("CheckFinished", "a"), ("HostFinished", None),
        ("HostStarted", "b"), ("CheckFinished", "b"), ("HostFinished", None),
        ("ScanFinished", None),
    ]
    assert isinstance(events[-1], ScanFinished) and events[-1].result is result


def test_event_order_concurrent_per_host() -> None:
    names = [f"h{i}" for i in range(8)]
    col = Behaviours({n: returns(ok("x"), ok("y"), delay=0.01 * (i % 3)) for i, n in enumerate(names)})
    col.behaviours["h3"] = refuses
    col.behaviours["h5"] = raises
    result, events = scan({"test": col}, [host(n) for n in names], EngineOptions(concurrency=4))
    assert isinstance(events[0], ScanStarted) and isinstance(events[-1], ScanFinished)
    for name in names:
        mine = [e for e in events if _host_of(e) == name]
        assert isinstance(mine[0], HostStarted)
        assert isinstance(mine[-1], HostFinished)
        assert sum(isinstance(e, HostFinished) for e in mine) == 1
        checks = [e.check for e in mine if isinstance(e, CheckFinished)]
        assert tuple(checks) == by_name(result)[name].checks  # every check announced, in order


def _host_of(ev: Event) -> str | None:
    if isinstance(ev, HostStarted | CheckFinished):
        return ev.host.name
    if isinstance(ev, HostFinished):
        return ev.result.name
    return None


def test_a_big_scan_keeps_only_concurrency_tasks_and_starts_hosts_in_order() -> None:
    """One task per host made 10,000 tasks at once, all stepped in one turn of the loop
    (the dashboard's UI loop); now `concurrency` workers take the hosts in order."""
    names = [f"h{i:03d}" for i in range(300)]
    tasks_seen: list[int] = []

    async def counts_tasks(host: Host, ctx: CollectContext) -> Collection:
        tasks_seen.append(len(asyncio.all_tasks()))
        return Collection([ok()], {})

    col = Behaviours(dict.fromkeys(names, counts_tasks))
    result, events = scan({"test": col}, [host(n) for n in names], EngineOptions(concurrency=4))
    assert len(result.hosts) == 300 and all(h.state is State.OK for h in result.hosts)
    # per worker its host's collector task; plus the scan, its gather and its cancel waiter
    assert max(tasks_seen) <= 2 * 4 + 3
    started = [e.host.name for e in events if isinstance(e, HostStarted)]
    assert started == names


def test_concurrency_is_bounded() -> None:
    names = [f"h{i}" for i in range(7)]
    col = Behaviours({n: returns(ok(), delay=0.02) for n in names})
    result, _ = scan({"test": col}, [host(n) for n in names], EngineOptions(concurrency=2))
    assert col.max_running == 2
    assert all(h.state is State.OK for h in result.hosts)


# --- failures reported, never crashing or OK -----------------------------------------------

def test_collector_exception_is_reported_and_others_finish() -> None:
    col = Behaviours({"bad": raises, "good": returns(ok())})
    result, _ = scan({"test": col}, [host("bad"), host("good")])
    bad, good = result.hosts
    assert good.state is State.OK
    assert bad.reachability is Reachability.NOT_CHECKED and bad.state is State.UNKNOWN
    (check,) = bad.checks
    assert check.id == REACHABILITY_CHECK
    assert check.reason == "collector failed: RuntimeError: boom"
    assert check.evidence and check.fix


def test_unreachable_is_crit_with_evidence() -> None:
    col = Behaviours({"down": refuses})
    result, _ = scan({"test": col}, [host("down")])
    (down,) = result.hosts
    assert down.reachability is Reachability.UNREACHABLE and down.state is State.CRIT
    (check,) = down.checks
    assert check.summary == "unreachable: connection refused by down.example:22 (no SSH server listening)"
    assert check.fix == "check that sshd runs on the host and the port is right"
    assert "Connection refused" in check.evidence[0].raw
    # the same finding as codes: the reason's own code is the summary's `why`
    assert (check.code, check.fix_code) == ("host.reachability", "ssh.tcp.refused.fix")
    assert check.params["reach"] == "reach.unreachable" and check.params["why"] == "ssh.tcp.refused"


def test_no_collector_for_kind_is_not_checked_with_reason() -> None:
    col = Behaviours({"pc": returns(ok())})
    hosts = [host("pc"), host("lp", kind="printer"), host("srv", kind="linux")]
    result, _ = scan({"test": col}, hosts,
                     unavailable={"linux": msg("engine.unloadable", error="No module named 'paramiko'")})
    pc, lp, srv = result.hosts
    assert pc.state is State.OK
    for h in (lp, srv):
        assert h.reachability is Reachability.NOT_CHECKED and h.state is State.UNKNOWN
    assert lp.checks[0].reason == "this version of fleetcheck has no collector for kind 'printer'"
    assert srv.checks[0].reason == ("the collector could not load: No module named 'paramiko' "
                                    "(reinstall fleetcheck with its dependencies)")


def test_crash_windows_reach_collector_and_their_failure_is_harmless() -> None:
    prev = CrashWindows({"oom.kills": T0})
    col = Behaviours({"a": returns(ok()), "b": returns(ok())})

    def windows(h: Host) -> CrashWindows | None:
        if h.name == "b":
            raise OSError("history unreadable")
        return prev

    result, _ = scan({"test": col}, [host("a"), host("b")], windows=windows)
    assert col.contexts["a"].windows is prev
    assert col.contexts["b"].windows is None
    assert all(h.state is State.OK for h in result.hosts)


# --- deadlines -------------------------------------------------------------------------------

def test_hanging_collectors_are_cut_off_at_the_host_deadline() -> None:
    release = threading.Event()
    col = Behaviours({
        "fast": returns(ok()),
        "async-hang": hangs_async,
        "thread-hang": blocks_in_thread(release),
        "stubborn": ignores_first_cancel,
        "slow-ok": returns(ok(), delay=0.05),
    })
    hosts = [host(n) for n in col.behaviours]
    try:
        result, _ = scan({"test": col}, hosts, EngineOptions(host_timeout=1.0))
    finally:
        release.set()
    got = by_name(result)
    assert got["fast"].state is State.OK and got["slow-ok"].state is State.OK
    for name in ("async-hang", "thread-hang", "stubborn"):
        h = got[name]
        assert h.reachability is Reachability.TIMEOUT, name
        assert h.state is State.UNKNOWN
        assert h.checks[0].reason == "timed out after 1 s"
        assert col.contexts[name].cancel_event.is_set()  # blocking work is told to stop
    assert not result.cancelled


def test_inventory_host_timeout_wins_over_default() -> None:
    col = Behaviours({"a": hangs_async})
    result, _ = scan({"test": col}, [host("a", timeout=0.2)], EngineOptions(host_timeout=30))
    assert result.hosts[0].checks[0].reason == "timed out after 0.2 s"


def test_whole_scan_deadline_holds() -> None:
    release = threading.Event()
    col = Behaviours({"fast": returns(ok()), "hang": blocks_in_thread(release),
                      "queued": returns(ok())})
    hosts = [host("fast"), host("hang"), host("queued")]
    try:
        result, events = scan({"test": col}, hosts,
                              EngineOptions(concurrency=1, host_timeout=30, scan_timeout=1.0))
    finally:
        release.set()
    got = by_name(result)
    assert got["fast"].state is State.OK
    for name in ("hang", "queued"):
        assert got[name].reachability is Reachability.NOT_CHECKED
        assert got[name].checks[0].reason == "scan deadline of 1 s reached before this host finished"
    assert result.cancelled
    # 'queued' never started: it gets its HostFinished but no HostStarted
    assert not any(isinstance(e, HostStarted) and e.host.name == "queued" for e in events)
    assert sum(isinstance(e, HostFinished) and e.result.name == "queued" for e in events) == 1


# --- cancellation ----------------------------------------------------------------------------

def test_cancel_keeps_finished_results_and_returns() -> None:
    release = threading.Event()
    col = Behaviours({"a": returns(ok()), "b": returns(ok("x", State.WARN)),
                      "hang": hangs_async, "blocked": blocks_in_thread(release), "later": returns(ok())})
    engine = ScanEngine({"test": col}, EngineOptions(concurrency=4, host_timeout=60))
    finished: set[str] = set()

    def on_event(ev: Event) -> None:
        if isinstance(ev, HostFinished):
            finished.add(ev.result.name)
            if {"a", "b"} <= finished:
                engine.cancel()  # like the SIGINT handler: called on the loop thread

    try:
        result, events = scan({}, [host(n) for n in col.behaviours], engine=engine, on_event=on_event)
    finally:
        release.set()
    got = by_name(result)
    assert got["a"].state is State.OK and got["b"].state is State.WARN
    for name in ("hang", "blocked", "later"):
        assert got[name].reachability is Reachability.NOT_CHECKED
        assert got[name].checks[0].reason == "scan cancelled before this host finished"
    assert result.cancelled and result.state is State.UNKNOWN  # a cancelled scan is never OK
    assert col.contexts["blocked"].cancel_event.is_set()
    assert isinstance(events[-1], ScanFinished)
    assert sum(isinstance(e, HostFinished) for e in events) == 5


def test_cancel_from_another_thread() -> None:
    col = Behaviours({"hang": hangs_async})
    engine = ScanEngine({"test": col}, EngineOptions(host_timeout=60))

    def on_event(ev: Event) -> None:
        if isinstance(ev, HostStarted):
            threading.Thread(target=engine.cancel).start()

    result, _ = scan({}, [host("hang")], engine=engine, on_event=on_event)
    assert result.cancelled
    assert result.hosts[0].checks[0].reason == "scan cancelled before this host finished"


def test_cancel_before_run_applies_once_then_engine_is_reusable() -> None:
    col = Behaviours({"a": returns(ok())})
    engine = ScanEngine({"test": col})
    engine.cancel()
    first, _ = scan({}, [host("a")], engine=engine)
    assert first.hosts[0].reachability is Reachability.NOT_CHECKED
    second, _ = scan({}, [host("a")], engine=engine)
    assert second.hosts[0].state is State.OK and not second.cancelled
