"""Runs the scan engine inside the app's event loop and turns its events into
coalesced messages. The engine stays free of Textual; blocking collector work
already runs in the engine's thread pool, so the UI never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence

from textual.message import Message

from fleetcheck.core.collectors.base import Collector
from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.engine import EngineOptions, ScanEngine
from fleetcheck.core.events import Event, HostFinished, HostStarted
from fleetcheck.core.i18n import Message as Text
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.tui.messages import HostsUpdated, ScanBegan, ScanEnded

BATCH_HOSTS = 250  # hosts per message: ~10 ms of the app's work at 10,000 hosts
FRAME = 1 / 60  # seconds between the parts of a split batch


class EventBatcher:
    """Collects engine events between flushes; the last result per host wins."""

    def __init__(self, scan_id: int) -> None:
        self.scan_id = scan_id
        self._started: dict[str, None] = {}
        self._finished: dict[str, HostResult] = {}

    def on_event(self, event: Event) -> None:
        if isinstance(event, HostStarted):
            self._started[event.host.name] = None
        elif isinstance(event, HostFinished):
            self._finished[event.result.name] = event.result

    def drain(self, limit: int = 0) -> list[HostsUpdated]:
        """Everything since the last drain, as messages of at most `limit` hosts each (0: one)."""
        if not self._started and not self._finished:
            return []
        started = [n for n in self._started if n not in self._finished]
        finished = list(self._finished.values())
        self._started.clear()
        self._finished.clear()
        size = limit or len(started) + len(finished)
        out = []
        while started or finished:
            take_f, finished = finished[:size], finished[size:]
            take_s, started = started[:size - len(take_f)], started[size - len(take_f):]
            out.append(HostsUpdated(self.scan_id, tuple(take_s), tuple(take_f)))
        return out


class ScanRunner:
    """One engine per scan, all sharing the same collectors (SSH connections are kept)."""

    def __init__(self, collectors: Mapping[str, Collector], options: EngineOptions,
                 post: Callable[[Message], object], flush_every: float = 0.5,
                 windows: Callable[[Host], CrashWindows | None] | None = None,
                 previous: Callable[[Host], HostResult | None] | None = None,
                 unavailable: Mapping[str, Text] | None = None) -> None:
        self.collectors = dict(collectors)
        self.windows = windows
        self.previous = previous  # newest reached result (printer counters compare with it)
        self.unavailable = dict(unavailable or {})
        self.options = options
        self.post = post
        self.flush_every = flush_every
        self._engines: set[ScanEngine] = set()
        self._next_id = 0

    @property
    def running(self) -> bool:
        return bool(self._engines)

    def cancel_all(self) -> None:
        for engine in list(self._engines):
            engine.cancel()

    async def scan(self, hosts: Sequence[Host], *, full: bool, customer: str | None = None,
                   inventories: Sequence[str] = ()) -> None:
        """Runs one scan; its result goes out in ScanEnded only. Returning it would let the
        Textual Worker keep the whole scan alive after it ended: a Worker sits in a reference
        cycle (its task's context refers to it), so only a full garbage collection frees it,
        and at 10,000 hosts that kept ~45 MB per rescan until then."""
        self._next_id += 1
        scan_id = self._next_id
        engine = ScanEngine(self.collectors, self.options, windows=self.windows, previous=self.previous,
                             unavailable=self.unavailable)
        self._engines.add(engine)
        batcher = EventBatcher(scan_id)
        stop = asyncio.Event()

        async def pump() -> None:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.flush_every)
                for i, msg in enumerate(batcher.drain(BATCH_HOSTS)):
                    if i:  # a big batch goes in parts, a frame apart: keys and paints come between
                        await asyncio.sleep(FRAME)
                    self.post(msg)

        self.post(ScanBegan(scan_id, tuple(h.name for h in hosts), full))
        pump_task = asyncio.create_task(pump())
        result: ScanResult | None = None
        error: str | None = None
        try:
            result = await engine.run(hosts, batcher.on_event, customer=customer, inventories=inventories)
        except Exception as exc:  # an engine bug must show up, not kill the dashboard
            error = f"{type(exc).__name__}: {exc}"
        finally:
            stop.set()
            await pump_task
            self._engines.discard(engine)
        self.post(ScanEnded(scan_id, full, result, error))

    async def close(self, timeout: float = 2.0) -> None:
        """Close the collectors (SSH connections); never hang the exit on a slow peer."""
        closers = [c.close() for c in {id(c): c for c in self.collectors.values()}.values()]
        if closers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*closers, return_exceptions=True), timeout)
