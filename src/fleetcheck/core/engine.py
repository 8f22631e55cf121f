"""The scan engine: runs collectors for many hosts with bounded concurrency.

Guarantees, whatever a collector does:
- every host ends with a result; one that overran its deadline is reported
  as timed out, one the scan never reached as not checked, never as OK;
- the per-host and whole-scan deadlines hold, because the engine stops
  waiting for a collector (blocking work in threads is abandoned, not waited
  for, and is told to stop through `ctx.cancel_event`);
- `cancel()` ends `run()` promptly and keeps every finished result;
- events arrive in order: ScanStarted, then per host HostStarted,
  CheckFinished... (one per check of its result), HostFinished, and
  ScanFinished last; every host gets exactly one HostFinished. A host the
  scan never reached (cancelled, scan deadline) gets only HostFinished.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from fleetcheck import __version__
from fleetcheck.core.checks import coded
from fleetcheck.core.collectors.base import CollectContext, Collector
from fleetcheck.core.contracts import Collection, CrashWindows, Unreachable
from fleetcheck.core.events import (
    CheckFinished,
    Event,
    HostFinished,
    HostStarted,
    ScanFinished,
    ScanStarted,
)
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.kinds import always_on
from fleetcheck.core.results import CheckResult, Evidence, HostResult, ScanResult, utcnow
from fleetcheck.core.skips import apply_skips
from fleetcheck.core.states import Reachability, State

REACHABILITY_CHECK = "host.reachability"
COLLECTOR_THREAD_PREFIX = "fleetcheck-collect"  # the pool's threads; a front end may abandon them at exit

EventSink = Callable[[Event], None]


@dataclass(frozen=True)
class EngineOptions:
    concurrency: int = 32
    host_timeout: float = 60.0  # seconds per host unless the inventory says otherwise
    scan_timeout: float | None = None  # seconds for the whole scan


def unreachable_result(host: Host, reach: Reachability, reason: Message, fix: Message | None,
                       evidence: str, started: datetime | None = None,
                       facts: Mapping[str, Any] | None = None) -> HostResult:
    """A host the collector could not talk to: one host-level finding, with its evidence.

    Its texts are message codes: the summary `host.reachability` says "<reachability>:
    <reason>" with the reason's own code as parameter `why`, so a report can name the
    reason alone, in the reader's language."""
    now = utcnow()
    state = reach.host_state
    summary = msg("host.reachability", reach=f"reach.{reach.value}", why=reason.code, **reason.params)
    check = coded(
        REACHABILITY_CHECK, state, summary,
        evidence=(Evidence.of(f"{host.kind} collector -> {host.address}", evidence or reason.en, now,
                              kind="connection"),),
        reason=reason if state is State.UNKNOWN else None, fix=fix,
    )
    return HostResult(host.name, host.kind, host.address, reach, (check,), started or now, now,
                      host.site, host.tags, dict(facts or {}))


def _silence_policy(host: Host, exc: Unreachable) -> tuple[Reachability, Message, Message | None]:
    """What no answer means for this host (core/kinds.py): down, or maybe just switched off.

    Only silence counts (no route, no TCP answer); a refused connection or a failed
    login means the machine is on, so those keep their own reachability.
    """
    if not exc.no_answer or always_on(host.kind, host.always_on):
        return exc.reachability, exc.message, exc.fix_message
    reason = msg("host.silent", silent=exc.message.code, kind=host.kind, **exc.message.params)
    return Reachability.SWITCHED_OFF, reason, msg("host.silent.fix")


SCAN_DEADLINE_FIX = msg("engine.scan_deadline.host_fix")


def _scan_deadline_fix(check: CheckResult) -> CheckResult:
    """A host cut off by --scan-timeout is told to raise that, not its own --timeout."""
    if check.fix and "timeout" in check.fix and "--scan-timeout" not in check.fix:
        return dataclasses.replace(check, fix=SCAN_DEADLINE_FIX.en, fix_code=SCAN_DEADLINE_FIX.code)
    return check


def _emit_host(on_event: EventSink, host: Host, result: HostResult) -> None:
    now = utcnow()
    for check in result.checks:
        on_event(CheckFinished(host, check, now))
    on_event(HostFinished(result))


def _forget(task: asyncio.Future[Any]) -> None:
    """Let an abandoned collector task end on its own without 'exception never retrieved' noise."""
    def _swallow(t: asyncio.Future[Any]) -> None:
        if not t.cancelled():
            t.exception()
    task.add_done_callback(_swallow)


T = TypeVar("T")


class ScanEngine:
    def __init__(self, collectors: Mapping[str, Collector], options: EngineOptions | None = None,
                 windows: Callable[[Host], CrashWindows | None] | None = None,
                 unavailable: Mapping[str, Message] | None = None,
                 previous: Callable[[Host], HostResult | None] | None = None) -> None:
        """`windows` tells, from history, where a host's crash windows start;
        `previous` gives its newest saved result in which it was reached (printer counters);
        `unavailable` maps a host kind without collector to the reason (e.g. a missing library)."""
        self._collectors = dict(collectors)
        self.options = options or EngineOptions()
        self._windows = windows
        self._previous = previous
        self._unavailable = dict(unavailable or {})
        self._cancel: asyncio.Event | None = None
        self._cancel_requested = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def cancel(self) -> None:
        """Stop the running scan (or the next one, if none runs yet); safe from any thread."""
        self._cancel_requested = True
        loop, event = self._loop, self._cancel
        if loop is None or event is None:
            return
        if threading.get_ident() == self._loop_thread:
            event.set()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def run(self, hosts: Sequence[Host], on_event: EventSink, *, customer: str | None = None,
                  inventories: Sequence[str] = ()) -> ScanResult:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._cancel = asyncio.Event()
        if self._cancel_requested:
            self._cancel.set()
        try:
            return await self._run(hosts, on_event, self._cancel, customer, inventories)
        finally:
            # the next run starts fresh; a cancel() now belongs to that one
            self._cancel_requested = False
            self._cancel = None
            self._loop = None

    async def _run(self, hosts: Sequence[Host], on_event: EventSink, cancel: asyncio.Event,
                   customer: str | None, inventories: Sequence[str]) -> ScanResult:
        opts = self.options
        started = utcnow()
        on_event(ScanStarted(started, tuple(hosts)))
        results: dict[str, HostResult] = {}
        contexts: dict[str, CollectContext] = {}
        executor = ThreadPoolExecutor(max_workers=max(1, opts.concurrency) + 4,
                                      thread_name_prefix=COLLECTOR_THREAD_PREFIX)
        scan_deadline = None if opts.scan_timeout is None else time.monotonic() + opts.scan_timeout

        # `concurrency` workers take the hosts in order, one after the other. One task per host
        # (waiting on a semaphore) made 10,000 tasks at once, each stepped once at the start:
        # ~0.1 s in one turn of the loop, which in the dashboard is the UI's loop.
        pending = iter(hosts)

        async def worker() -> None:
            for host in pending:  # shared: each host is taken by exactly one worker
                if cancel.is_set() or (scan_deadline is not None and time.monotonic() >= scan_deadline):
                    return  # the rest are reported as not checked below
                try:
                    result = await self._scan_host(host, on_event, executor, contexts, scan_deadline)
                except Exception as exc:  # an engine bug: report it on the host, never as OK
                    reason = msg("engine.internal", error=f"{type(exc).__name__}: {exc}")
                    result = unreachable_result(host, Reachability.NOT_CHECKED, reason,
                                                msg("engine.bug.fix"), reason.en)
                results[host.name] = result
                _emit_host(on_event, host, result)
                await asyncio.sleep(0)  # hosts that ended in this turn report first (a cancel counts)

        workers = min(len(hosts), max(1, opts.concurrency))
        tasks = [asyncio.create_task(worker(), name=f"scan-worker:{i}") for i in range(workers)]
        all_done: asyncio.Future[object] = asyncio.ensure_future(
            asyncio.gather(*tasks, return_exceptions=True))
        cancel_wait: asyncio.Future[object] = asyncio.ensure_future(cancel.wait())
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

        user_cancel = cancel.is_set()
        why = msg("engine.cancelled") if user_cancel else \
            msg("engine.scan_deadline", scan_timeout=opts.scan_timeout or 0)
        ordered = []
        for host in hosts:
            if host.name not in results:
                results[host.name] = unreachable_result(
                    host, Reachability.NOT_CHECKED, why,
                    msg("engine.cancelled.fix") if user_cancel else msg("engine.scan_deadline.fix"), why.en)
                on_event(HostFinished(results[host.name]))  # cut off: only HostFinished, no CheckFinished
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
        cut_by_scan = scan_deadline is not None and scan_deadline < deadline
        if scan_deadline is not None:
            deadline = min(deadline, scan_deadline)
        collector = self._collectors.get(host.kind)
        if collector is None:
            reason = self._unavailable.get(host.kind) or msg("engine.nocollector", kind=host.kind)
            return unreachable_result(host, Reachability.NOT_CHECKED, reason, None, reason.en, started)
        ctx = CollectContext(deadline=deadline, scan_started=started, executor=executor,
                             windows=self._windows_of(host),
                             previous=self._from_history(self._previous, host))
        contexts[host.name] = ctx
        # wait() rather than wait_for(): wait_for waits for the cancelled collector
        # to unwind, and one that ignores cancellation would break the deadline.
        task: asyncio.Future[Collection] = asyncio.ensure_future(collector.collect(host, ctx))
        try:
            done, _ = await asyncio.wait({task}, timeout=ctx.remaining())
            if not done:
                ctx.cancel_event.set()
                if cut_by_scan:
                    why = msg("engine.scan_deadline", scan_timeout=self.options.scan_timeout or 0)
                    return unreachable_result(host, Reachability.NOT_CHECKED, why,
                                              msg("engine.scan_deadline.fix"), why.en, started)
                return unreachable_result(host, Reachability.TIMEOUT, msg("engine.timeout", budget=budget),
                                          msg("engine.timeout.fix"),
                                          f"{host.kind} collector did not finish within {budget:g} s",
                                          started)
            collection = task.result()
        except Unreachable as exc:
            reach, reason, fix = _silence_policy(host, exc)
            if cut_by_scan and reach is Reachability.TIMEOUT:
                fix = SCAN_DEADLINE_FIX
            return unreachable_result(host, reach, reason, fix, exc.evidence, started, exc.facts)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a collector bug must not take the scan down nor look OK
            reason = msg("engine.collector_failed", error=f"{type(exc).__name__}: {exc}")
            return unreachable_result(host, Reachability.NOT_CHECKED, reason,
                                      msg("engine.bug.fix"), reason.en, started)
        finally:
            contexts.pop(host.name, None)
            if not task.done():
                ctx.cancel_event.set()
                task.cancel()
                _forget(task)
        finished = utcnow()
        checks = apply_skips(collection.checks, host.skips, finished)
        if cut_by_scan:  # the collector's own stage timeouts came from the scan's deadline
            checks = tuple(_scan_deadline_fix(c) for c in checks)
        return HostResult(host.name, host.kind, host.address, Reachability.REACHABLE,
                          checks, started, finished, host.site, host.tags, dict(collection.facts))

    def _windows_of(self, host: Host) -> CrashWindows | None:
        return self._from_history(self._windows, host)

    @staticmethod
    def _from_history(source: Callable[[Host], T | None] | None, host: Host) -> T | None:
        if source is None:
            return None
        try:
            return source(host)
        except Exception:  # history is a help, not a requirement: fall back to the default window
            return None
