"""One way to wire a scan: inventory → collectors → history → engine, for every front end.

`fleetcheck scan`, the dashboard (and next `report`, the exporter) call
`open_session()` with typed `SessionOptions` and get a `ScanSession`: the
loaded inventory, the hosts to scan, one collector per kind (built only for
the kinds present), the history seen through the narrow `ScanHistory` seam,
and a factory for engines. Nothing here prints, asks or exits: that is the
front end's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from fleetcheck.core.collectors.base import Collector
from fleetcheck.core.collectors.options import CollectorOptions
from fleetcheck.core.collectors.registry import build_collectors, close_collectors
from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.engine import EngineOptions, ScanEngine
from fleetcheck.core.events import Event
from fleetcheck.core.i18n import Message
from fleetcheck.core.inventory import default_inventory_paths, load_inventory
from fleetcheck.core.inventory.model import Host, Inventory
from fleetcheck.core.kinds import ssh_kinds
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.ssh.options import PassphrasePrompt, SshOptions

# A dashboard keeps one SSH connection per host for rescans, up to this many: each kept
# paramiko Transport is a thread that wakes once a second while idle (bench/README.md).
KEEP_CONNECTIONS_MAX = 1000


class HistoryRecorder(Protocol):
    """An engine event sink that saves the scan while it runs; keeps its first error."""

    error: Exception | None

    def __call__(self, event: Event) -> None: ...


class SpoolNotice(Protocol):
    """A scan kept in a local spool because the central store could not take it (sent later)."""

    def line(self) -> str:
        """One line: what failed, where the scan is kept, that it will be sent."""
        ...

    def to_dict(self) -> dict[str, object]:
        """The same for the scan's JSON document."""
        ...


class ScanHistory(Protocol):
    """What a session needs from the scan history, bound to one inventory.

    Implemented by `fleetcheck.store.session.ScanHistory` (a layer above this one,
    so the front end hands its factory to `open_session`).
    """

    def windows(self, host: Host) -> CrashWindows | None:
        """Where `host`'s crash windows start, per check family."""
        ...

    def previous(self, host: Host) -> HostResult | None:
        """The newest saved result of `host` in which it was reached (printer counters, alerts)."""
        ...

    def recorder(self) -> HistoryRecorder:
        """A sink for one scan's events that saves it host by host."""
        ...

    def save(self, scan: ScanResult) -> object:
        """Save a whole scan at once (the dashboard's full rescans)."""
        ...

    def host_scans(self, host_name: str, limit: int | None = 20) -> list[ScanResult]:
        """Saved results of `host_name` (one single-host scan each), newest first."""
        ...

    def acks(self) -> dict[tuple[str, str], str]:
        """Acknowledged problems in force: (host, check id) -> who acknowledged it and why."""
        ...

    def take_notices(self) -> list[str]:
        """One-line warnings (import, repair, no customer), each handed out once."""
        ...

    def spooled(self) -> SpoolNotice | None:
        """Set when the last saved scan stayed in the local spool instead of the central store."""
        ...

    def close(self) -> None: ...


# (--db path or None for the default, inventory) -> history; None when it cannot be opened
HistoryFactory = Callable[[str | None, Inventory], ScanHistory | None]


@dataclass(frozen=True)
class SessionOptions:
    inventories: Sequence[str] = ()  # files or folders; empty: the default inventory
    ssh_config: str | None = None  # --ssh-config FILE; None: ~/.ssh/config
    concurrency: int = 32
    host_timeout: float = 60.0  # seconds per host unless the inventory says otherwise
    scan_timeout: float | None = None
    history: bool = True  # False: --no-history (neither read nor written)
    db: str | None = None  # --db PATH; None: the default history database
    passphrase_prompt: PassphrasePrompt | None = None  # someone at the terminal to unlock a key
    keep_connections: bool = False  # reuse SSH connections across scans (the dashboard's rescans)


@dataclass
class ScanSession:
    options: SessionOptions
    inventory: Inventory
    hosts: tuple[Host, ...]  # the hosts to scan (all, or the front end's selection)
    collectors: dict[str, Collector]
    unavailable: dict[str, Message]  # kind -> why it has no collector (e.g. a library failed to load)
    history: ScanHistory | None
    engine_options: EngineOptions = field(default_factory=EngineOptions)

    def engine(self) -> ScanEngine:
        """A new engine over this session's collectors (kept connections survive from scan to scan)."""
        return ScanEngine(self.collectors, self.engine_options,
                          windows=None if self.history is None else self.history.windows,
                          unavailable=self.unavailable,
                          previous=None if self.history is None else self.history.previous)

    async def close(self, timeout: float) -> None:
        """Close the collectors (their connections); best effort within `timeout` seconds."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(close_collectors(self.collectors), timeout=timeout)


def collector_options(options: SessionOptions, hosts: Sequence[Host]) -> CollectorOptions:
    ssh_hosts = sum(h.kind in ssh_kinds() for h in hosts)
    keep = min(ssh_hosts, KEEP_CONNECTIONS_MAX) if options.keep_connections else 0
    return CollectorOptions(ssh=SshOptions(ssh_config=options.ssh_config, keep_connections=keep,
                                           passphrase_prompt=options.passphrase_prompt))


def open_session(options: SessionOptions,
                 select: Callable[[Inventory], tuple[Host, ...]] | None = None,
                 history: HistoryFactory | None = None) -> ScanSession:
    """Load the inventory, pick the hosts, build their collectors and open the history
    (with `history`, unless the options say --no-history).

    Raises InventoryError / FleetcheckError for bad input (the front end prints them).
    """
    paths = list(options.inventories) or default_inventory_paths()
    inventory = load_inventory(paths, ssh_config=options.ssh_config)
    hosts = inventory.hosts if select is None else select(inventory)
    unavailable: dict[str, Message] = {}
    collectors = build_collectors(collector_options(options, hosts), {h.kind for h in hosts}, unavailable)
    return ScanSession(
        options, inventory, hosts, collectors, unavailable,
        history(options.db, inventory) if options.history and history is not None else None,
        EngineOptions(concurrency=options.concurrency, host_timeout=options.host_timeout,
                      scan_timeout=options.scan_timeout),
    )
