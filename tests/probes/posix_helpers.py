"""Parsing recorded POSIX probe outputs (tests/data/posix) and variants of them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fleetcheck.core.contracts import Collection, EventWindows, ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.probe import PROBE
from fleetcheck.core.results import CheckResult, HostResult

DATA = Path(__file__).resolve().parent.parent / "data" / "posix"


def recorded(name: str) -> str:
    return (DATA / name).read_text()


def target_now(text: str) -> datetime:
    m = re.search(r"^now=(\d+)$", text, re.M)
    assert m is not None
    return datetime.fromtimestamp(int(m.group(1)), UTC)


def parse(text: str, kind: str = "linux", since: timedelta | datetime | EventWindows = timedelta(days=7),
          exit_status: int | None = 0, truncated: bool = False, host: Host | None = None,
          previous: HostResult | None = None) -> Collection:
    now = target_now(text) if "now=" in text else datetime(2026, 11, 27, 4, 27, tzinfo=UTC)
    start = since if isinstance(since, (datetime, EventWindows)) else now - since
    run = ProbeRun(PROBE.command(), text.encode(), b"", exit_status, truncated, now, now)
    return PROBE.parse(run, host or Host("h1", kind, "192.0.2.10"), start, previous)


def checks(collection: Collection) -> dict[str, CheckResult]:
    out = {c.id: c for c in collection.checks}
    assert len(out) == len(collection.checks), "check ids must be unique per host"
    return out


def states(collection: Collection) -> dict[str, str]:
    return {c.id: c.state.value for c in collection.checks}


def replace_section(text: str, key: str, body: str, exit_status: int | None = 0,
                    stderr: Sequence[str] = (), command: str = "recorded") -> str:
    """`text` with section `<<<key>>>` replaced (or appended before <<<end>>>)."""
    block = f"<<<{key}>>>\n@@cmd {command}\n{body.rstrip()}\n"
    block += "".join(f"@@stderr {line}\n" for line in stderr)
    if exit_status is not None:
        block += f"@@exit {exit_status}\n"
    pattern = re.compile(rf"^<<<{re.escape(key)}>>>\n.*?(?=^<<<)", re.M | re.S)
    if pattern.search(text):
        return pattern.sub(lambda m: block, text, count=1)
    return text.replace("<<<end>>>", block + "<<<end>>>")


def drop_section(text: str, key: str) -> str:
    return re.sub(rf"^<<<{re.escape(key)}>>>\n.*?(?=^<<<)", "", text, count=1, flags=re.M | re.S)


def us(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000
