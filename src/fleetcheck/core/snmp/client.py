"""A small asyncio SNMP client: GET and subtree walks for v1, v2c and v3.

- v1 walks with GETNEXT, v2c/v3 with GETBULK (v1 has no GETBULK); every unfinished
  subtree of a walk travels in the same PDU (a printer's ten tables in two or three
  exchanges instead of ten walks: on a busy machine the PDU count is the cost, both sides);
- v1/v2c go over one shared UDP socket (`wire.Endpoint`, pysnmp's message layer); v3
  needs USM and stays on pysnmp's v3arch engine (`lookupMib=False`, numeric OIDs);
- walks stay inside their subtree, stop where the agent's OIDs stop increasing (a broken
  agent would loop forever) and after MAX_ROWS rows;
- values come back as plain Python (`values.plain`): int, bytes, dotted str or MISSING
  (noSuchObject / noSuchInstance / endOfMibView are values in SNMP, not errors);
- silence raises SnmpTimeout: a dead host, a wrong community and a closed port look the
  same (no answer), so the message says all three.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import (
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
    next_cmd,
    usm3DESEDEPrivProtocol,
    usmAesCfb128Protocol,
    usmAesCfb192Protocol,
    usmAesCfb256Protocol,
    usmDESPrivProtocol,
    usmHMAC128SHA224AuthProtocol,
    usmHMAC192SHA256AuthProtocol,
    usmHMAC256SHA384AuthProtocol,
    usmHMAC384SHA512AuthProtocol,
    usmHMACMD5AuthProtocol,
    usmHMACSHAAuthProtocol,
    usmNoAuthProtocol,
    usmNoPrivProtocol,
)

from fleetcheck.core.snmp.values import MISSING, SnmpError, SnmpTimeout, SnmpValue, plain
from fleetcheck.core.snmp.wire import Endpoint, NoAnswer, Response, Row

__all__ = ["MISSING", "SnmpError", "SnmpSession", "SnmpTarget", "SnmpTimeout", "SnmpV3", "SnmpValue"]

MAX_ROWS = 5000  # per subtree: no printer table is near this; a hostile agent could go on forever
# var-binds asked per GETBULK, shared by its subtrees: every repetition past a table's end is
# computed by the agent and decoded here for nothing, and most printer tables are short (the
# first round, ten subtrees, asks 4 rows of each; the long tables left get more per round).
# 48 also keeps answers near one Ethernet frame (snmpsim cuts at ~60); measured on 200
# printers: 15-25 % less client CPU than 25 repetitions for every subtree.
BULK_VARBINDS = 48
AUTH_PROTOCOLS: dict[str, Any] = {
    "none": usmNoAuthProtocol, "md5": usmHMACMD5AuthProtocol, "sha": usmHMACSHAAuthProtocol,
    "sha224": usmHMAC128SHA224AuthProtocol, "sha256": usmHMAC192SHA256AuthProtocol,
    "sha384": usmHMAC256SHA384AuthProtocol, "sha512": usmHMAC384SHA512AuthProtocol,
}
PRIV_PROTOCOLS: dict[str, Any] = {
    "none": usmNoPrivProtocol, "des": usmDESPrivProtocol, "3des": usm3DESEDEPrivProtocol,
    "aes": usmAesCfb128Protocol, "aes128": usmAesCfb128Protocol, "aes192": usmAesCfb192Protocol,
    "aes256": usmAesCfb256Protocol,
}


@dataclass(frozen=True, slots=True)
class SnmpV3:
    """SNMPv3 USM credentials, already resolved (the inventory holds references only)."""

    user: str
    auth_protocol: str = "none"  # a key of AUTH_PROTOCOLS
    auth_key: str | None = field(default=None, repr=False)
    priv_protocol: str = "none"  # a key of PRIV_PROTOCOLS
    priv_key: str | None = field(default=None, repr=False)
    context: str = ""


@dataclass(frozen=True, slots=True)
class SnmpTarget:
    host: str
    port: int = 161
    version: str = "2c"  # "1", "2c" or "3"
    community: str = field(default="public", repr=False)
    v3: SnmpV3 | None = None
    timeout: float = 1.0
    retries: int = 1
    max_repetitions: int = 25

    def describe(self) -> str:
        """For evidence: never the community or a key."""
        who = f" user {self.v3.user}" if self.v3 is not None else ""
        return f"snmp v{self.version}{who} udp:{self.host}:{self.port}"




Walked = dict[str, list[tuple[str, SnmpValue]] | SnmpError]


def _oid(dotted: str) -> tuple[int, ...]:
    return tuple(int(x) for x in dotted.strip(".").split("."))


def _dotted(oid: tuple[int, ...]) -> str:
    return ".".join(map(str, oid))


class Engines:
    """The v1/v2c endpoint and pysnmp's v3arch engine (v3), each made on first use; one per scan."""

    def __init__(self) -> None:
        self._wire: Endpoint | None = None
        self._v3: SnmpEngine | None = None

    @property
    def wire(self) -> Endpoint:
        if self._wire is None:
            self._wire = Endpoint()
        return self._wire

    @property
    def v3(self) -> SnmpEngine:
        if self._v3 is None:
            self._v3 = SnmpEngine()
        return self._v3

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()
            self._wire = None
        if self._v3 is not None:
            self._v3.close_dispatcher()
            self._v3 = None


class SnmpSession:
    """Requests to one agent, sharing the caller's engines."""

    def __init__(self, engine: Engines, target: SnmpTarget,
                 limiter: asyncio.Semaphore | None = None,
                 get_limiter: asyncio.Semaphore | None = None) -> None:
        self.engine = engine
        self.target = target
        # walks in flight across all sessions of a scan: with hundreds of printers at once the
        # event loop must read answers before their timeout fires, or live printers look dead
        self.limiter = limiter
        self.get_limiter = get_limiter
        self.requests = 0  # PDUs sent (retries not counted), for evidence and the benchmark
        self._addr: tuple[int, tuple[str, int]] | None = None
        self._v3_transport: Any = None

    @property
    def v3(self) -> bool:
        return self.target.version == "3"

    # --- one exchange -------------------------------------------------------------------

    async def _resolve(self) -> tuple[int, tuple[str, int]]:
        if self._addr is None:
            t = self.target
            try:  # an address needs no resolver (asyncio's getaddrinfo is a thread hop per printer)
                ip = ipaddress.ip_address(t.host)
                family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
                self._addr = (int(family), (str(ip), t.port))
                return self._addr
            except ValueError:
                pass
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(t.host, t.port, type=socket.SOCK_DGRAM)
            except (OSError, UnicodeError) as exc:
                raise SnmpError(f"cannot resolve {t.host}: {exc}") from exc
            if not infos:
                raise SnmpError(f"cannot resolve {t.host}: no address")
            family, _type, _proto, _name, sockaddr = infos[0]
            self._addr = (int(family), (str(sockaddr[0]), int(sockaddr[1])))
        return self._addr

    async def _exchange(self, kind: str, oids: Sequence[str], what: str, reps: int = 0) -> Response:
        self.requests += 1
        if self.v3:
            return await self._v3_exchange(kind, oids, what, reps)
        family, addr = await self._resolve()
        t = self.target
        try:
            return await self.engine.wire.request(addr, family, 0 if t.version == "1" else 1, t.community,
                                                  kind, oids, t.timeout, t.retries, reps)
        except NoAnswer as exc:
            if exc.garbled:
                raise SnmpError(f"{what}: no usable answer within {self._tries()}: {exc.garbled}") from None
            raise self._no_answer(what) from None

    def _tries(self) -> str:
        tries = self.target.retries + 1
        return f"{self.target.timeout:g} s × {tries} {'try' if tries == 1 else 'tries'}"

    def _no_answer(self, what: str) -> SnmpTimeout:
        return SnmpTimeout(f"no SNMP answer to {what} within {self._tries()} (host down, SNMP off, or wrong "
                           f"{'credentials' if self.v3 else 'community'})")

    async def _v3_exchange(self, kind: str, oids: Sequence[str], what: str, reps: int) -> Response:
        t = self.target
        if t.v3 is None:
            raise SnmpError("SNMPv3 needs a user")
        if self._v3_transport is None:
            try:
                self._v3_transport = await UdpTransportTarget.create((t.host, t.port), timeout=t.timeout,
                                                                     retries=t.retries)
            except Exception as exc:  # pysnmp wraps resolver errors in a plain Exception
                raise SnmpError(f"cannot resolve {t.host}: {exc}") from exc
        auth = UsmUserData(t.v3.user, authKey=t.v3.auth_key, privKey=t.v3.priv_key,
                           authProtocol=AUTH_PROTOCOLS[t.v3.auth_protocol],
                           privProtocol=PRIV_PROTOCOLS[t.v3.priv_protocol])
        ctx = ContextData(contextName=t.v3.context.encode()) if t.v3.context else ContextData()
        binds = [ObjectType(ObjectIdentity(o)) for o in oids]
        eng, tgt = self.engine.v3, self._v3_transport
        if kind == "get":
            res = await get_cmd(eng, auth, tgt, ctx, *binds, lookupMib=False)
        elif kind == "next":
            res = await next_cmd(eng, auth, tgt, ctx, *binds, lookupMib=False)
        else:
            res = await bulk_cmd(eng, auth, tgt, ctx, 0, reps, *binds, lookupMib=False)
        err_ind, err_status, err_index, rows = res
        if err_ind:
            if "timeout" in str(err_ind).lower() or "no snmp response" in str(err_ind).lower():
                raise self._no_answer(what)
            raise SnmpError(f"{what}: {err_ind}")
        status = int(err_status or 0)
        return Response(status, err_status.prettyPrint() if status else "noError", int(err_index or 0),
                        [(tuple(name), plain(val)) for name, val in rows])

    # --- GET ------------------------------------------------------------------------------

    async def get(self, *oids: str) -> dict[str, SnmpValue]:
        """{oid: value} for each OID (MISSING where the agent has nothing)."""
        if self.get_limiter is None:
            return await self._get(*oids)
        async with self.get_limiter:
            return await self._get(*oids)

    async def _get(self, *oids: str) -> dict[str, SnmpValue]:
        what = f"GET {oids[0]}" + (" ..." if len(oids) > 1 else "")
        r = await self._exchange("get", oids, what)
        if r.status_name == "noSuchName":
            if len(oids) == 1:
                return {oids[0]: MISSING}
            # v1 fails the whole PDU for one missing OID: ask one by one
            out: dict[str, SnmpValue] = {}
            for oid in oids:
                out.update(await self._get(oid))
            return out
        if r.status:
            raise SnmpError(f"{what}: agent error {r.status_name} at index {r.index}")
        return {_dotted(oid): value for oid, value in r.rows}

    # --- walks ----------------------------------------------------------------------------

    async def walk(self, base: str) -> list[tuple[str, SnmpValue]]:
        """Every (oid, value) below `base`, in agent order; [] when the subtree is empty."""
        res = (await self.walk_many(base))[base]
        if isinstance(res, SnmpError):
            raise res
        return res

    async def walk_many(self, *bases: str) -> Walked:
        """Walk several subtrees; a failed walk is its error, the others still count."""
        if self.limiter is None:
            return await self._walk_many(bases)
        async with self.limiter:
            return await self._walk_many(bases)

    async def _walk_many(self, bases: Sequence[str]) -> Walked:
        v1 = self.target.version == "1"
        out: Walked = {}
        rows: dict[str, list[tuple[str, SnmpValue]]] = {b: [] for b in bases}
        roots = {b: _oid(b) for b in bases}
        last = dict(roots)  # unfinished subtree -> last OID read
        reps = self.target.max_repetitions  # the most per subtree; halved when the agent says tooBig
        width = len(bases)  # subtrees per PDU: halved when even one repetition is tooBig
        while last:
            sent = list(last)[:width]
            n = max(1, min(reps, BULK_VARBINDS // len(sent)))
            what = f"{'GETNEXT' if v1 else 'GETBULK'} {' '.join(sent)}"
            try:
                r = await self._exchange("next" if v1 else "bulk", [_dotted(last[b]) for b in sent], what, n)
            except SnmpError as exc:
                for b in sent:
                    out[b] = exc
                    del last[b]
                continue
            if r.status_name == "tooBig":
                if not v1 and n > 1:
                    reps = max(1, n // 2)
                elif width > 1:
                    width = max(1, width // 2)
                else:
                    out[sent[0]] = SnmpError(f"{what}: the agent says even one row is tooBig")
                    del last[sent[0]]
                continue
            if v1 and r.status_name == "noSuchName":
                # v1's end of the MIB view: the error index names the subtree that ran out
                ended = sent[r.index - 1:r.index] if 0 < r.index <= len(sent) else sent
                for b in ended:
                    out[b] = rows[b]
                    del last[b]
                continue
            if r.status:
                for b in sent:
                    out[b] = SnmpError(f"{what}: agent error {r.status_name} at index {r.index}")
                    del last[b]
                continue
            moved = self._take(sent, r.rows, roots, last, rows, out)
            if not moved:  # an empty answer: a broken agent; what was read so far is all there is
                for b in sent:
                    if b in last:
                        out[b] = SnmpError(f"{what}: the agent answered without any variable bindings")
                        del last[b]
        return {b: out[b] for b in bases}

    @staticmethod
    def _take(sent: list[str], answer: list[Row], roots: dict[str, tuple[int, ...]],
              last: dict[str, tuple[int, ...]], rows: dict[str, list[tuple[str, SnmpValue]]],
              out: Walked) -> bool:
        """Sort one answer's var-binds into their subtrees (GETBULK repeats them in request
        order); finish subtrees that ran out; True when anything was learned."""
        n = len(sent)
        moved = False
        for i, (oid, value) in enumerate(answer):
            b = sent[i % n]
            if b not in last:
                continue
            root = roots[b]
            moved = True
            if len(oid) <= len(root) or oid[:len(root)] != root or value is MISSING:
                out[b] = rows[b]
                del last[b]
            elif oid <= last[b]:
                out[b] = SnmpError(f"walk of {b} stopped: the agent answered {_dotted(oid)} after "
                                   f"{_dotted(last[b])} (OIDs must increase; it would loop forever)")
                del last[b]
            elif len(rows[b]) >= MAX_ROWS:
                out[b] = SnmpError(f"walk of {b} stopped after {MAX_ROWS} rows (no printer table is "
                                   f"this long)")
                del last[b]
            else:
                rows[b].append((_dotted(oid), value))
                last[b] = oid
        return moved


def new_engine() -> Engines:
    return Engines()


def close_engine(engine: Engines) -> None:
    engine.close()
