"""One customer site's scanner for bench/central.py (not a test).

    python bench/_central_scanner.py DB INDEX --hosts 50 --rounds 5 --pause 0.5
        -> one JSON line per scan on stdout

The real ScanEngine scans `--hosts` scripted hosts (answers after a short
seeded random delay, a mix of states, five checks each with evidence) and the
real Recorder saves each scan to DB (a postgresql:// URL or an SQLite file)
through the store as `fleetcheck scan` does (to PostgreSQL: host by host into
the local spool, then the whole scan in one transaction). Each call into the store is
timed: `db_wait_s` is the time one scan spent in the store (begin, adding
hosts, flushes, the final commit), `commit` the wall clock (time.time())
right after the scan's final commit returned, which bench/central.py
compares with when the dashboard showed the scan.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection
from fleetcheck.core.inventory.model import HOST_KINDS, Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import State

OBSERVED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


class ScriptedCollector:
    kinds: ClassVar[frozenset[str]] = frozenset(HOST_KINDS)

    def __init__(self, seed: int, max_delay: float) -> None:
        self.rng = random.Random(seed)
        self.max_delay = max_delay

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        await asyncio.sleep(self.rng.uniform(0.0, self.max_delay))
        roll = self.rng.random()
        checks = [CheckResult(f"fs.used:/data{i}", State.OK, f"/data{i} {30 + i}% used",
                              metrics=(Metric("fs_used_pct", 30.0 + i, "%", "80", "90"),),
                              evidence=(Evidence.of("df -P", f"/dev/sd{i} {30 + i}%", OBSERVED),))
                  for i in range(4)]
        state = State.CRIT if roll < 0.05 else State.WARN if roll < 0.15 else State.OK
        checks.append(CheckResult("mem.used", state, f"memory {97 if state is State.CRIT else 50}% used",
                                  evidence=(Evidence.of("/proc/meminfo", "MemAvailable: 1", OBSERVED),)))
        return Collection(checks)

    async def close(self) -> None:
        return None


class Timed:
    """The store's calls, timed (the writer's too)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.commit = 0.0

    def call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            self.spent += time.perf_counter() - t0


class TimedWriter:
    def __init__(self, writer: Any, timed: Timed) -> None:
        self._w, self._t = writer, timed
        self.scan_id = writer.scan_id

    def add_host(self, result: HostResult) -> None:
        self._t.call(self._w.add_host, result)

    @property
    def pending(self) -> int:
        return int(self._w.pending)

    def flush(self) -> None:
        self._t.call(self._w.flush)

    def finish(self, scan: ScanResult) -> Any:
        info = self._t.call(self._w.finish, scan)
        self._t.commit = time.time()
        return info

    def abandon(self) -> None:
        self._t.call(self._w.abandon)


class TimedStore:
    def __init__(self, store: Any, timed: Timed) -> None:
        self._s, self.timed = store, timed
        self.notices: list[str] = []

    def begin_scan(self, customer: str | None, inventories: Sequence[str], started: datetime,
                   version: str = "") -> TimedWriter:
        return TimedWriter(self.timed.call(self._s.begin_scan, customer, inventories, started, version),
                           self.timed)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


async def main_async(args: argparse.Namespace) -> int:
    from fleetcheck.core.engine import EngineOptions, ScanEngine
    from fleetcheck.store import open_store
    from fleetcheck.store.session import ScanHistory

    customer = f"Kunde {args.index:02d} GmbH"
    hosts = tuple(Host(f"pc-{i:03d}", ("linux", "windows", "macos")[i % 3], f"10.{args.index}.0.{i + 1}",
                       site="hq") for i in range(args.hosts))
    files = (f"/etc/fleetcheck/kunde-{args.index:02d}.yaml",)
    # as `fleetcheck scan --db postgresql://…` saves: through the local spool in $FLEETCHECK_HOME
    # (bench/central.py gives each scanner its own), then one transaction to PostgreSQL
    store = open_store(args.db, import_legacy=False, spool=True)
    collector = ScriptedCollector(args.index, args.max_delay)
    try:
        for n in range(args.rounds):
            timed = Timed()
            history = ScanHistory(TimedStore(store, timed), customer, files)  # type: ignore[arg-type]
            recorder = history.recorder()
            engine = ScanEngine({k: collector for k in collector.kinds}, EngineOptions(concurrency=32))
            started = time.time()
            await engine.run(hosts, recorder, customer=customer, inventories=files)
            saved = recorder.saved
            print(json.dumps({"customer": customer, "round": n, "started": started, "commit": timed.commit,
                              "scan_id": None if saved is None else saved.id, "db_wait_s": timed.spent,
                              "hosts": None if saved is None else saved.hosts,
                              "error": None if recorder.error is None else str(recorder.error)}), flush=True)
            await asyncio.sleep(args.pause)
    finally:
        store.close()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("index", type=int)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pause", type=float, default=0.5)
    ap.add_argument("--max-delay", type=float, default=0.5)
    return asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
