"""A tiny probe for transport tests (the real POSIX/Windows probes live in core/probes).

It runs `sh -s` with a constant script: the host's `fleet-probe` fixture
script if it has one, else a greeting. `parse` understands only
"hello from NAME" and raises on anything else, so tests can check that a
parser exception never escapes the collector.
"""

from __future__ import annotations

from datetime import datetime

from fleetcheck.core.contracts import Collection, EventWindows, ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult
from fleetcheck.core.states import State

SCRIPT = b"""if command -v fleet-probe >/dev/null 2>&1; then exec fleet-probe; fi
echo "hello from $FLEET_HOST"
"""


class TinyProbe:
    name = "tiny"

    def __init__(self) -> None:
        self.parsed: list[tuple[str, EventWindows]] = []
        self.previous: dict[str, HostResult | None] = {}  # host name -> the previous result it was given

    def command(self) -> str:
        return "sh -s"

    def stdin(self) -> bytes | None:
        return SCRIPT

    def parse(self, run: ProbeRun, host: Host, since: datetime | EventWindows,
              previous: HostResult | None = None) -> Collection:
        first = run.stdout.split(b"\n", 1)[0].decode("ascii")  # garbage raises here
        if not first.startswith("hello from "):
            raise ValueError(f"unexpected first line {first[:40]!r}")
        self.parsed.append((host.name, EventWindows.of(since)))
        self.previous[host.name] = previous
        ev = Evidence.of(f"ssh: {run.command}", first, run.finished)
        return Collection([CheckResult("tiny.hello", State.OK, first, evidence=(ev,))],
                          {"greeting": first[len("hello from "):]})
