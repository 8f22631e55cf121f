"""Benchmark (not a test): twenty customer scanners and one central dashboard on one database.

    .venv/bin/python bench/central.py [--scanners 20] [--hosts 50] [--rounds 5] [--pause 0.5]
                                      [--no-peer] [--json FILE]

Starts a real PostgreSQL (tests/pgserver.py: Debian's server in a temp
folder on a free loopback port, stopped by PID at the end) and opens the
central dashboard on it headless (`App.run_test`, 160x50), live by
LISTEN/NOTIFY. Then `--scanners` processes (bench/_central_scanner.py), each
one customer with `--hosts` scripted hosts, scan `--rounds` times at once
and save every scan through the real store as `fleetcheck scan` does (to
PostgreSQL through each scanner's own local spool). Reported:

- scans/s stored: scans saved / (first scan's start .. last commit);
- the longest time one scan spent in the store (begin, hosts, final commit),
  with p50/p95;
- the dashboard's update latency: from the scanner's clock right after its
  commit returned to the end of the frame that painted the customer's rows
  (both time.time() on one machine), p50/p95/max. A scan that a newer scan
  of the same customer replaced before the dashboard read it is never
  shown (the dashboard shows the newest); how many were shown is printed.
  Of that latency: "heard p50" until the feed thread had the notification
  (PostgreSQL only: SQLite's feed does not name the scan), "read p50" until
  the reader thread had read the scan (the rest is handing it to the UI and
  painting). "ui cpu": CPU seconds the dashboard's process used meanwhile
  (all its threads), from the first scanner's start until the last scan
  was on screen.

Peers, measured in the same run: one scanner alone on PostgreSQL (the floor
with nothing else competing for the cores), and the same scanners writing one
SQLite file, with the dashboard on it (data_version polled every second).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pgserver

SETTLE = 30.0  # seconds the dashboard may take to show the last scans after the scanners end


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


async def phase(name: str, db: str, feed: Any, args: argparse.Namespace, scanners: int) -> dict[str, Any]:
    from fleetcheck.store import open_store
    from fleetcheck.store.central import CentralReader, Read
    from fleetcheck.tui.central_app import CentralApp

    shown: dict[int, float] = {}
    read_done: dict[int, float] = {}  # when the reader thread had the scan (before the UI got it)

    def on_shown(read: Read, at: float) -> None:
        for cs in read.scans:
            shown.setdefault(cs.info.id, at)
            read_done.setdefault(cs.info.id, read.at.timestamp())

    heard: dict[int, float] = {}  # when the feed thread got the notification (PostgreSQL names the scan)

    class Heard:
        location, how = feed.location, feed.how

        def run(self, emit: Callable[[Any], object], stop: Any) -> None:
            def record(ev: Any) -> object:
                if getattr(ev, "scan_id", None) is not None:
                    heard.setdefault(ev.scan_id, ev.at.timestamp())
                return emit(ev)
            feed.run(record, stop)

    opener: Callable[[], Any] = lambda: open_store(db, import_legacy=False)  # noqa: E731
    app = CentralApp(Heard(), CentralReader(opener), on_shown=on_shown)
    scans: list[dict[str, Any]] = []
    procs: list[asyncio.subprocess.Process] = []
    load0 = os.getloadavg()
    async with app.run_test(size=(160, 50)) as pilot:
        while app.central.read_at is None:
            await pilot.pause(0.05)
        cpu0 = time.process_time()
        homes = tempfile.TemporaryDirectory(prefix="fleetcheck-scanners-")
        try:
            for i in range(scanners):  # each site's box has its own state folder (and spool)
                env = {**os.environ, "FLEETCHECK_HOME": str(Path(homes.name) / f"site-{i + 1}")}
                procs.append(await asyncio.create_subprocess_exec(
                    sys.executable, str(ROOT / "bench" / "_central_scanner.py"), db, str(i + 1),
                    "--hosts", str(args.hosts), "--rounds", str(args.rounds), "--pause", str(args.pause),
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env))
            outs = await asyncio.gather(*(p.communicate() for p in procs))
        finally:
            for p in procs:  # stopped by PID when the bench itself is interrupted
                if p.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        p.kill()
                    await p.wait()
            homes.cleanup()
        for (out, err), p in zip(outs, procs, strict=True):
            if p.returncode != 0:
                tail = err.decode(errors="replace")[-2000:]
                raise RuntimeError(f"a scanner failed ({p.returncode}): {tail}")
            scans += [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        last: dict[str, tuple[int, float]] = {}
        for s in scans:  # each customer's newest scan must reach the screen
            newer = s["customer"] not in last or s["commit"] > last[s["customer"]][1]
            if s["scan_id"] is not None and newer:
                last[s["customer"]] = (s["scan_id"], s["commit"])
        deadline = time.monotonic() + SETTLE
        while not all(sid in shown for sid, _ in last.values()) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        rows = app.main_screen.table.row_count
        ui_cpu = time.process_time() - cpu0
    errors = [s["error"] for s in scans if s["error"]]
    saved = [s for s in scans if s["scan_id"] is not None]
    span = max(s["commit"] for s in saved) - min(s["started"] for s in saved)
    waits = [s["db_wait_s"] for s in saved]
    latency = [shown[s["scan_id"]] - s["commit"] for s in saved if s["scan_id"] in shown]
    to_read = [read_done[s["scan_id"]] - s["commit"] for s in saved if s["scan_id"] in shown]
    to_heard = [heard[s["scan_id"]] - s["commit"] for s in saved if s["scan_id"] in heard]
    return {"phase": name, "scans": len(saved), "errors": errors[:5], "span_s": span,
            "scans_per_s": len(saved) / span, "db_wait_max_s": max(waits), "db_wait_p50_s": pct(waits, 50),
            "db_wait_p95_s": pct(waits, 95), "shown": len(latency),
            "newest_shown": sum(1 for sid, _ in last.values() if sid in shown), "customers": len(last),
            "latency_p50_s": pct(latency, 50), "latency_p95_s": pct(latency, 95),
            "latency_max_s": max(latency, default=float("nan")), "rows": rows,
            "commit_to_read_p50_s": pct(to_read, 50), "commit_to_heard_p50_s": pct(to_heard, 50),
            "commit_to_heard_max_s": max(to_heard, default=float("nan")),
            "commit_to_read_max_s": max(to_read, default=float("nan")),
            "dashboard_cpu_s": ui_cpu, "load_before": load0[0], "load_after": os.getloadavg()[0]}


def line(r: dict[str, Any]) -> str:
    ms = {k: r[k] * 1000 for k in ("db_wait_p50_s", "db_wait_p95_s", "db_wait_max_s", "latency_p50_s",
                                   "latency_p95_s", "latency_max_s", "commit_to_heard_p50_s",
                                   "commit_to_read_p50_s")}
    return (f"{r['phase']:<11} {r['scans']:>5} {r['span_s']:>7.1f} {r['scans_per_s']:>7.2f} "
            f"{ms['db_wait_p50_s']:>8.1f} {ms['db_wait_p95_s']:>8.1f} {ms['db_wait_max_s']:>8.1f} "
            f"{r['shown']:>3}/{r['scans']:<4} {r['newest_shown']:>2}/{r['customers']:<2} "
            f"{ms['latency_p50_s']:>8.0f} {ms['latency_p95_s']:>8.0f} {ms['latency_max_s']:>8.0f} "
            f"{ms['commit_to_heard_p50_s']:>8.0f} {ms['commit_to_read_p50_s']:>8.0f} "
            f"{r['rows']:>5} {r['dashboard_cpu_s']:>6.2f} {r['load_before']:>5.1f} {r['load_after']:>5.1f}")


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    from tests.pgserver import PgServer

    from fleetcheck.store.feed.postgres import PostgresFeed
    from fleetcheck.store.feed.sqlite import SqliteFeed

    results = []
    server = PgServer.start_new()
    try:
        url = server.create_database(schema=True)
        results.append(await phase("postgresql", url, PostgresFeed(url), args, args.scanners))
        if not args.no_peer:  # the floor: one scanner alone, nothing else competing for the cores
            alone = server.create_database(schema=True)
            results.append(await phase("pg, 1 alone", alone, PostgresFeed(alone), args, 1))
    finally:
        server.destroy()
    if not args.no_peer:
        with tempfile.TemporaryDirectory(prefix="fleetcheck-central-") as tmp:
            path = str(Path(tmp) / "history.sqlite3")
            from fleetcheck.store import open_store

            open_store(path, import_legacy=False).close()
            results.append(await phase("sqlite", path, SqliteFeed(path), args, args.scanners))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scanners", type=int, default=20)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pause", type=float, default=0.5, help="seconds a scanner waits between two scans")
    ap.add_argument("--no-peer", action="store_true", help="PostgreSQL only, no SQLite peer")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    print(f"{args.scanners} scanners x {args.hosts} hosts x {args.rounds} rounds; "
          f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}", flush=True)
    results = asyncio.run(bench(args))
    print("store        scans  span s  scans/s  wait p50  wait p95  wait max  shown   newest  "
          "lat p50  lat p95  lat max  heard p50  read p50  rows  ui cpu load0 load1")
    print(" " * 38 + "ms        ms        ms" + " " * 23 + "ms       ms       ms        ms        ms")
    for r in results:
        print(line(r))
        if r["errors"]:
            print(f"  errors: {r['errors']}")
    if len(results) == 3:
        pg, alone, lite = results
        print(f"postgresql/sqlite: scans/s {pg['scans_per_s'] / lite['scans_per_s']:.2f}x, longest wait "
              f"{pg['db_wait_max_s'] / lite['db_wait_max_s']:.2f}x, latency p50 "
              f"{pg['latency_p50_s'] / lite['latency_p50_s']:.2f}x")
        print(f"{args.scanners} at once / 1 alone (postgresql): longest wait "
              f"{pg['db_wait_max_s'] / alone['db_wait_max_s']:.1f}x, "
              f"latency p50 {pg['latency_p50_s'] / alone['latency_p50_s']:.1f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
