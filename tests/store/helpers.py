"""Small scans built by hand for the store's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
CUSTOMER = "Müller Steuerberatung GmbH"
DF = "Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 100 50 50 50% /\n" * 3


def check(cid: str, state: State = State.OK, summary: str | None = None, at: datetime = T0,
          raw: str = DF) -> CheckResult:
    return CheckResult(cid, state, summary or f"{cid} is {state.value}", "details",
                       (Metric("used", 50.0, "%", "80", "90", 0, 100),),
                       (Evidence.of("df -P", raw, at, "command"),),
                       reason="could not read" if state is State.UNKNOWN else None,
                       fix="add the user to group adm" if state is State.UNKNOWN else None)


def host(name: str, *checks: CheckResult, reach: Reachability = Reachability.REACHABLE,
         at: datetime = T0, address: str | None = None, facts: dict[str, object] | None = None) -> HostResult:
    if reach is not Reachability.REACHABLE and not checks:
        checks = (CheckResult("host.reachability", reach.host_state, f"{reach.value}: no answer",
                              evidence=(Evidence.of("ssh", "refused", at, "connection"),),
                              reason="no answer" if reach.host_state is State.UNKNOWN else None),)
    return HostResult(name, "linux", address or f"{name}.example", reach, checks, at,
                      at + timedelta(seconds=2), "office", ("server",), facts or {"os": {"id": "debian"}})


def scan(at: datetime, *hosts: HostResult, customer: str | None = CUSTOMER,
         inventories: tuple[str, ...] = ("/inv/mueller.yaml",), cancelled: bool = False) -> ScanResult:
    return ScanResult(at, at + timedelta(seconds=5), hosts, customer, inventories, cancelled, "0.1.0")
