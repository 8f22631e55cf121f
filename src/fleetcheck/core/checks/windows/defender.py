"""Antivirus: Microsoft Defender state and signature age, or the third-party product that replaces it.

- Defender active (AMRunningMode 'Normal'): antivirus or its service off is
  CRIT, real-time protection off is WARN, AntivirusSignatureAge (days) is
  judged against `av.signature_age_days`.
- Defender passive, not running or not installed: Defender is not
  applicable. The third-party antivirus registered in Windows Security
  Center (root/SecurityCenter2, client editions only) is judged instead from
  its productState (undocumented but stable bit layout: bits 8-15 0x10/0x11 =
  enabled, bits 0-7 0x10 = signatures out of date). Where Security Center
  does not exist (servers) the result is UNKNOWN with that reason: fleetcheck
  has no "not applicable" state, and OK would claim a check that did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fleetcheck.core.checks import judged, levels_param, msg, unknown
from fleetcheck.core.checks.windows.errors import SectionError
from fleetcheck.core.family import WINDOWS_KINDS, Category, Family, levels
from fleetcheck.core.i18n import Message
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

CHECK_ID = "av.status"
PASSIVE_MODES = ("passive mode", "sxs passive mode", "edr block mode")
NEVER_UPDATED = 65535  # AntivirusSignatureAge when signatures were never updated
DEFENDER_NOT_RUNNING = 0x800106BA  # MpComputerStatus: "the service is not running"


@dataclass(frozen=True)
class DefenderStatus:
    """Get-MpComputerStatus as the probe read it (None: not reported)."""

    am_service: bool | None = None
    antivirus: bool | None = None
    realtime: bool | None = None
    signature_age_days: int | None = None
    mode: str = ""  # AMRunningMode
    signature_version: object = None
    engine: object = None
    tamper: object = None


@dataclass(frozen=True)
class AvProduct:
    name: str
    state: int | None  # SecurityCenter2 productState


@dataclass(frozen=True)
class AntivirusData:
    status: DefenderStatus | None
    status_error: SectionError | None = None
    products: list[AvProduct] = field(default_factory=list)
    products_error: SectionError | None = None


def _is_defender(name: str) -> bool:
    return "defender" in name.lower()


def product_state(state: int) -> tuple[bool, bool]:
    """(enabled, signatures up to date) from a SecurityCenter2 productState."""
    return ((state >> 8) & 0xFF) in (0x10, 0x11), (state & 0xFF) == 0x00


def _defender(status: DefenderStatus, thresholds: Thresholds, evidence: Evidence) -> CheckResult:
    levels = thresholds.levels("av.signature_age_days")
    problems: list[tuple[State, str]] = []  # (state, message code)
    if status.am_service is False or status.antivirus is False:
        problems.append((State.CRIT, "av.defender.disabled"))
    if status.realtime is False:
        problems.append((State.WARN, "av.defender.rtp_off"))
    age = status.signature_age_days
    if age is None:
        return unknown(CHECK_ID, msg("av.defender.noage"), msg("av.defender.noage.reason"),
                       evidence=(evidence,))
    age_state = evaluate(age, levels.warn, levels.crit)
    state = worst([age_state, *(s for s, _ in problems)])
    p = {"age": age, "age_text": "av.defender.never" if age >= NEVER_UPDATED else "av.defender.age",
         "av_problems": [c for _, c in problems], "levels": levels_param(age_state, levels)}
    summary = msg("av.defender.problems" if problems else "av.defender.ok", **p)
    details = (f"AMRunningMode {status.mode or None}, signature version {status.signature_version}, "
               f"engine {status.engine}, tamper protection {status.tamper}")
    metrics = (Metric.of("signature_age_days", age, "d", levels.warn, levels.crit, 0),)
    return judged(CHECK_ID, state, summary, evidence, metrics=metrics, details=details)


def _security_center(d: AntivirusData, why_not: Message, evidence: Evidence) -> CheckResult:
    """Defender is not the antivirus here: the products Security Center lists, judged by productState."""
    products = d.products
    third = [p for p in products if not _is_defender(p.name)]
    judged_products = third or products
    p: dict[str, Any] = {**why_not.params, "why_not": why_not.code}
    if not judged_products:
        sc_error = d.products_error
        p.update(sc_why="av.sc.error" if sc_error is not None else "av.sc.empty",
                 sc_error=sc_error.describe() if sc_error is not None else "")
        return unknown(CHECK_ID, msg("av.none", **p), msg("av.none.reason", **p), msg("av.none.fix", **p),
                       (evidence,))
    states = []
    groups: dict[str, list[str]] = {"av_off": [], "av_outdated": [], "av_current": [], "av_unreported": []}
    for product in judged_products:
        name = product.name or "?"
        if product.state is None:
            states.append(State.UNKNOWN)
            groups["av_unreported"].append(name)
            continue
        enabled, current = product_state(product.state)
        state, group = ((State.CRIT, "av_off") if not enabled else (State.WARN, "av_outdated") if not current
                        else (State.OK, "av_current"))
        states.append(state)
        groups[group].append(name)
    p.update(groups, av_parts=[f"av.sc.{g.removeprefix('av_')}" for g, names in groups.items() if names])
    state = worst(states)
    if state is State.UNKNOWN:
        return unknown(CHECK_ID, msg("av.sc", **p), msg("av.sc.nostate.reason", **p), evidence=(evidence,))
    return judged(CHECK_ID, state, msg("av.sc", **p), evidence,
                  details="productState decoded from its undocumented bit layout")


def check_antivirus(d: AntivirusData, thresholds: Thresholds, evidence: Evidence) -> list[CheckResult]:
    status = d.status
    if status is not None:
        mode = status.mode.strip()
        if mode.lower() in PASSIVE_MODES:
            return [_security_center(d, msg("av.why.passive", av_mode=mode), evidence)]
        if mode.lower() == "not running":
            return [_security_center(d, msg("av.why.stopped"), evidence)]
        return [_defender(status, thresholds, evidence)]
    err = d.status_error or SectionError("", "no Defender status")
    if err.access_denied:
        p = {"av_error": err.describe()}
        return [unknown(CHECK_ID, msg("av.denied", **p), msg("av.denied.reason", **p), msg("win.fix.admin"),
                        (evidence,))]
    if err.command_missing:
        why = msg("av.why.notinstalled")
    elif ((err.hresult or 0) & 0xFFFFFFFF == DEFENDER_NOT_RUNNING
          or "800106ba" in f"{err.fqid} {err.message}".lower()):
        why = msg("av.why.notrunning")
    else:
        why = msg("av.why.unreadable", av_error=err.describe())
    return [_security_center(d, why, evidence)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("av.status", "Virus protection", "Virenschutz", Category.FAILURE, WINDOWS_KINDS,
           thresholds={"av.signature_age_days": levels("3", "7")}),
)
