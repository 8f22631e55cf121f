"""Benchmark (not a test): the dashboard with 2000 hosts while a scan streams in.

Headless (`App.run_test`, 160x50). A scripted collector answers each of 2000
hosts after a random delay, so results stream through the real ScanEngine and
the dashboard's coalescing into the table for ~15 s. Meanwhile a key (`j`/`k`)
is sent every 100 ms. Measured:

- keypress -> handled: from posting the key event to the app until the
  bound action ran (p50, p95, max);
- longest main-thread stall: a 5 ms ticker on the app's event loop records how
  late it woke up (covers message handling, table updates, rendering, garbage
  collection), in wall time and in CPU time the main thread used meanwhile (the
  CPU figure is what the code costs; the wall figure also counts waiting for a
  core, so read it together with the load average printed alongside: other
  processes on a 2-core box inflate it). The ticker runs from start-up until
  the dashboard has been idle for `SETTLE` seconds after the last scan, so the
  stalls after a scan (its last repaint, the full garbage collection a second
  later) and those of every `--rescans` scan count like the rest: the headline
  figure is the longest of them all, wherever it fell;
- CPU while idle: process CPU time over 10 s after the scan ended, no input;
- RSS: peak resident memory sampled during the run.

Targets (issue 4) at 2000 hosts: p95 keypress < 100 ms, no stall > 50 ms, idle
CPU < 1 % of one core, RSS < 150 MB; at 10,000 hosts (issue 7 §5): p95 keypress
< 50 ms, no stall > 50 ms, idle CPU < 1 %, RSS < 250 MB.
Run: `.venv/bin/python bench/tui_2000.py [--hosts N]`.

`--terminal OUT` runs the app on the real terminal instead (start it inside
`tmux new-session -x 160 -y 50`), so writing each frame to the terminal is
measured too, and writes the figures to the file OUT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import statistics
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import psutil
from textual import events

from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.engine import EngineOptions
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import HOST_KINDS, Host, Inventory
from fleetcheck.core.results import CheckResult, Evidence, Metric
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.app import FleetcheckApp
from fleetcheck.tui.gc_tuning import tune_for_interactive
from fleetcheck.tui.screens.main import MainScreen

OBSERVED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
SETTLE = 3.0  # seconds measured after each scan: past its last repaint and the full collection


class StreamingCollector:
    """Answers each host after a seeded random delay with a seeded random state."""

    kinds: ClassVar[frozenset[str]] = frozenset(HOST_KINDS)

    def __init__(self, seed: int, max_delay: float) -> None:
        self.rng = random.Random(seed)
        self.max_delay = max_delay

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        await asyncio.sleep(self.rng.uniform(0.02, self.max_delay))
        roll = self.rng.random()
        if roll < 0.02:
            raise Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.refused", where=f"{host.address}:22"),
                              msg("ssh.tcp.refused.fix"),
                              f"connect {host.address}:22: refused")
        state = (State.CRIT if roll < 0.07 else State.UNKNOWN if roll < 0.10 else
                 State.WARN if roll < 0.20 else State.OK)
        checks = [CheckResult(f"fs.used:/data{i}", State.OK, f"/data{i} {30 + i}% used",
                              metrics=(Metric("fs_used_pct", 30.0 + i, "%", "80", "90"),),
                              evidence=(Evidence.of("df -P", f"/dev/sd{i} {30 + i}%", OBSERVED),))
                  for i in range(4)]
        if state is State.UNKNOWN:
            checks.append(CheckResult.unknown("kernel.errors", "kernel errors", "journal not readable"))
        elif state is not State.OK:
            checks.append(CheckResult("mem.used", state, f"memory {85 if state is State.WARN else 97}% used",
                                      evidence=(Evidence.of("/proc/meminfo", "MemAvailable: 1", OBSERVED),)))
        return Collection(checks)

    async def close(self) -> None:
        return None


def fleet(n: int) -> Inventory:
    kinds = ("linux", "windows", "windows", "macos", "printer")
    hosts = tuple(Host(f"host-{i:04d}", kinds[i % len(kinds)], f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
                       site=f"site-{i % 7}", tags=(f"floor{i % 4}",)) for i in range(n))
    return Inventory("Benchmark GmbH", hosts, ("bench",))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextlib.asynccontextmanager
async def on_terminal(app: FleetcheckApp) -> AsyncIterator[None]:
    """The app on the real terminal (Textual's own driver), driven like run_test drives it."""
    task = asyncio.create_task(app.run_async())
    while not (app.is_running and app.main_screen.is_mounted):
        await asyncio.sleep(0.01)
    try:
        yield None
    finally:
        app.exit()
        await task


async def bench(n: int, max_delay: float, concurrency: int, idle_seconds: float,
                terminal: bool = False, rescans: int = 0) -> dict[str, Any]:
    proc = psutil.Process()
    collector = StreamingCollector(1, max_delay)
    app = FleetcheckApp(fleet(n), {k: collector for k in HOST_KINDS},
                        options=EngineOptions(concurrency=concurrency), interval=0)
    tune_for_interactive()  # as `fleetcheck tui` does: after the inventory and the app exist
    handled: list[float] = []
    original_down, original_up = MainScreen.action_cursor_down, MainScreen.action_cursor_up

    def down(self: MainScreen) -> None:
        original_down(self)
        handled.append(time.perf_counter())

    def up(self: MainScreen) -> None:
        original_up(self)
        handled.append(time.perf_counter())

    MainScreen.action_cursor_down = down  # type: ignore[method-assign]
    MainScreen.action_cursor_up = up  # type: ignore[method-assign]
    stalls: list[float] = []
    cpu_stalls: list[float] = []
    when: list[float] = []  # seconds since the app was up, per ticker sample
    phase_of: list[str] = []  # "scan", "after" (the scan's settling time, GC included) or "rescanN"
    phase = ["scan"]
    t0 = time.perf_counter()
    rss_peak = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal rss_peak
        period = 0.005
        while not stop.is_set():
            t, c = time.perf_counter(), time.thread_time()
            await asyncio.sleep(period)
            stalls.append(time.perf_counter() - t - period)
            cpu_stalls.append(time.thread_time() - c)
            when.append(t - t0)
            phase_of.append(phase[0])
            if len(stalls) % 100 == 0:
                rss_peak = max(rss_peak, proc.memory_info().rss)

    gc_pauses: list[tuple[float, int]] = []  # (seconds, generation) of every collection
    gc_log: list[tuple[float, int, float, str]] = []  # (seconds, generation, when, phase)
    gc_started = [0.0]

    def on_gc(gc_phase: str, info: dict[str, int]) -> None:
        if gc_phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            took = time.perf_counter() - gc_started[0]
            gc_pauses.append((took, info["generation"]))
            gc_log.append((took, info["generation"], gc_started[0] - t0, phase[0]))

    gc.callbacks.append(on_gc)
    latencies: list[float] = []
    runner = on_terminal(app) if terminal else app.run_test(size=(160, 50))

    async def keys_while_scanning() -> None:
        """A key every 100 ms until the scan has ended, wandering down and back up."""
        i = 0
        while app.full_scan_running or app.runner.running:
            key = "j" if (i // 10) % 2 == 0 else "k"
            before = len(handled)
            sent = time.perf_counter()
            app.post_message(events.Key(key, key))
            while len(handled) == before:
                await asyncio.sleep(0.001)
                if time.perf_counter() - sent > 30:
                    raise RuntimeError("a key was not handled within 30 s")
            latencies.append(handled[-1] - sent)
            i += 1
            await asyncio.sleep(0.1)

    async def tidied() -> None:
        """Until the app has packed the results (if it does) and SETTLE seconds more: its idle
        work after a scan (the last repaint, packing, the full collection) is measured too."""
        for _ in range(1200):
            if getattr(app.fleet, "unpacked", 0) == 0:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(SETTLE)

    async with runner:
        tick = asyncio.create_task(ticker())
        t_start = time.perf_counter()
        await asyncio.sleep(0.3)
        await keys_while_scanning()
        scan_seconds = time.perf_counter() - t_start
        scan_gc = list(gc_pauses)
        phase[0] = "after"
        await tidied()
        after_gc = gc_pauses[len(scan_gc):]
        rows = app.main_screen.table.row_count
        rss_peak = max(rss_peak, proc.memory_info().rss)
        rss_after = [proc.memory_info().rss / 2**20]  # after each scan: frozen objects must not pile up
        for r in range(rescans):  # measured like the first scan: ticker and keys run on
            phase[0] = f"rescan{r + 1}"
            app.rescan(None)
            await keys_while_scanning()
            await tidied()
            rss_after.append(proc.memory_info().rss / 2**20)
        stop.set()
        await tick
        rss_peak = max(rss_peak, proc.memory_info().rss)
        cpu0, wall0 = proc.cpu_times(), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        cpu1, wall1 = proc.cpu_times(), time.perf_counter()
        idle_cpu = ((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)) / (wall1 - wall0) * 100
        app.exit()
    gc.callbacks.remove(on_gc)
    longest_gc = max(scan_gc, default=(0.0, 0))
    reclaim = max(after_gc, default=(0.0, 0))

    def of(name: str) -> tuple[list[float], list[float]]:
        picked = [i for i, p in enumerate(phase_of) if p == name or (name == "rescan" and p.startswith(name))]
        return [stalls[i] for i in picked] or [0.0], [cpu_stalls[i] for i in picked] or [0.0]

    worst = sorted(zip(stalls, cpu_stalls, when, phase_of, strict=True), reverse=True)[:3]
    (scan_w, scan_c), (after_w, after_c), (re_w, re_c) = of("scan"), of("after"), of("rescan")
    return {"rss_after_mb": rss_after, "reclaim_ms": reclaim[0] * 1000, "reclaim_gen": reclaim[1],
            "gc_count": len(scan_gc), "gc_max_ms": longest_gc[0] * 1000, "gc_max_gen": longest_gc[1],
            "hosts": n, "rows": rows, "scan_s": scan_seconds, "keys": len(latencies),
            "key_p50_ms": statistics.median(latencies) * 1000, "key_p95_ms": pct(latencies, 95) * 1000,
            "key_max_ms": max(latencies) * 1000,
            "stall_max_ms": max(stalls) * 1000, "stall_p99_ms": pct(stalls, 99) * 1000,
            "cpu_stall_max_ms": max(cpu_stalls) * 1000, "cpu_stall_p99_ms": pct(cpu_stalls, 99) * 1000,
            "scan_stall_max_ms": max(scan_w) * 1000, "scan_cpu_stall_max_ms": max(scan_c) * 1000,
            "after_stall_max_ms": max(after_w) * 1000, "after_cpu_stall_max_ms": max(after_c) * 1000,
            "rescan_stall_max_ms": max(re_w) * 1000, "rescan_cpu_stall_max_ms": max(re_c) * 1000,
            "idle_cpu_pct": idle_cpu,
            "worst_gc": " ".join(f"{s * 1000:.0f}ms gen{g}@{w:.1f}s/{p}"
                                 for s, g, w, p in sorted(gc_log, reverse=True)[:3]),
            "worst_stalls": " ".join(f"{s * 1000:.0f}ms (CPU {c * 1000:.0f})@{w:.1f}s/{p}"
                                     for s, c, w, p in worst),
            "rss_peak_mb": rss_peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--max-delay", type=float, default=0.5, help="longest per-host answer time, s")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement")
    parser.add_argument("--terminal", metavar="OUT", help="run on the real terminal; write figures to OUT")
    parser.add_argument("--rescans", type=int, default=0, help="full rescans after the measured scan, "
                        "printing RSS after each (memory must stay flat)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    r = asyncio.run(bench(args.hosts, args.max_delay, args.concurrency, args.idle, bool(args.terminal),
                          args.rescans))
    load_after = os.getloadavg()[0]
    rescans = args.rescans
    big = args.hosts >= 10_000
    key_target, rss_target = (50, 250) if big else (100, 150)
    ok = {"key_p95_ms": r["key_p95_ms"] < key_target, "stall_max_ms": r["stall_max_ms"] < 50,
          "idle_cpu_pct": r["idle_cpu_pct"] < 1, "rss_peak_mb": r["rss_peak_mb"] < rss_target}
    lines = [
        f"{'real terminal' if args.terminal else 'headless'}; load average (1 min) before "
        f"{load_before:.1f}, after {load_after:.1f} on {os.cpu_count()} cores",
        f"hosts {r['hosts']:.0f} (rows shown {r['rows']:.0f}), scan streamed for {r['scan_s']:.1f} s, "
        f"{r['keys']:.0f} keys sent during the scan",
        f"keypress -> handled: p50 {r['key_p50_ms']:.1f} ms, p95 {r['key_p95_ms']:.1f} ms, "
        f"max {r['key_max_ms']:.1f} ms   "
        f"[target p95 < {key_target} ms: {'ok' if ok['key_p95_ms'] else 'MISSED'}]",
        f"main-thread stall, whole run (wall): max {r['stall_max_ms']:.1f} ms, "
        f"p99 {r['stall_p99_ms']:.1f} ms   "
        f"[target max < 50 ms: {'ok' if ok['stall_max_ms'] else 'MISSED'}]",
        f"main-thread stall, whole run (CPU):  max {r['cpu_stall_max_ms']:.1f} ms, "
        f"p99 {r['cpu_stall_p99_ms']:.1f} ms",
        f"  while streaming: wall {r['scan_stall_max_ms']:.1f} ms (CPU {r['scan_cpu_stall_max_ms']:.1f}); "
        f"after the scan: wall {r['after_stall_max_ms']:.1f} ms (CPU {r['after_cpu_stall_max_ms']:.1f})"
        + (f"; rescans: wall {r['rescan_stall_max_ms']:.1f} ms (CPU {r['rescan_cpu_stall_max_ms']:.1f})"
           if rescans else ""),
        f"longest stalls (wall, at seconds after start/phase): {r['worst_stalls']}",
        f"GC during the scan: {r['gc_count']} collections, longest {r['gc_max_ms']:.1f} ms "
        f"(generation {r['gc_max_gen']})",
        f"GC after the scan (idle): longest {r['reclaim_ms']:.1f} ms (generation {r['reclaim_gen']})",
        f"longest collections (all of the run): {r['worst_gc']}",
        f"idle CPU: {r['idle_cpu_pct']:.2f} % of one core   "
        f"[target < 1 %: {'ok' if ok['idle_cpu_pct'] else 'MISSED'}]",
        f"RSS peak: {r['rss_peak_mb']:.1f} MB   "
        f"[target < {rss_target} MB: {'ok' if ok['rss_peak_mb'] else 'MISSED'}]",
    ]
    if args.rescans:
        lines.append("RSS after each scan: " + ", ".join(f"{mb:.1f}" for mb in r["rss_after_mb"]) + " MB")
    if args.terminal:
        with open(args.terminal, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
