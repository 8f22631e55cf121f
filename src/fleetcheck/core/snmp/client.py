"""A small asyncio SNMP client on pysnmp 7's v3arch hlapi.

- v1 walks with GETNEXT, v2c/v3 with GETBULK (v1 has no GETBULK);
- `lookupMib=False` everywhere: numeric OIDs, no MIB compiler (faster, no warnings);
- walks stay inside their subtree (`lexicographicMode=False`; pysnmp's default walks
  past it to the end of the agent's MIB);
- values come back as plain Python: int, bytes (OCTET STRING, raw: printers send
  NUL padding and non-UTF-8), str (OBJECT IDENTIFIER, dotted) or MISSING
  (noSuchObject / noSuchInstance / endOfMibView are values in SNMP, not errors);
- a timeout raises SnmpTimeout: pysnmp reports a dead host, a wrong community and
  a closed port the same way (no answer), so the message says all three.

v1/v2c go through pysnmp's v1arch (a bare dispatcher): the v3arch engine configures its
SNMP-TARGET/COMMUNITY tables for every new target, which cost ~30 ms per printer here and,
with 50 printers in flight, left answers unread until every request timed out (measured with
bench/scan_printers.py; v1arch answered 200 concurrent printers in 2.5 s). v3 needs the
engine (USM). One `Engines` serves every host of a scan.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

from pysnmp.hlapi.v1arch import asyncio as v1arch
from pysnmp.hlapi.v3arch.asyncio import (
    ContextData,
    EndOfMibView,
    NoSuchInstance,
    NoSuchObject,
    ObjectIdentifier,
    ObjectIdentity,
    ObjectType,
    OctetString,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    bulk_walk_cmd,
    get_cmd,
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


class _Missing:
    """No value at this OID (noSuchObject, noSuchInstance, endOfMibView)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
SnmpValue = int | bytes | str | _Missing

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


class SnmpError(Exception):
    """The agent answered with an error, or the request could not be made."""


class SnmpTimeout(SnmpError):
    """No answer within timeout × (retries + 1)."""


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


def _value(v: Any) -> SnmpValue:
    if isinstance(v, (NoSuchObject, NoSuchInstance, EndOfMibView)):
        return MISSING
    if isinstance(v, OctetString):
        return bytes(v)
    if isinstance(v, ObjectIdentifier):
        return ".".join(str(x) for x in v)
    try:
        return int(v)
    except (TypeError, ValueError):
        return bytes(str(v), "utf-8", "replace")


class Engines:
    """pysnmp's v1arch dispatcher (v1, v2c) and v3arch engine (v3), each made on first use."""

    def __init__(self) -> None:
        self._v1: Any = None
        self._v3: SnmpEngine | None = None

    @property
    def v1(self) -> Any:
        if self._v1 is None:
            self._v1 = v1arch.SnmpDispatcher()
        return self._v1

    @property
    def v3(self) -> SnmpEngine:
        if self._v3 is None:
            self._v3 = SnmpEngine()
        return self._v3

    def close(self) -> None:
        if self._v1 is not None:
            self._v1.transport_dispatcher.close_dispatcher()
            self._v1 = None
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
        self._transport: Any = None

    @property
    def v3(self) -> bool:
        return self.target.version == "3"

    def _auth(self) -> Any:
        t = self.target
        if t.version == "3":
            if t.v3 is None:
                raise SnmpError("SNMPv3 needs a user")
            return UsmUserData(t.v3.user, authKey=t.v3.auth_key, privKey=t.v3.priv_key,
                               authProtocol=AUTH_PROTOCOLS[t.v3.auth_protocol],
                               privProtocol=PRIV_PROTOCOLS[t.v3.priv_protocol])
        return v1arch.CommunityData(t.community, mpModel=0 if t.version == "1" else 1)

    async def _cmd_get(self, tgt: Any, *binds: Any) -> Any:
        if self.v3:
            return await get_cmd(self.engine.v3, self._auth(), tgt, self._context(), *binds, lookupMib=False)
        return await v1arch.get_cmd(self.engine.v1, self._auth(), tgt, *binds, lookupMib=False)

    async def _cmd_bulk(self, tgt: Any, reps: int, *binds: Any) -> Any:
        if self.v3:
            return await bulk_cmd(self.engine.v3, self._auth(), tgt, self._context(), 0, reps, *binds,
                                  lookupMib=False)
        return await v1arch.bulk_cmd(self.engine.v1, self._auth(), tgt, 0, reps, *binds, lookupMib=False)

    def _context(self) -> ContextData:
        v3 = self.target.v3
        if v3 is not None and v3.context:
            return ContextData(contextName=v3.context.encode())
        return ContextData()

    async def _target(self) -> Any:
        if self._transport is None:
            cls = UdpTransportTarget if self.v3 else v1arch.UdpTransportTarget
            try:
                self._transport = await cls.create(
                    (self.target.host, self.target.port), timeout=self.target.timeout,
                    retries=self.target.retries)
            except Exception as exc:  # pysnmp wraps resolver errors in a plain Exception
                raise SnmpError(f"cannot resolve {self.target.host}: {exc}") from exc
        return self._transport

    def _no_answer(self, what: str) -> SnmpTimeout:
        t = self.target
        tries = t.retries + 1
        return SnmpTimeout(f"no SNMP answer to {what} within {t.timeout:g} s × {tries} "
                           f"{'try' if tries == 1 else 'tries'} (host down, SNMP off, or wrong "
                           f"{'credentials' if t.version == '3' else 'community'})")

    def _check(self, err_ind: Any, err_status: Any, err_index: Any, what: str) -> None:
        if err_ind:
            if "timeout" in str(err_ind).lower() or "no snmp response" in str(err_ind).lower():
                raise self._no_answer(what)
            raise SnmpError(f"{what}: {err_ind}")
        if err_status and int(err_status):
            raise SnmpError(f"{what}: agent error {err_status.prettyPrint()} at index {int(err_index)}")

    async def get(self, *oids: str) -> dict[str, SnmpValue]:
        """{oid: value} for each OID (MISSING where the agent has nothing).

        Not cut by a wall-clock bound of our own: pysnmp counts its timeout in timer ticks,
        which stretch while the event loop is busy reading other printers' answers, so a
        printer answering late under load still counts (measured: a wall-clock cut at
        timeout × (retries + 1) turned live printers into dead ones at 200 printers).
        """
        if self.get_limiter is None:
            return await self._get(*oids)
        async with self.get_limiter:
            return await self._get(*oids)

    async def _get(self, *oids: str) -> dict[str, SnmpValue]:
        tgt = await self._target()
        self.requests += 1
        err_ind, err_status, err_index, binds = await self._cmd_get(
            tgt, *(ObjectType(ObjectIdentity(o)) for o in oids))
        if (self.target.version == "1" and not err_ind and err_status and len(oids) > 1
                and err_status.prettyPrint() == "noSuchName"):
            # v1 fails the whole PDU for one missing OID: ask one by one
            out: dict[str, SnmpValue] = {}
            for oid in oids:
                try:
                    out.update(await self._get(oid))
                except SnmpError as exc:
                    if "noSuchName" not in str(exc):
                        raise
                    out[oid] = MISSING
            return out
        if not err_ind and err_status and err_status.prettyPrint() == "noSuchName" and len(oids) == 1:
            return {oids[0]: MISSING}
        self._check(err_ind, err_status, err_index, f"GET {oids[0]}" + (" ..." if len(oids) > 1 else ""))
        return {str(name): _value(val) for name, val in binds}

    async def walk(self, base: str) -> list[tuple[str, SnmpValue]]:
        """Every (oid, value) below `base`, in agent order; [] when the subtree is empty."""
        if self.limiter is None:
            return await self._walk(base)
        async with self.limiter:
            return await self._walk(base)

    async def _bulk_many(self, bases: tuple[str, ...]) -> dict[str, list[tuple[str, SnmpValue]]]:
        return await _bulk_rounds(self, bases)

    async def _walk(self, base: str) -> list[tuple[str, SnmpValue]]:
        tgt = await self._target()
        auth = self._auth()
        rows: list[tuple[str, SnmpValue]] = []
        prefix = base + "."
        start = ObjectType(ObjectIdentity(base))
        if self.target.version == "1":
            walker = v1arch.walk_cmd(self.engine.v1, auth, tgt, start, lexicographicMode=False,
                                     lookupMib=False)
        elif self.v3:
            walker = bulk_walk_cmd(self.engine.v3, auth, tgt, self._context(), 0, self.target.max_repetitions,
                                   start, lexicographicMode=False, lookupMib=False)
        else:
            walker = v1arch.bulk_walk_cmd(self.engine.v1, auth, tgt, 0, self.target.max_repetitions, start,
                                          lexicographicMode=False, lookupMib=False)
        async for err_ind, err_status, err_index, binds in walker:
            self.requests += 1
            if self.target.version == "1" and err_status and err_status.prettyPrint() == "noSuchName":
                break  # v1's end of MIB
            self._check(err_ind, err_status, err_index, f"walk {base}")
            for name, val in binds:
                oid = str(name)
                value = _value(val)
                if not oid.startswith(prefix) or value is MISSING:
                    return rows
                rows.append((oid, value))
        return rows

    async def walk_many(self, *bases: str) -> dict[str, list[tuple[str, SnmpValue]] | SnmpError]:
        """Walk several subtrees; a failed walk is its error, the others still count.

        v2c/v3: one GETBULK carries every unfinished subtree (a printer's tables in one or two
        PDUs instead of one walk each: on a busy machine the PDU count is the cost, on both
        sides). An agent that answers tooBig gets fewer repetitions, then one walk per subtree.
        """
        if self.target.version != "1":
            try:
                if self.limiter is None:
                    return dict(await self._bulk_many(bases))
                async with self.limiter:
                    return dict(await self._bulk_many(bases))
            except _TooBig:
                pass
            except SnmpError as exc:
                return {b: exc for b in bases}
        results = await asyncio.gather(*(self.walk(b) for b in bases), return_exceptions=True)
        out: dict[str, list[tuple[str, SnmpValue]] | SnmpError] = {}
        for base, res in zip(bases, results, strict=True):
            if isinstance(res, SnmpError):
                out[base] = res
            elif isinstance(res, BaseException):
                raise res
            else:
                out[base] = res
        return out


class _TooBig(Exception):
    pass


async def _bulk_rounds(session: SnmpSession,
                       bases: tuple[str, ...]) -> dict[str, list[tuple[str, SnmpValue]]]:
    tgt = await session._target()
    rows: dict[str, list[tuple[str, SnmpValue]]] = {b: [] for b in bases}
    pending = {b: b for b in bases}  # subtree -> last OID read
    reps = session.target.max_repetitions
    while pending:
        names = list(pending)
        session.requests += 1
        err_ind, err_status, err_index, binds = await session._cmd_bulk(
            tgt, reps, *(ObjectType(ObjectIdentity(pending[b])) for b in names))
        if not err_ind and err_status and err_status.prettyPrint() == "tooBig":
            if reps <= 2:
                raise _TooBig
            reps //= 2
            continue
        session._check(err_ind, err_status, err_index, f"GETBULK {' '.join(names)}")
        done: set[str] = set()
        seen: set[str] = set()
        for i, (name, val) in enumerate(binds):
            base = names[i % len(names)]
            if base in done:
                continue
            oid, value = str(name), _value(val)
            if not oid.startswith(base + ".") or value is MISSING:
                done.add(base)
                continue
            rows[base].append((oid, value))
            pending[base] = oid
            seen.add(base)
        for base in names:
            if base in done or base not in seen:  # finished, or no progress (a broken agent)
                pending.pop(base, None)
    return rows


def new_engine() -> Engines:
    return Engines()


def close_engine(engine: Engines) -> None:
    engine.close()
