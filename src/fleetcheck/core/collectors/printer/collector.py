"""Printers over SNMP and IPP: both protocols asked at once, parsed into one PrinterData,
judged by the printer check families, with evidence from both.

A protocol that does not answer is reported (`printer.protocol:<name>` UNKNOWN with
what happened) and the printer is judged on the other one; only when every
configured protocol fails is the printer unreachable. One `Engines` serves all printers of
a scan: v1/v2c share one UDP socket (core/snmp/wire.py), v3 one pysnmp engine.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, ClassVar

from fleetcheck.core.checks.printer import result
from fleetcheck.core.checks.printer.alerts import check_alerts
from fleetcheck.core.checks.printer.counters import (
    check_new_alerts,
    check_pages,
    check_restarts,
    history_facts,
)
from fleetcheck.core.checks.printer.model import Alert, PrinterData
from fleetcheck.core.checks.printer.status import check_conditions, check_status
from fleetcheck.core.checks.printer.supplies import check_supplies, chosen_supplies
from fleetcheck.core.checks.printer.trays import check_trays
from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.collectors.printer.ipp import read_ipp
from fleetcheck.core.collectors.printer.snmp import read_snmp
from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.ipp.client import IppError, IppTarget
from fleetcheck.core.results import CheckResult, Evidence, utcnow
from fleetcheck.core.snmp.client import (
    SnmpError,
    SnmpSession,
    SnmpTarget,
    SnmpTimeout,
    SnmpV3,
    close_engine,
    new_engine,
)
from fleetcheck.core.ssh.auth import SecretError, resolve_secret
from fleetcheck.core.states import Reachability, State

PROTOCOL_ID = "printer.protocol"
IPP_TIMEOUT = 5.0  # seconds for one Get-Printer-Attributes (connect + answer)
# table reads (GETBULK exchanges) in flight over all printers of a scan; the first GET of each
# printer is not held back, so silent printers wait out their timeout side by side
WALKS_IN_FLIGHT = 16
MARGIN = 0.3  # seconds before the host deadline at which we stop and say which protocol ran out


class PrinterCollector:
    kinds: ClassVar[frozenset[str]] = frozenset({"printer"})

    def __init__(self) -> None:
        self._engine: Any = None
        self._limiter: asyncio.Semaphore | None = None
        self.snmp_requests = 0  # PDUs sent, for the benchmark

    @classmethod
    def from_options(cls, options: Any) -> PrinterCollector:
        return cls()

    def _snmp_target(self, host: Host) -> SnmpTarget:
        s = host.snmp
        assert s is not None
        v3 = None
        if s.version == "3":
            user = s.user or ""
            auth = resolve_secret(s.auth_password, user) if s.auth_password else None
            priv = resolve_secret(s.priv_password, user) if s.priv_password else None
            v3 = SnmpV3(user, s.auth_protocol, auth, s.priv_protocol, priv, s.context)
        return SnmpTarget(host.address, s.port, s.version, s.community, v3, s.timeout, s.retries)

    async def _snmp(self, host: Host, budget: float) -> tuple[Any, str | None, bool]:
        """(parsed printer, why not, whether nothing answered at all)."""
        try:
            target = self._snmp_target(host)
        except SecretError as exc:
            return None, f"SNMPv3 password: {exc}", False
        if self._engine is None:
            self._engine = new_engine()
            self._limiter = asyncio.Semaphore(WALKS_IN_FLIGHT)
        session = SnmpSession(self._engine, target, self._limiter)
        try:
            return await asyncio.wait_for(read_snmp(session), budget), None, False
        except TimeoutError:
            return None, f"{target.describe()}: not finished within the host deadline ({budget:.1f} s)", False
        except SnmpError as exc:
            return None, f"{target.describe()}: {exc}", isinstance(exc, SnmpTimeout)
        finally:
            self.snmp_requests += session.requests

    async def _ipp(self, host: Host, budget: float) -> tuple[Any, str | None, bool]:
        s = host.ipp
        assert s is not None
        target = IppTarget(host.address, s.port, s.path, s.tls, min(IPP_TIMEOUT, budget))
        try:
            return await read_ipp(target), None, False
        except IppError as exc:
            return None, str(exc), exc.silent

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        budget = max(0.1, ctx.remaining() - MARGIN)
        protocols = tuple(p for p, cfg in (("snmp", host.snmp), ("ipp", host.ipp)) if cfg is not None)
        data = PrinterData(protocols=protocols)
        jobs = []
        if host.snmp is not None:
            jobs.append(self._snmp(host, budget))
        if host.ipp is not None:
            jobs.append(self._ipp(host, budget))
        answers = await asyncio.gather(*jobs)
        for proto, (parsed, error, _silent) in zip(protocols, answers, strict=True):
            if proto == "snmp":
                data.snmp, data.snmp_error = parsed, error
            else:
                data.ipp, data.ipp_error = parsed, error
        if data.snmp is None and data.ipp is None:
            errors = (("snmp", data.snmp_error), ("ipp", data.ipp_error))
            failures = [f"{p.upper()}: {e}" for p, e in errors if e]
            # silence on every protocol (SNMP timeout, IPP timeout / no route) may be a printer
            # switched off for the night; a refused connection or an IPP error means it is on
            silent = all(s for _p, _e, s in answers)
            why = msg("printer.silent", failures="; ".join(failures)) if failures else \
                msg("printer.noprotocol")
            raise Unreachable(Reachability.UNREACHABLE, why, msg("printer.silent.fix"),
                              "\n".join(failures), no_answer=silent)
        now = utcnow()
        previous = _previous_printer_facts(ctx)
        checks, restart_times = judge(data, host, previous, now)
        alerts, answered = _alerts_for_history(data)
        facts = {"printer": {**describe(data), **history_facts(data, now, restart_times, alerts, answered)}}
        return Collection(checks=checks, facts=facts)

    async def close(self) -> None:
        if self._engine is not None:
            close_engine(self._engine)
            self._engine = None


def _previous_printer_facts(ctx: CollectContext) -> dict[str, Any] | None:
    prev = ctx.previous
    if prev is None or prev.reachability is not Reachability.REACHABLE:
        return None
    facts = prev.facts.get("printer")
    return facts if isinstance(facts, dict) else None


def _alerts_for_history(data: PrinterData) -> tuple[list[Alert], bool]:
    alerts: list[Alert] = []
    answered = False
    if data.snmp is not None and not data.snmp.part("alerts").missing:
        alerts += data.snmp.alerts
        answered = True
    if data.ipp is not None and data.ipp.alerts:
        alerts += data.ipp.alerts
        answered = True
    return alerts, answered


def judge(data: PrinterData, host: Host, previous: dict[str, Any] | None,
          now: datetime) -> tuple[list[CheckResult], list[str]]:
    """Every printer check for one printer, and the restart times to keep for the next scan."""
    checks: list[CheckResult] = []
    for proto, error, other in (("snmp", data.snmp_error, "ipp"), ("ipp", data.ipp_error, "snmp")):
        if error:
            wire = Evidence.of(f"{proto.upper()} -> {host.address}", error, now, kind="connection")
            why = msg("printer.protocol.failed.reason", protocol=proto.upper(), error=error)
            checks.append(result(f"{PROTOCOL_ID}:{proto}", State.UNKNOWN, "printer.protocol.failed",
                                 {"protocol": proto.upper(), "other": other.upper()}, wire, reason=why))
    # supplies first: among equally bad findings the first is the host's worst finding, and
    # "order black toner" is the one a technician can act on before the visit
    checks += check_supplies(data, host.thresholds)
    checks += check_trays(data)
    checks.append(check_conditions(data))
    checks.append(check_alerts(data))
    checks.append(check_status(data))
    checks.append(check_pages(data, previous))
    restarts, keep = check_restarts(data, previous, now, host.thresholds)
    checks.append(restarts)
    alerts, answered = _alerts_for_history(data)
    ev: tuple[Evidence, ...] = ()
    if data.snmp is not None:
        ev += data.snmp.part("alerts").evidence
    if data.ipp is not None:
        ev += data.ipp.evidence
    new = check_new_alerts(alerts, answered, previous, ev, host.thresholds)
    if new is not None:
        checks.append(new)
    return checks, keep


def _round(pct: float | None) -> float | None:
    return None if pct is None else round(pct, 1)


def describe(data: PrinterData) -> dict[str, Any]:
    """Facts a front end shows: identity, what each protocol did, every supply with its level."""
    supplies, _ = chosen_supplies(data)
    out: dict[str, Any] = {
        "model": data.model, "serial": data.serial,
        "name": (data.snmp.name if data.snmp else "") or (data.ipp.name if data.ipp else ""),
        "protocols": {p: "answered" if getattr(data, p) is not None
                      else f"failed: {getattr(data, f'{p}_error')}" for p in data.protocols},
        "supplies": [{"name": s.name, "type": s.type, "colour": s.colour, "level": s.level, "max": s.max,
                      "unit": s.unit, "percent": _round(s.percent()),
                      "receptacle": s.receptacle, "part": s.part, "source": s.source} for s in supplies],
    }
    if data.snmp is not None:
        out["sys_object_id"] = data.snmp.sys_object_id
        out["device_index"] = data.snmp.device_index
    return out
