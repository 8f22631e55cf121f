"""The contracts shared by transports, probes and collectors (the bottom layer they all build on).

A transport (`core/ssh/`, next SNMP and IPP) runs a `Probe` and hands back a
`ProbeRun`, or raises `Unreachable`; a probe turns a run into a `Collection`;
a collector (`core/collectors/`) picks transport and probe per host kind and
hands the collection to the engine. Nothing here imports from those layers.

A probe's command and script are constants of fleetcheck: nothing from the
inventory is ever interpolated into them. The transport runs `command` with
`stdin` fed to it, and hands back a `ProbeRun`; `parse` turns that into
check results (UNKNOWN with a reason wherever the data is missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from fleetcheck.core.i18n import Message
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult
from fleetcheck.core.states import Reachability

DEFAULT_EVENT_WINDOW = timedelta(days=7)  # crash events looked at on a machine never read before


@dataclass(frozen=True)
class CrashWindows:
    """When each check family's source was last really read on one machine (from history).

    Crash checks count events since then. A scan whose probe output was
    garbage or cut off, or whose check of a family could not run (journal
    read denied), does not move that family's window, so no event is lost.
    `host_key` is the SSH host key those reads were made under: a machine
    answering with another key is not the one these windows belong to.
    """

    read: Mapping[str, datetime] = field(default_factory=dict)  # family -> end of the last read
    host_key: str | None = None

    def for_scan(self, scan_started: datetime, host_key: str | None = None) -> EventWindows:
        """The windows for this scan; none carried over when the host key says another machine."""
        default = scan_started - DEFAULT_EVENT_WINDOW
        if host_key is not None and self.host_key is not None and host_key != self.host_key:
            return EventWindows(default)
        return EventWindows(default, dict(self.read))


@dataclass(frozen=True)
class EventWindows:
    """Where each family's event window starts in this scan (its end is the target's clock)."""

    default: datetime  # for a family this machine has no read of
    read: Mapping[str, datetime] = field(default_factory=dict)

    def since(self, family: str) -> datetime:
        return self.read.get(family, self.default)

    @property
    def latest(self) -> datetime:
        return max([self.default, *self.read.values()])

    @classmethod
    def of(cls, since: datetime | EventWindows) -> EventWindows:
        """One start for every family (tests, probes run by hand) or the windows as given."""
        return since if isinstance(since, EventWindows) else cls(since)

    def to_fact(self) -> dict[str, Any]:
        return {"default": self.default.isoformat(),
                **{fam: at.isoformat() for fam, at in sorted(self.read.items())}}


@dataclass
class Collection:
    """What a collector found on one reachable host."""

    checks: list[CheckResult]
    facts: dict[str, Any] = field(default_factory=dict)


class Unreachable(Exception):
    """The collector could not talk to the host; says how and what to try.

    `reason` and `fix` are message codes with their parameters (core/i18n), so the
    host-level finding renders in the reader's language; `.reason` and `.fix` keep the
    English text (JSON readers, logs, `trust`). A plain string is refused: every way
    a host can be unreachable has a code.
    `evidence` is what happened on the wire, e.g. "connect 192.0.2.10:22:
    connection refused", so the host-level finding carries its proof too (raw, never
    translated). `no_answer`: nothing answered at all (no route, no TCP answer), as when
    the machine is switched off; the kind's reachability policy decides what that means.
    """

    def __init__(self, reachability: Reachability, reason: Message, fix: Message | None = None,
                 evidence: str = "", facts: dict[str, Any] | None = None, no_answer: bool = False) -> None:
        if not isinstance(reason, Message) or not (fix is None or isinstance(fix, Message)):
            raise TypeError("Unreachable takes its reason and fix as msg(code, **params) (core/i18n)")
        if fix is not None and any(reason.params.get(k, v) != v for k, v in fix.params.items()):
            raise ValueError(f"{reason.code}: a parameter differs between reason and fix")
        super().__init__(reason.en)
        self.no_answer = no_answer
        self.reachability = reachability
        self.message = reason
        self.fix_message = fix
        self.evidence = evidence
        self.facts = facts or {}

    @property
    def reason(self) -> str:
        return self.message.en

    @property
    def fix(self) -> str | None:
        return None if self.fix_message is None else self.fix_message.en


@dataclass(frozen=True)
class ProbeRun:
    """What the transport got back from running a probe."""

    command: str  # the exact remote command line
    stdout: bytes
    stderr: bytes
    exit_status: int | None  # None: the channel closed without one
    truncated: bool  # output was cut at the transport's cap
    started: datetime
    finished: datetime


class Probe(Protocol):
    name: str

    def command(self) -> str:
        """The remote command line (a constant)."""
        ...

    def stdin(self) -> bytes | None:
        """The script fed on standard input, if any."""
        ...

    def parse(self, run: ProbeRun, host: Host, since: datetime | EventWindows,
              previous: HostResult | None = None) -> Collection:
        """Checks from the probe's output; `since` starts the crash-event windows (per family);
        `previous` is the host's newest saved result in which it was reached (stored counters)."""
        ...
