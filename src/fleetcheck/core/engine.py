"""The scan engine: runs collectors for many hosts with bounded concurrency.

Guarantees, whatever a collector does:
- every host ends with a result; one that overran its deadline is reported
  as timed out, one the scan never reached as not checked, never as OK;
- the per-host and whole-scan deadlines hold, because the engine stops
  waiting for a collector (blocking work in threads is abandoned, not waited
  for, and is told to stop through `ctx.cancel_event`);
- `cancel()` ends `run()` promptly and keeps every finished result;
- events arrive in order: ScanStarted, then per host HostStarted,
  CheckFinished..., HostFinished, and ScanFinished last.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from fleetcheck import __version__
from fleetcheck.core.collectors.base import CollectContext, Collector, Unreachable
from fleetcheck.core.events import (
    CheckFinished,
    Event,
    HostFinished,
    HostStarted,
    ScanFinished,
    ScanStarted,
)
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult, ScanResult, utcnow
from fleetcheck.core.states import Reachability

REACHABILITY_CHECK = "host.reachability"

EventSink = Callable[[Event], None]


@dataclass(frozen=True)
class EngineOptions:
    concurrency: int = 32
    host_timeout: float = 60.0  # seconds per host unless the inventory says otherwise
    scan_timeout: float | None = None  # seconds for the whole scan


def _fmt_s(seconds: float) -> str:
    return f"{seconds:g} s"


def unreachable_result(host: Host, reach: Reachability, reason: str, fix: str | None,
                       evidence: str, started: datetime | None = None) -> HostResult:
    """A host the collector could not talk to: one host-level finding, with its evidence."""
    now = utcnow()
    state = reach.host_state
    summary = f"{reach.value.replace('_', ' ')}: {reason}"
    check = CheckResult(
        REACHABILITY_CHECK, state, summary,
        evidence=(Evidence.of(f"{host.kind} collector -> {host.address}", evidence or reason, now,
                              kind="connection"),),
        reason=reason if state.name == "UNKNOWN" else None, fix=fix,
    )
    return HostResult(host.name, host.kind, host.address, reach, (check,), started or now, now,
                      host.site, host.tags)


class ScanEngine:
    def __init__(self, collectors: Mapping[str, Collector], options: EngineOptions | None = None,
                 previous: Callable[[Host], HostResult | None] | None = None) -> None:
        self._collectors = dict(collectors)
        self.options = options or EngineOptions()
        self._previous = previous
        self._cancel: asyncio.Event | None = None
        self._cancel_requested = False

    def cancel(self) -> None:
        """Stop the running scan; safe to call from the loop thread (signal handler)."""
        self._cancel_requested = True
        if self._cancel is not None:
            self._cancel.set()

    async def run(self, hosts: Sequence[Host], on_event: EventSink, *, customer: str | None = None,
                  inventories: Sequence[str] = ()) -> ScanResult:
        self._cancel = asyncio.Event()
        if self._cancel_requested:
            self._cancel.set()
        opts = self.options
        started = utcnow()
        on_event(ScanStarted(started, tuple(hosts)))
        results: dict[str, HostResult] = {}
        contexts: dict[str, CollectContext] = {}
        sem = asyncio.Semaphore(max(1, opts.concurrency))
        executor = ThreadPoolExecutor(max_workers=max(1, opts.concurrency) + 4,
                                      thread_name_prefix="fleetcheck-collect")
        scan_deadline = None if opts.scan_timeout is None else time.monotonic() + opts.scan_timeout

        async def one(host: Host) -> None:
            async with sem:
                if self._cancel is not None and self._cancel.is_set():
                    return
                result = await self._scan_host(host, on_event, executor, contexts, scan_deadline)
                results[host.name] = result
                on_event(HostFinished(result))

        tasks = [asyncio.create_task(one(h), name=f"scan:{h.name}") for h in hosts]
        all_done: asyncio.Future[object] = asyncio.ensure_future(
            asyncio.gather(*tasks, return_exceptions=True))
        cancel_wait: asyncio.Future[object] = asyncio.ensure_future(self._cancel.wait())
        try:
            await asyncio.wait({all_done, cancel_wait}, timeout=opts.scan_timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancel_wait.cancel()
            cancelled = not all_done.done()
            if cancelled:
                for ctx in contexts.values():
                    ctx.cancel_event.set()
                for t in tasks:
                    t.cancel()
                # Let cancelled tasks unwind; blocking threads are not waited for.
                await asyncio.wait(tasks, timeout=0.2)
                all_done.cancel()
            executor.shutdown(wait=False, cancel_futures=True)

        user_cancel = self._cancel.is_set()
        why = ("scan cancelled before this host finished" if user_cancel else
               f"scan deadline of {_fmt_s(opts.scan_timeout or 0)} reached before this host finished")
        ordered = []
        for host in hosts:
            if host.name not in results:
                results[host.name] = unreachable_result(
                    host, Reachability.NOT_CHECKED, why,
                    "run the scan again" if user_cancel else "raise --scan-timeout or scan fewer hosts", why)
                on_event(HostFinished(results[host.name]))
            ordered.append(results[host.name])
        scan = ScanResult(started, utcnow(), tuple(ordered), customer, tuple(inventories),
                          cancelled=cancelled, version=__version__)
        on_event(ScanFinished(scan))
        return scan

    async def _scan_host(self, host: Host, on_event: EventSink, executor: ThreadPoolExecutor,
                         contexts: dict[str, CollectContext], scan_deadline: float | None) -> HostResult:
        started = utcnow()
        on_event(HostStarted(host, started))
        budget = host.timeout if host.timeout is not None else self.options.host_timeout
        deadline = time.monotonic() + budget
        if scan_deadline is not None:
            deadline = min(deadline, scan_deadline)
        collector = self._collectors.get(host.kind)
        if collector is None:
            reason = f"this version of fleetcheck has no collector for kind '{host.kind}'"
            return unreachable_result(host, Reachability.NOT_CHECKED, reason, None, reason, started)
        ctx = CollectContext(deadline=deadline, scan_started=started, executor=executor,
                             previous=self._previous(host) if self._previous else None)
        contexts[host.name] = ctx
        try:
            collection = await asyncio.wait_for(collector.collect(host, ctx), timeout=ctx.remaining())
        except TimeoutError:
            ctx.cancel_event.set()
            reason = f"timed out after {_fmt_s(budget)}"
            return unreachable_result(host, Reachability.TIMEOUT, reason,
                                      "raise the host's timeout in the inventory or --timeout",
                                      f"{host.kind} collector did not finish within {_fmt_s(budget)}",
                                      started)
        except Unreachable as exc:
            res = unreachable_result(host, exc.reachability, exc.reason, exc.fix, exc.evidence, started)
            if exc.facts:
                res.facts.update(exc.facts)
            return res
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a collector bug must not take the scan down nor look OK
            reason = f"collector failed: {type(exc).__name__}: {exc}"
            return unreachable_result(host, Reachability.NOT_CHECKED, reason,
                                      "report this as a fleetcheck bug", reason, started)
        finally:
            contexts.pop(host.name, None)
        now = utcnow()
        for check in collection.checks:
            on_event(CheckFinished(host, check, now))
        return HostResult(host.name, host.kind, host.address, Reachability.REACHABLE,
                          tuple(collection.checks), started, now, host.site, host.tags,
                          dict(collection.facts))
