"""Building Windows probe output for parser tests: from the recordings, with sections swapped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fleetcheck.core.contracts import Collection, ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.windows.probe import COMMAND, PROBE
from fleetcheck.core.results import CheckResult
from fleetcheck.core.thresholds import Thresholds

RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "windows"
NOW = datetime(2026, 11, 27, 9, 30, 12, 345678, tzinfo=UTC)  # meta.now of every recording
WEEK_AGO = NOW - timedelta(days=7)
NO_EVENTS = {
    "fqid": "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand",
    "message": "No events were found that match the specified selection criteria.",
    "type": "System.Exception",
    "category": "ObjectNotFound",
    "hresult": -2146233088,
}


def recording_bytes(name: str) -> tuple[bytes, bytes]:
    d = RECORDINGS / name
    return (d / "stdout").read_bytes(), (d / "stderr").read_bytes()


def sections(name: str = "healthy-ps7") -> list[dict[str, Any]]:
    text = recording_bytes(name)[0].decode("utf-8").lstrip("\ufeff")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def replace(
    base: list[dict[str, Any]], name: str, data: Any = None, error: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """`base` with section `name` replaced (data or an error marker)."""
    new = {"section": name, "error": error} if error is not None else {"section": name, "data": data}
    return [new if s["section"] == name else s for s in base]


def without(base: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    return [s for s in base if s["section"] not in names]


def data_of(base: list[dict[str, Any]], name: str) -> Any:
    return json.loads(json.dumps(next(s["data"] for s in base if s["section"] == name)))


def make_run(
    lines: Sequence[dict[str, Any] | str] | bytes,
    stderr: bytes = b"",
    exit_status: int | None = 0,
    truncated: bool = False,
) -> ProbeRun:
    if isinstance(lines, bytes):
        out = lines
    else:
        out = "".join((x if isinstance(x, str) else json.dumps(x)) + "\r\n" for x in lines).encode()
    return ProbeRun(COMMAND, out, stderr, exit_status, truncated, NOW, NOW)


def parse(run: ProbeRun, since: datetime = WEEK_AGO, thresholds: Thresholds | None = None) -> Collection:
    host = Host("pc1", "windows", "192.0.2.10", thresholds=thresholds or Thresholds())
    return PROBE.parse(run, host, since)


def check(coll: Collection, check_id: str) -> CheckResult:
    found = [c for c in coll.checks if c.id == check_id]
    assert len(found) == 1, [c.id for c in coll.checks]
    return found[0]


def ev(
    t: datetime,
    provider: str,
    event_id: int,
    record: int,
    *,
    log: str = "System",
    level: int = 2,
    data: dict[str, str] | None = None,
    params: list[str] | None = None,
    msg: str = "",
) -> dict[str, Any]:
    """An event as windows.ps1 emits it (PowerShell 7 date format)."""
    named = data or {}
    return {
        "t": t.isoformat().replace("+00:00", "Z"),
        "id": event_id,
        "provider": provider,
        "log": log,
        "record": record,
        "level": level,
        "data": named,
        "params": params if params is not None else list(named.values()),
        "msg": msg,
    }


def events_data(*events: dict[str, Any], capped: bool = False) -> dict[str, Any]:
    return {
        "since": (NOW - timedelta(days=30)).isoformat(),
        "lookback_days": 30,
        "max_events": 500,
        "capped": capped,
        "fetched": len(events),
        "events": list(events),
    }
