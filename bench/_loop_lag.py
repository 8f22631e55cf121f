"""One scan in process with a probe of the event loop: how long its callbacks held it.

    python bench/_loop_lag.py INVENTORY.yaml CONCURRENCY   -> one JSON line on stdout

The real session (inventory, collectors as `fleetcheck scan` builds them, ScanEngine).
Beside the scan, a task sleeps 10 ms again and again; how late it wakes is how long the
loop was busy elsewhere (SNMP answers decoded in the reader, SSH results handed back from
threads, checks). Reported: the largest and the 99th-percentile lateness, and per host kind
the median time from start to finish.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter, defaultdict
from typing import Any

TICK = 0.010


async def scan(path: str, concurrency: int) -> dict[str, Any]:
    from fleetcheck.core.session import SessionOptions, open_session

    session = open_session(SessionOptions(inventories=(path,), concurrency=concurrency, history=False))
    late: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            t0 = time.monotonic()
            await asyncio.sleep(TICK)
            late.append(time.monotonic() - t0 - TICK)

    ticker = asyncio.create_task(probe())
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    try:
        inv = session.inventory
        result = await session.engine().run(session.hosts, lambda e: None, customer=inv.customer,
                                            inventories=inv.files)
    finally:
        wall = time.monotonic() - t0
        done.set()
        await ticker
        await session.close(10.0)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    spans: dict[str, list[float]] = defaultdict(list)
    for h in result.hosts:
        if h.started is not None and h.finished is not None:
            spans[h.kind].append((h.finished - h.started).total_seconds())
    late.sort()
    return {"wall_s": round(wall, 3),
            "cpu_s": round(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime, 3),
            "reachability": dict(Counter(h.reachability.value for h in result.hosts)),
            "loop_late_max_ms": round(1000 * late[-1], 1) if late else None,
            "loop_late_p99_ms": round(1000 * late[int(0.99 * (len(late) - 1))], 1) if late else None,
            "ticks": len(late),
            "median_s_by_kind": {k: round(sorted(v)[len(v) // 2], 3) for k, v in spans.items()}}


def main() -> int:
    report = asyncio.run(scan(sys.argv[1], int(sys.argv[2])))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
