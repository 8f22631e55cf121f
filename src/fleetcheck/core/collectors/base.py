"""The contract between the scan engine and a collector."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from fleetcheck.core.contracts import Collection, CrashWindows
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import HostResult

T = TypeVar("T")


@dataclass
class CollectContext:
    """Per-host run-time context handed to a collector by the engine."""

    deadline: float  # time.monotonic() by which the host must be finished
    scan_started: datetime
    windows: CrashWindows | None = None  # from history: where this host's crash windows start
    previous: HostResult | None = None  # newest saved result in which it was reached (printer counters)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    executor: Executor | None = None  # the engine's pool for blocking work (paramiko, psutil)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking `fn(*args)` on the engine's thread pool without blocking the loop."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


class Collector(Protocol):
    """Fetches raw data from hosts of some kinds and turns it into check results.

    `collect` raises `Unreachable` when it cannot talk to the host. It should
    honour `ctx.deadline` itself and say which stage ran out of time; the
    engine enforces the deadline anyway and reports a collector that overruns
    it as timed out.
    """

    kinds: ClassVar[frozenset[str]]

    async def collect(self, host: Host, ctx: CollectContext) -> Collection: ...

    async def close(self) -> None: ...
