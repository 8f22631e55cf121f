"""Benchmark (not a test): probes per second of `fleetcheck exporter` for one host, and its peers.

One host, two kinds: this machine (`kind: local`, inventories/local.yaml) and one
real sshd on loopback (bench/_fleet.py, the test fleet's host; `--no-ssh` skips it).
For each, in one run:

  exporter, 1 scraper        /probe?host=NAME back to back on one keep-alive HTTP connection
  exporter, N scrapers       N threads probing the same host at once: single-flight shares
                             scans, so probes per scan rises above 1
  exporter, no keep (ssh)    the same 1-scraper loop with --no-keep-connections
  scan process per probe     `fleetcheck scan INV --host NAME --format prometheus --no-history`,
                             one process each: what a textfile cron job or a naive exporter costs
  in-process scan            open_session + engine.run([host]) in a loop, no HTTP, fresh
                             connection each time: the scan's own cost

The exporter runs as a real process (`--listen 127.0.0.1:0`); scans counted from its
own /metrics (`fleetcheck_exporter_scans_total`). Every process it starts (exporter,
sshd) is stopped by PID at the end, also on an error or Ctrl-C.

    .venv/bin/python bench/exporter.py [--probes 40] [--scrapers 8] [--processes 5] [--no-ssh]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._fleet import make_fleet  # noqa: E402
from tests.ssh.fleet import HostSpec  # noqa: E402

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/")


class Exporter:
    def __init__(self, inventory: Path, ssh_config: Path, *more: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fleetcheck", "exporter", "--listen", "127.0.0.1:0", "--ssh-config",
             str(ssh_config), str(inventory), *more],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        found = LISTENING.search(line)
        if not found:
            self.stop()
            raise RuntimeError(f"exporter did not start: {line}")
        self.port = int(found.group(1))
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep the pipe drained

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def probe(self, conn: http.client.HTTPConnection, host: str) -> str:
        conn.request("GET", f"/probe?host={host}", headers={"X-Prometheus-Scrape-Timeout-Seconds": "60"})
        resp = conn.getresponse()
        body = resp.read().decode()
        if resp.status != 200:
            raise RuntimeError(f"/probe answered {resp.status}: {body}")
        return body

    def scans(self) -> float:
        conn = self.connection()
        try:
            conn.request("GET", "/metrics")
            text = conn.getresponse().read().decode()
        finally:
            conn.close()
        found = re.search(r"^fleetcheck_exporter_scans_total (\S+)$", text, re.M)
        return float(found.group(1)) if found else float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def up(body: str, host: str) -> bool:
    line = rf'^fleetcheck_host_up\{{[^}}]*host="{re.escape(host)}"[^}}]*\}} 1\.0$'
    return re.search(line, body, re.M) is not None


def sequential(exp: Exporter, host: str, probes: int) -> dict[str, Any]:
    conn = exp.connection()
    try:
        exp.probe(conn, host)  # warm: imports, the first connection
        scans0, t0 = exp.scans(), time.perf_counter()
        reached = sum(up(exp.probe(conn, host), host) for _ in range(probes))
        wall = time.perf_counter() - t0
    finally:
        conn.close()
    return {"probes": probes, "wall": wall, "scans": exp.scans() - scans0, "reached": reached}


def concurrent(exp: Exporter, host: str, scrapers: int, probes: int) -> dict[str, Any]:
    per = max(1, probes // scrapers)
    reached = [0] * scrapers
    barrier = threading.Barrier(scrapers + 1)

    def scraper(i: int) -> None:
        conn = exp.connection()
        try:
            barrier.wait()
            for _ in range(per):
                reached[i] += up(exp.probe(conn, host), host)
        finally:
            conn.close()

    threads = [threading.Thread(target=scraper, args=(i,)) for i in range(scrapers)]
    for t in threads:
        t.start()
    scans0 = exp.scans()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"probes": per * scrapers, "wall": wall, "scans": exp.scans() - scans0, "reached": sum(reached)}


def process_per_probe(inventory: Path, ssh_config: Path, host: str, runs: int) -> dict[str, Any]:
    reached = 0
    t0 = time.perf_counter()
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-m", "fleetcheck", "scan", str(inventory), "--host", host,
                               "--format", "prometheus", "--no-history", "--ssh-config", str(ssh_config)],
                              capture_output=True, text=True, timeout=120, check=False)
        reached += up(done.stdout, host)
    return {"probes": runs, "wall": time.perf_counter() - t0, "scans": runs, "reached": reached}


def in_process(inventory: Path, ssh_config: Path, host: str, runs: int) -> dict[str, Any]:
    from fleetcheck.core.session import SessionOptions, open_session

    session = open_session(SessionOptions(inventories=(str(inventory),), ssh_config=str(ssh_config),
                                          history=False),
                           select=lambda inv: tuple(h for h in inv.hosts if h.name == host))

    async def loop() -> dict[str, Any]:
        await session.engine().run(session.hosts, lambda _e: None)  # warm
        reached, t0 = 0, time.perf_counter()
        for _ in range(runs):
            scan = await session.engine().run(session.hosts, lambda _e: None)
            reached += scan.hosts[0].reachability.value == "reachable"
        wall = time.perf_counter() - t0
        await session.close(2.0)
        return {"probes": runs, "wall": wall, "scans": runs, "reached": reached}

    return asyncio.run(loop())


def show(target: str, mode: str, row: dict[str, Any]) -> None:
    rate = row["probes"] / row["wall"] if row["wall"] else float("nan")
    per_scan = row["probes"] / row["scans"] if row["scans"] else float("nan")
    print(f"{target:<7} {mode:<34} {row['probes']:>6} {row['wall']:>7.2f} {rate:>8.1f} "
          f"{row['wall'] / row['probes'] * 1000:>8.0f} {row['scans']:>6.0f} {per_scan:>9.1f} "
          f"{row['reached']:>4}/{row['probes']}", flush=True)


def bench(target: str, inventory: Path, ssh_config: Path, host: str, args: argparse.Namespace) -> None:
    exp = Exporter(inventory, ssh_config)
    try:
        show(target, "exporter, 1 scraper", sequential(exp, host, args.probes))
        show(target, f"exporter, {args.scrapers} scrapers", concurrent(exp, host, args.scrapers, args.probes))
    finally:
        exp.stop()
    if target == "ssh":
        exp = Exporter(inventory, ssh_config, "--no-keep-connections")
        try:
            show(target, "exporter, 1 scraper, no keep", sequential(exp, host, args.probes))
        finally:
            exp.stop()
    show(target, "scan process per probe", process_per_probe(inventory, ssh_config, host, args.processes))
    show(target, "in-process scan (no HTTP)", in_process(inventory, ssh_config, host, args.probes))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--probes", type=int, default=40, help="probes per exporter row (default 40)")
    ap.add_argument("--scrapers", type=int, default=8, help="concurrent scrapers (default 8)")
    ap.add_argument("--processes", type=int, default=5, help="scan processes in the process-per-probe row")
    ap.add_argument("--no-ssh", action="store_true", help="only this machine, no sshd host")
    args = ap.parse_args()
    os.environ.pop("SSH_AUTH_SOCK", None)  # the fleet's key only
    print(f"fleetcheck exporter, one host; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print(f"{'target':<7} {'mode':<34} {'probes':>6} {'wall s':>7} {'probes/s':>8} {'ms/probe':>8} "
          f"{'scans':>6} {'per scan':>9} {'up':>6}")
    fleet = root = None
    scratch = Path(tempfile.mkdtemp(prefix="fleetbench-exporter-"))
    try:
        local_ssh = scratch / "ssh_config"
        local_ssh.touch()
        bench("local", ROOT / "inventories" / "local.yaml", local_ssh, "localhost", args)
        if not args.no_ssh:
            fleet, root = make_fleet(1)
            fleet.start({"h0000": HostSpec()})
            inventory = fleet.write_inventory(root / "fleet.yaml")
            ssh_config = root / "ssh_config"
            ssh_config.touch()
            bench("ssh", inventory, ssh_config, "h0000", args)
    finally:
        if fleet is not None:
            fleet.stop()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
