"""SNMP v1/v2c requests over one shared UDP socket, on pysnmp's message layer.

Messages are built and parsed with `pysnmp.proto.api` (BER by pyasn1); only the exchange
is ours: request ids, retries, timeouts, and which datagrams count as answers. Why not
pysnmp's hlapi for v1/v2c (profiled with bench/scan_printers.py, 200 printers, see
bench/README.md): given ObjectType var-binds, hlapi resolves every OID of every answer
through the MIB view whatever `lookupMib` says (58 % of the scan's CPU), and its
dispatcher reads one datagram per event-loop turn while timers are due, so under load
answers already received were declared timed out.

Rules kept here:
- an answer counts only if its request id is pending **and** it comes from the address
  the request went to; anything else (late answers to a request that timed out or was
  cancelled, another host's packets, traps) is counted and dropped;
- request ids are never reused within an Endpoint's life, so a late answer cannot match
  a newer request;
- a datagram that is not an SNMP message is noted against every request pending to its
  sender: if no good answer follows, the request fails with that reason (the host is on,
  so not "no answer");
- before a timer declares a request lost, the socket is drained: an answer that is already
  in the kernel buffer beats a timer that fired late because the loop was busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api
from pysnmp.proto.error import ProtocolError

from fleetcheck.core.snmp.values import SnmpError, SnmpValue, plain

MAX_DATAGRAM = 65535
RCVBUF = 1 << 20  # hundreds of printers answering at once must not overflow the kernel buffer
# requests in flight to one agent (address and port): an agent answers in turn, so more only
# queue in its socket, where our timeout clock already runs; waiting here does not count
# against the printer. One address serving many printers (a print server, snmpsim in
# bench/scan_printers.py) otherwise turned live printers into timeouts under load.
AGENT_IN_FLIGHT = 8
READ_BATCH = 4  # datagrams decoded per loop turn: 1-5 ms of CPU each (pyasn1); SSH hosts share the loop
Address = tuple[str, int]
Row = tuple[tuple[int, ...], SnmpValue]


class NoAnswer(Exception):
    """No usable answer within timeout × tries; `garbled` says what did arrive, if anything."""

    def __init__(self, garbled: str | None) -> None:
        super().__init__(garbled or "no answer")
        self.garbled = garbled


@dataclass(frozen=True, slots=True)
class Response:
    status: int  # 0 = noError
    status_name: str  # "tooBig", "noSuchName", ... (the number when the agent sends an unknown one)
    index: int
    rows: list[Row]


@dataclass(slots=True, eq=False)
class _Pending:
    future: asyncio.Future[Response]
    addr: Address
    version: int
    packet: bytes
    sock: socket.socket
    timeout: float
    tries_left: int
    timer: asyncio.TimerHandle | None = None
    garbled: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stats:
    sent: int = 0  # datagrams, retries included
    answers: int = 0
    late: int = 0  # request id not pending (timed out, cancelled) or not ours
    foreign: int = 0  # request id pending, but from another address or port
    garbled: int = 0  # not an SNMP message, or not the version asked for


class Endpoint:
    """One UDP socket per address family for every v1/v2c request of a scan."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._socks: dict[int, socket.socket] = {}
        self._pending: dict[int, _Pending] = {}
        self._agents: dict[Address, asyncio.Semaphore] = {}
        self._next_id = random.randrange(1, 1 << 30)
        self.stats = Stats()

    def _sock(self, family: int) -> socket.socket:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new scan on a new loop: start afresh
            self.close()
            self._loop = loop
        sock = self._socks.get(family)
        if sock is None:
            sock = socket.socket(family, socket.SOCK_DGRAM)
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
            sock.bind(("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0))
            loop.add_reader(sock.fileno(), self._drain, sock, READ_BATCH)
            self._socks[family] = sock
        return sock

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def _request_id(self) -> int:
        while True:
            rid = self._next_id
            self._next_id = rid + 1 if rid < (1 << 31) - 1 else 1
            if rid not in self._pending:
                return rid

    async def request(self, addr: Address, family: int, version: int, community: str, kind: str,
                      oids: Sequence[str], timeout: float, retries: int,
                      max_repetitions: int = 0) -> Response:
        """One GET / GETNEXT / GETBULK ("get", "next", "bulk") and its answer.

        Raises NoAnswer after timeout × (retries + 1), SnmpError when it cannot be sent."""
        sock = self._sock(family)
        agent = self._agents.get(addr)
        if agent is None:
            agent = self._agents[addr] = asyncio.Semaphore(AGENT_IN_FLIGHT)
        async with agent:
            return await self._request(sock, addr, version, community, kind, oids, timeout, retries,
                                       max_repetitions)

    async def _request(self, sock: socket.socket, addr: Address, version: int, community: str, kind: str,
                       oids: Sequence[str], timeout: float, retries: int, max_repetitions: int) -> Response:
        mod = api.PROTOCOL_MODULES[version]
        rid = self._request_id()
        packet = _encode(mod, rid, community, kind, oids, max_repetitions)
        loop = asyncio.get_running_loop()
        p = _Pending(loop.create_future(), addr, version, packet, sock, timeout, retries)
        self._pending[rid] = p
        try:
            self._send(p)
            p.timer = loop.call_later(timeout, self._expire, rid)
            return await p.future
        finally:
            if self._pending.get(rid) is p:  # cancelled (host deadline) or failed to send
                del self._pending[rid]
            if p.timer is not None:
                p.timer.cancel()

    def _send(self, p: _Pending) -> None:
        self.stats.sent += 1
        try:
            p.sock.sendto(p.packet, p.addr)
        except BlockingIOError:
            pass  # a full send buffer loses this try like the network would; the timer resends
        except OSError as exc:
            raise SnmpError(f"cannot send to {p.addr[0]} port {p.addr[1]}: {exc.strerror or exc}") from exc

    def _expire(self, rid: int) -> None:
        p = self._pending.get(rid)
        if p is None:
            return
        self._drain(p.sock)
        if self._pending.get(rid) is not p or p.future.done():
            return
        if p.tries_left > 0:
            p.tries_left -= 1
            try:
                self._send(p)
            except SnmpError as exc:
                p.garbled.append(str(exc))
            assert self._loop is not None
            p.timer = self._loop.call_later(p.timeout, self._expire, rid)
            return
        del self._pending[rid]
        p.future.set_exception(NoAnswer("; ".join(dict.fromkeys(p.garbled)) or None))

    def _drain(self, sock: socket.socket, limit: int = 0) -> None:
        """Read the datagrams waiting: at most `limit` (0: all), so decoding a burst of answers
        never holds the loop for long (the socket stays readable; the rest come next turn).
        asyncio's own datagram transport reads one per turn, which lost answers to due timers."""
        n = 0
        while not limit or n < limit:
            n += 1
            try:
                data, addr = sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # e.g. an ICMP error queued on the socket; the request's timer decides
            self._handle(data, (addr[0], addr[1]))

    def _handle(self, data: bytes, addr: Address) -> None:
        try:
            version = int(api.decodeMessageVersion(data))
            mod = api.PROTOCOL_MODULES[version]
            msg, _rest = decoder.decode(data, asn1Spec=mod.Message())
            pdu = mod.apiMessage.get_pdu(msg)
            rid = int(mod.apiPDU.get_request_id(pdu))
        except (PyAsn1Error, ProtocolError, KeyError, ValueError, TypeError) as exc:
            self._garbled(addr, f"{len(data)} bytes that are not an SNMP message ({_short(exc)})")
            return
        p = self._pending.get(rid)
        if p is None or not isinstance(pdu, mod.GetResponsePDU):
            self.stats.late += 1
            return
        if p.addr != addr:
            self.stats.foreign += 1
            return
        if p.version != version:
            self._garbled(addr, f"an answer in SNMP {_version_name(version)} to a "
                                f"{_version_name(p.version)} request")
            return
        try:
            status = pdu[1]
            rows = [(tuple(oid), plain(value)) for oid, value in mod.apiPDU.get_varbinds(pdu)]
            response = Response(int(status), status.prettyPrint(), int(pdu[2]), rows)
        except (PyAsn1Error, ValueError, TypeError) as exc:
            self._garbled(addr, f"an answer whose variable bindings cannot be read ({_short(exc)})")
            return
        self.stats.answers += 1
        del self._pending[rid]
        if not p.future.done():
            p.future.set_result(response)

    def _garbled(self, addr: Address, what: str) -> None:
        self.stats.garbled += 1
        for p in self._pending.values():
            if p.addr == addr and len(p.garbled) < 3:
                p.garbled.append(f"{addr[0]} port {addr[1]} answered with {what}")

    def close(self) -> None:
        for sock in self._socks.values():
            if self._loop is not None and not self._loop.is_closed():
                self._loop.remove_reader(sock.fileno())
            sock.close()
        self._socks.clear()
        for p in self._pending.values():
            if p.timer is not None:
                p.timer.cancel()
            if not p.future.done() and not p.future.get_loop().is_closed():
                p.future.set_exception(SnmpError("SNMP endpoint closed"))
        self._pending.clear()
        self._agents.clear()
        self._loop = None


def _encode(mod: Any, rid: int, community: str, kind: str, oids: Sequence[str], reps: int) -> bytes:
    if kind == "get":
        pdu = mod.GetRequestPDU()
    elif kind == "next":
        pdu = mod.GetNextRequestPDU()
    else:
        pdu = mod.GetBulkRequestPDU()
    api_pdu = mod.apiBulkPDU if kind == "bulk" else mod.apiPDU
    api_pdu.set_defaults(pdu)
    api_pdu.set_request_id(pdu, rid)
    if kind == "bulk":
        api_pdu.set_non_repeaters(pdu, 0)
        api_pdu.set_max_repetitions(pdu, reps)
    api_pdu.set_varbinds(pdu, [(oid, mod.null) for oid in oids])
    msg = mod.Message()
    mod.apiMessage.set_defaults(msg)
    mod.apiMessage.set_community(msg, community)
    mod.apiMessage.set_pdu(msg, pdu)
    return bytes(encoder.encode(msg))


def _version_name(version: int) -> str:
    return {0: "v1", 1: "v2c"}.get(version, f"version {version}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__
