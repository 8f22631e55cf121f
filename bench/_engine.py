"""fleetcheck in process: the real ScanEngine + SshCollector + POSIX probe, cold scan then warm rescan.

    python bench/_engine.py INVENTORY.yaml CONCURRENCY PASSES [--buffered] [--poll S]
                                                                 -> one JSON line on stdout

Pass 1 connects to every host; later passes run the probe again over the
connections the collector kept (SshOptions.keep_connections = number of hosts),
the way the dashboard rescans. Timed per pass: wall time and this process's CPU
(all threads); interpreter start, imports and inventory loading are not in it.
After the last pass it idles 5 s with the connections open and reports that CPU too.

Experiments (bench/README.md, "Where the time goes"), not fleetcheck as shipped:
--buffered runs the same posix.sh with its output collected and written at once
(`sh -c 'o=$(sh -s); printf ...'`), so it arrives in a few SSH packets instead of dozens;
--poll S makes each kept connection's paramiko thread poll its socket every S seconds
instead of paramiko's 0.1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import Counter
from typing import Any

IDLE_S = 5.0  # seconds of idling with the kept connections open, after the last pass


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


BUFFERED_COMMAND = """env LC_ALL=C sh -c 'o=$(sh -s); printf "%s\\n" "$o"'"""


def make_collector(keep: int, buffered: bool, poll: float | None) -> Any:
    from fleetcheck.core.collectors.ssh import SshCollector, SshOptions
    from fleetcheck.core.probes.base import probe_for_kind
    from fleetcheck.core.probes.posix.probe import PosixProbe

    class BufferedProbe(PosixProbe):
        def command(self) -> str:
            return BUFFERED_COMMAND

    class SlowPollCollector(SshCollector):
        def _checkin(self, key: Any, conn: Any) -> None:
            conn.transport.sock.settimeout(poll)
            super()._checkin(key, conn)

    probes = (lambda kind: BufferedProbe()) if buffered else probe_for_kind
    cls = SlowPollCollector if poll else SshCollector
    return cls(SshOptions(keep_connections=keep), probes=probes)


async def scan(inventory_path: str, concurrency: int, passes: int, buffered: bool = False,
               poll: float | None = None) -> list[dict[str, object]]:
    from fleetcheck.core.engine import EngineOptions, ScanEngine
    from fleetcheck.core.inventory import load_inventory

    inventory = load_inventory([inventory_path])
    hosts = inventory.hosts
    collector = make_collector(len(hosts), buffered, poll)
    out = []
    try:
        for n in range(passes):
            engine = ScanEngine({k: collector for k in collector.kinds},
                                EngineOptions(concurrency=concurrency, host_timeout=60.0))
            connects, c0, t0 = collector.connects, cpu_s(), time.monotonic()
            result = await engine.run(hosts, lambda e: None, customer=inventory.customer,
                                      inventories=inventory.files)
            wall, cpu = time.monotonic() - t0, cpu_s() - c0
            reach = Counter(h.reachability.value for h in result.hosts)
            states = Counter(h.state.name for h in result.hosts)
            errors = [c.summary for h in result.hosts if h.reachability.value != "reachable"
                      for c in h.checks][:5]
            out.append({"pass": "cold" if n == 0 else "warm", "scan_wall_s": wall, "scan_cpu_s": cpu,
                        "hosts": len(hosts), "ok": reach.get("reachable", 0), "reachability": dict(reach),
                        "host_states": dict(states), "new_connections": collector.connects - connects,
                        "errors": errors})
        if passes > 1:  # what the kept connections cost while nothing is scanned
            c0, t0 = cpu_s(), time.monotonic()
            await asyncio.sleep(IDLE_S)
            pct = 100 * (cpu_s() - c0) / (time.monotonic() - t0)
            out.append({"pass": "idle", "kept": len(collector._pool), "cpu_pct_of_a_core": pct})
    finally:
        t0 = time.monotonic()
        await collector.close()
        out.append({"pass": "close", "seconds": time.monotonic() - t0})
    return out


def main() -> int:
    import resource as r

    _soft, hard = r.getrlimit(r.RLIMIT_NOFILE)
    r.setrlimit(r.RLIMIT_NOFILE, (hard, hard))  # one socket per kept connection
    ap = argparse.ArgumentParser()
    ap.add_argument("inventory")
    ap.add_argument("concurrency", type=int)
    ap.add_argument("passes", type=int)
    ap.add_argument("--buffered", action="store_true")
    ap.add_argument("--poll", type=float)
    args = ap.parse_args()
    passes = asyncio.run(scan(args.inventory, args.concurrency, args.passes, args.buffered, args.poll))
    print(json.dumps({"passes": passes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
