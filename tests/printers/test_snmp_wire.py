"""The v1/v2c exchange (core/snmp/wire.py) against an agent that misbehaves on purpose.

snmpsim answers correctly; a real network also delivers late answers, packets from other
hosts, and printers with broken firmware. Each test says what must count as an answer.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.core.snmp.client import Engines, SnmpSession, SnmpTarget
from fleetcheck.core.snmp.values import MISSING, SnmpError, SnmpTimeout
from fleetcheck.core.snmp.wire import AGENT_IN_FLIGHT, READ_BATCH, Stats

from .conftest import scan
from .hostile import HostileAgent, Request, Send

DESCR = "1.3.6.1.2.1.1.1.0"
TABLE = "1.3.6.1.2.1.43.11.1.1"
OTHER = "1.3.6.1.2.1.43.8.2.1"


@pytest.fixture
def agent() -> Iterator[Callable[[Callable[[Request], list[Send]]], HostileAgent]]:
    started: list[HostileAgent] = []

    def make(behave: Callable[[Request], list[Send]]) -> HostileAgent:
        started.append(HostileAgent(behave).start())
        return started[-1]

    yield make
    for a in started:
        a.stop()


def run(port: int, work: Callable[[SnmpSession], Any], version: str = "2c", retries: int = 0,
        timeout: float = 0.3) -> tuple[Any, Stats]:
    """Run `work(session)` on a fresh loop; the result (or the SnmpError raised) and what the
    endpoint counted."""
    engines = Engines()
    stats = engines.wire.stats

    async def go() -> Any:
        session = SnmpSession(engines, SnmpTarget("127.0.0.1", port, version, "public", timeout=timeout,
                                                  retries=retries))
        try:
            return await work(session)
        except SnmpError as exc:
            return exc
        finally:
            engines.close()

    return asyncio.run(go()), stats


def answer(req: Request, value: object = b"right") -> Send:
    return Send(rows=[(req.oids[0], value)])


def test_answer_with_another_request_id_is_dropped(agent: Any) -> None:
    a = agent(lambda req: [Send(rows=[(DESCR, b"WRONG")], request_id=req.request_id + 7), answer(req)])
    got, stats = run(a.port, lambda s: s.get(DESCR))
    assert got == {DESCR: b"right"}
    assert stats.late == 1 and stats.answers == 1


def test_answer_from_another_port_is_ignored(agent: Any) -> None:
    a = agent(lambda req: [Send(rows=[(DESCR, b"spoofed")], from_other_port=True)])
    got, stats = run(a.port, lambda s: s.get(DESCR))
    assert isinstance(got, SnmpTimeout)  # the only "answer" came from a port we never asked
    assert stats.foreign == 1
    b = agent(lambda req: [Send(rows=[(DESCR, b"spoofed")], from_other_port=True), answer(req)])
    got, stats = run(b.port, lambda s: s.get(DESCR))
    assert got == {DESCR: b"right"} and stats.foreign == 1


def test_late_answer_to_a_timed_out_request_is_discarded(agent: Any) -> None:
    held: list[Request] = []

    def behave(req: Request) -> list[Send]:
        if not held:  # say nothing to the first request, answer it late, during the second
            held.append(req)
            return []
        late = Send(rows=[(held[0].oids[0], b"late")], request_id=held[0].request_id)
        return [late, answer(req)]

    a = agent(behave)

    async def two(s: SnmpSession) -> Any:
        with pytest.raises(SnmpTimeout):
            await s.get(DESCR)
        return await s.get(DESCR)

    got, stats = run(a.port, two)
    assert got == {DESCR: b"right"} and stats.late == 1
    assert held[0].request_id != a.seen[-1].request_id  # a request id is never reused


def test_a_retry_is_answered(agent: Any) -> None:
    a = agent(lambda req: [answer(req)] if len(a.seen) > 1 else [])
    got, stats = run(a.port, lambda s: s.get(DESCR), retries=1)
    assert got == {DESCR: b"right"} and stats.sent == 2
    assert len(a.seen) == 2 and a.seen[0].request_id == a.seen[1].request_id


@pytest.mark.parametrize("raw", [
    b"\x30\x82\xff\xffnot snmp at all",  # length far beyond the datagram
    b"GET / HTTP/1.0\r\n\r\n",
    b"\x30" + b"\xff" * 65000,  # oversized junk
])
def test_garbled_answer_is_an_error_with_the_reason_not_silence(agent: Any, raw: bytes) -> None:
    a = agent(lambda req: [Send(raw=raw)])
    got, _ = run(a.port, lambda s: s.get(DESCR))
    assert isinstance(got, SnmpError) and not isinstance(got, SnmpTimeout)
    assert "not an SNMP message" in str(got) and f"port {a.port}" in str(got)


def test_truncated_answer_then_a_good_one_counts(agent: Any) -> None:
    def behave(req: Request) -> list[Send]:
        good = HostileAgent._encode(req, answer(req))
        return [Send(raw=good[:-5]), Send(raw=good)]

    got, stats = run(agent(behave).port, lambda s: s.get(DESCR))
    assert got == {DESCR: b"right"} and stats.garbled == 1


def _table_agent(backwards_at: int, table_rows: int = 0) -> Callable[[Request], list[Send]]:
    """TABLE's rows go 1, 2, 3, ...; after `backwards_at` they start again at 1 (a loop), or
    after `table_rows` the agent goes on past the table; OTHER has two rows and then the
    agent goes on past it. A GETBULK answer repeats `max_repetitions` times."""
    def step(oid: str) -> tuple[str, int]:
        tail = oid.rsplit(".", 1)[1]
        if oid.startswith(TABLE):
            n = int(tail) if oid != TABLE else 0
            if table_rows and n >= table_rows:
                return "1.3.6.1.2.1.43.11.1.2.1", n
            return f"{TABLE}.9.1.{n + 1 if n < backwards_at else 1}", n
        n = int(tail) if oid != OTHER else 0
        return (f"{OTHER}.10.1.{n + 1}" if n < 2 else "1.3.6.1.2.1.43.9.1.1"), 5

    def behave(req: Request) -> list[Send]:
        rows: list[tuple[str, Any]] = []
        cursor = list(req.oids)
        for _rep in range(1 if req.kind == "next" else req.max_repetitions):  # GETBULK: a step each
            cursor = [step(o)[0] for o in cursor]
            rows += [(o, step(o)[1]) for o in cursor]
        return [Send(rows=rows)]
    return behave


@pytest.mark.parametrize("version", ["1", "2c"])
def test_walk_that_goes_backwards_is_stopped_and_says_so(agent: Any, version: str) -> None:
    a = agent(_table_agent(backwards_at=3))
    got, _ = run(a.port, lambda s: s.walk_many(TABLE, OTHER), version=version)
    assert isinstance(got[TABLE], SnmpError)
    assert "OIDs must increase" in str(got[TABLE])
    assert isinstance(got[OTHER], list) and [o for o, _v in got[OTHER]] == [f"{OTHER}.10.1.1",
                                                                            f"{OTHER}.10.1.2"]
    assert len(a.seen) < 10  # stopped, not spun until a limit


def test_answers_already_received_beat_timers_that_fire_late(agent: Any) -> None:
    """The loop was busy (here: blocked) past every request's timeout while the answers arrived.
    The reader takes a few datagrams per turn; the due timers must drain the rest first."""
    a = agent(lambda req: [answer(req, req.request_id)])
    n = 3 * READ_BATCH

    async def burst(s: SnmpSession) -> Any:
        tasks = [asyncio.ensure_future(s.get(DESCR)) for _ in range(n)]
        while s.requests < n:  # every request sent (no resolver for an address)
            await asyncio.sleep(0)
        time.sleep(1.0)  # longer than the timeout: every timer is due when the loop runs again
        return await asyncio.gather(*tasks, return_exceptions=True)

    got, stats = run(a.port, burst, timeout=0.2)
    assert not [g for g in got if isinstance(g, BaseException)]
    assert stats.answers == n and stats.sent == n  # answered, and not one retry sent


def test_one_agent_gets_a_few_requests_at_a_time() -> None:
    """An agent holds what it receives until nothing new comes for 0.2 s, then answers all:
    however many printers sit behind its address, it never holds more than AGENT_IN_FLIGHT."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    held: list[tuple[Request, tuple[str, int]]] = []
    batches: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(65535)
                held.append((HostileAgent._decode(data, addr), addr))
                continue
            except OSError:
                pass
            if held:
                batches.append(len(held))
                for req, addr in held:
                    sock.sendto(HostileAgent._encode(req, answer(req)), addr)
                held.clear()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    n = 3 * AGENT_IN_FLIGHT

    async def many(s: SnmpSession) -> Any:
        return await asyncio.gather(*(s.get(DESCR) for _ in range(n)), return_exceptions=True)

    try:
        got, stats = run(int(sock.getsockname()[1]), many, timeout=5.0)
    finally:
        stop.set()
        thread.join(5)
        sock.close()
    assert got == [{DESCR: b"right"}] * n and stats.sent == n
    assert batches and max(batches) <= AGENT_IN_FLIGHT


def test_a_request_cut_by_the_host_deadline_leaves_nothing_pending(agent: Any) -> None:
    a = agent(lambda req: [])
    left: list[int] = []

    async def cut(s: SnmpSession) -> Any:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(s.get(DESCR), 0.05)
        left.append(s.engine.wire.in_flight)
        return None

    run(a.port, cut, timeout=5.0)
    assert left == [0]


def test_getbulk_asks_fewer_rows_when_the_agent_says_toobig(agent: Any) -> None:
    table = _table_agent(backwards_at=10**6, table_rows=30)

    def behave(req: Request) -> list[Send]:
        if req.kind == "bulk" and req.max_repetitions * len(req.oids) > 3:
            return [Send(rows=[], error_status=1)]  # tooBig
        return table(req)

    a = agent(behave)
    got, _ = run(a.port, lambda s: s.walk_many(TABLE, OTHER))
    assert [o for o, _v in got[TABLE]] == [f"{TABLE}.9.1.{n}" for n in range(1, 31)]
    assert len(got[OTHER]) == 2
    assert max(r.max_repetitions * len(r.oids) for r in a.seen if r.kind == "bulk") > 3  # it did shrink


def test_v2c_exceptions_are_missing_values(agent: Any) -> None:
    from pysnmp.proto.rfc1905 import noSuchObject
    a = agent(lambda req: [Send(rows=[(req.oids[0], noSuchObject)])])
    got, _ = run(a.port, lambda s: s.get(DESCR))
    assert got == {DESCR: MISSING}


def test_garbled_printer_is_unreachable_with_the_reason(agent: Any, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    a = agent(lambda req: [Send(raw=b"\x30\x03\x02\x01")])
    hosts = (f"  - {{name: odd, kind: printer, address: 127.0.0.1, snmp: {{port: {a.port}, timeout: 0.3, "
             f"retries: 0}}}}\n")
    host = scan(tmp_path, capsys, hosts)["by_name"]["odd"]
    # it answered, so it is on: not "switched off", and the reason names what came back
    assert host["reachability"] == "unreachable"
    assert "not an SNMP message" in host["checks"][0]["summary"]
