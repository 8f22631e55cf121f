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

One SnmpEngine serves every host of a scan (pysnmp's engine is the expensive part).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
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
    walk_cmd,
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


class SnmpSession:
    """Requests to one agent, sharing the caller's engine."""

    def __init__(self, engine: SnmpEngine, target: SnmpTarget) -> None:
        self.engine = engine
        self.target = target
        self.requests = 0  # PDUs sent (retries not counted), for evidence and the benchmark
        self._transport: UdpTransportTarget | None = None

    def _auth(self) -> CommunityData | UsmUserData:
        t = self.target
        if t.version == "3":
            if t.v3 is None:
                raise SnmpError("SNMPv3 needs a user")
            return UsmUserData(t.v3.user, authKey=t.v3.auth_key, privKey=t.v3.priv_key,
                               authProtocol=AUTH_PROTOCOLS[t.v3.auth_protocol],
                               privProtocol=PRIV_PROTOCOLS[t.v3.priv_protocol])
        return CommunityData(t.community, mpModel=0 if t.version == "1" else 1)

    def _context(self) -> ContextData:
        v3 = self.target.v3
        if v3 is not None and v3.context:
            return ContextData(contextName=v3.context.encode())
        return ContextData()

    async def _target(self) -> UdpTransportTarget:
        if self._transport is None:
            try:
                self._transport = await UdpTransportTarget.create(
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
        """{oid: value} for each OID (MISSING where the agent has nothing)."""
        tgt = await self._target()
        self.requests += 1
        err_ind, err_status, err_index, binds = await get_cmd(
            self.engine, self._auth(), tgt, self._context(),
            *(ObjectType(ObjectIdentity(o)) for o in oids), lookupMib=False)
        if (self.target.version == "1" and not err_ind and err_status and len(oids) > 1
                and err_status.prettyPrint() == "noSuchName"):
            # v1 fails the whole PDU for one missing OID: ask one by one
            out: dict[str, SnmpValue] = {}
            for oid in oids:
                try:
                    out.update(await self.get(oid))
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
        tgt = await self._target()
        auth = self._auth()
        rows: list[tuple[str, SnmpValue]] = []
        prefix = base + "."
        if self.target.version == "1":
            walker = walk_cmd(self.engine, auth, tgt, self._context(), ObjectType(ObjectIdentity(base)),
                              lexicographicMode=False, lookupMib=False)
        else:
            walker = bulk_walk_cmd(self.engine, auth, tgt, self._context(), 0, self.target.max_repetitions,
                                   ObjectType(ObjectIdentity(base)), lexicographicMode=False,
                                   lookupMib=False)
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
        """Walk several subtrees at once; a failed walk is its error, the others still count."""
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


def new_engine() -> SnmpEngine:
    return SnmpEngine()


def close_engine(engine: SnmpEngine) -> None:
    engine.close_dispatcher()
