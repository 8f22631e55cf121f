"""PostgreSQL store against the SQLite store in the same run: a benchmark, not a test.

Saves the same generated nightly scans (bench/history.py's fleet: 1000 hosts, ~27 checks each,
real-shaped evidence) to a fresh SQLite store, to a real PostgreSQL server started here
(tests/pgserver.py: Debian's binaries, loopback, fsync off like the tests), and through the
spool path a `scan --db postgresql://` takes (local SQLite spool, then one transaction to
PostgreSQL, then removed from the spool). Then reads what a report needs (the newest scan
with evidence plus the changes since the one before) and one host's history from both.

    .venv/bin/python bench/pg_store.py                # 1000 hosts x 8 nights (~2 min here)
    options: --hosts N  --nights N

Figures are medians over the nights after the first (the first stores every blob new);
wall clock with this process's CPU in brackets (the server's CPU is not in it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

from history import CUSTOMER, night_scan  # noqa: E402  (bench/history.py's generated fleet)
from tests.pgserver import PgServer  # noqa: E402

from fleetcheck.store import customer_key, open_store  # noqa: E402
from fleetcheck.store.spool import SpoolingStore  # noqa: E402

Timing = tuple[float, float]  # wall, CPU seconds


def timed(fn: Callable[[], object]) -> Timing:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def median(ts: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)


def fmt(t: Timing, ms: bool = False) -> str:
    return f"{t[0] * 1000:.0f} ms ({t[1] * 1000:.0f})" if ms else f"{t[0]:.2f} s ({t[1]:.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--nights", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fleetcheck-bench-pg-"))
    server = PgServer.start_new()
    try:
        url = server.create_database(schema=True)
        spool_url = server.create_database(schema=True)
        sqlite = open_store(work / "history.sqlite3", import_legacy=False)
        pg = open_store(url)
        spooling = SpoolingStore(spool_url, work / "spool.sqlite3")
        saves: dict[str, list[Timing]] = {"sqlite": [], "postgres": [], "spool": []}
        for night in range(args.nights):
            scan = night_scan(args.hosts, night)
            for name, store in (("sqlite", sqlite), ("postgres", pg), ("spool", spooling)):
                t0 = time.perf_counter()
                store.save_scan(scan)
                saves[name].append((time.perf_counter() - t0, 0.0))
            print(f"  night {night + 1}/{args.nights}: sqlite {saves['sqlite'][-1][0]:.2f} s, postgres "
                  f"{saves['postgres'][-1][0]:.2f} s, spool+send {saves['spool'][-1][0]:.2f} s", flush=True)
        assert spooling.spooled is None and spooling.waiting() == []
        cpu: dict[str, Timing] = {}
        extra = night_scan(args.hosts, args.nights)
        for name, store in (("sqlite", sqlite), ("postgres", pg), ("spool", spooling)):
            cpu[name] = timed(lambda s=store: s.save_scan(extra))  # type: ignore[misc]
        ckey = customer_key(CUSTOMER, ())
        reads: dict[str, tuple[Timing, Timing]] = {}
        for name, store in (("sqlite", sqlite), ("postgres", pg)):
            latest = store.latest_scan(ckey)
            assert latest is not None
            report = median([timed(lambda s=store, i=latest.id: (s.load_scan(i), s.changes(i)))  # type: ignore[misc]
                             for _ in range(3)])
            history = median([timed(lambda s=store: s.host_history(ckey, "pc-0007"))  # type: ignore[misc]
                              for _ in range(5)])
            reads[name] = (report, history)
        checks = sum(len(h.checks) for h in extra.hosts)
        print(f"\n{args.hosts} hosts, {checks} check results per scan, {args.nights + 1} nights saved\n")
        print("|                                   | SQLite         | PostgreSQL     | spool + send   |")
        print("|-----------------------------------|----------------|----------------|----------------|")
        later = {k: median(v[1:] or v) for k, v in saves.items()}
        print(f"| save one scan, median wall        | {later['sqlite'][0]:.2f} s         | "
              f"{later['postgres'][0]:.2f} s         | {later['spool'][0]:.2f} s         |")
        print(f"| save one more scan: wall (CPU)    | {fmt(cpu['sqlite']):<14} | "
              f"{fmt(cpu['postgres']):<14} | {fmt(cpu['spool']):<14} |")
        print(f"| latest report's data: wall (CPU)  | {fmt(reads['sqlite'][0]):<14} | "
              f"{fmt(reads['postgres'][0]):<14} |                |")
        print(f"| one host's history: wall (CPU)    | {fmt(reads['sqlite'][1], True):<14} | "
              f"{fmt(reads['postgres'][1], True):<14} |                |")
        for store in (sqlite, pg, spooling):
            store.close()
        return 0
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
