"""Benchmark (not a test): does a dashboard rescan reuse its SSH connections? What does it save?

N real sshd hosts on loopback (bench/_fleet.py, each logging at INFO so it
writes one "Accepted publickey" line per login) are scanned by the dashboard
exactly as `fleetcheck tui` builds it (`cli/tui_cmd.make_app`, headless): the
first scan on start, then `R` (rescan all) twice. Per scan it prints the wall
time, the process CPU time, the new connections the SSH collector made and
the logins the hosts' sshd logged. The same run with connection keeping off
(what every scan cost before) follows for comparison.

Run: `.venv/bin/python bench/tui_rescan.py [--hosts N]` (default 50). Every sshd
is stopped by PID at the end, also on an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._fleet import make_fleet  # noqa: E402
from tests.ssh.fleet import HostSpec  # noqa: E402


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def logins(fleet: Any) -> int:
    return sum(h.log_text().count("Accepted publickey") for h in fleet.hosts.values())


async def settle(app: Any, pilot: Any) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def run_dashboard(fleet: Any, inventory: Path, ssh_config: Path, keep: bool,
                  rescans: int) -> list[dict[str, Any]]:
    from fleetcheck.cli import tui_cmd
    from fleetcheck.cli.main import build_parser

    args = build_parser().parse_args(["tui", "--no-history", "--interval", "0", "--timeout", "60",
                                      "--ssh-config", str(ssh_config), str(inventory)])
    app = tui_cmd.make_app(args, keep_connections=keep)
    collector = next(iter(app.runner.collectors.values()))
    rows: list[dict[str, Any]] = []

    async def scenario() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            for n in range(rescans + 1):
                before = (time.monotonic(), cpu_s(), collector.connects, logins(fleet))
                if n:
                    await pilot.press("R")
                await settle(app, pilot)
                reached = sum(1 for e in app.fleet.entries.values()
                              if e.result is not None and e.result.reachability.value == "reachable")
                rows.append({"scan": "first" if n == 0 else f"rescan {n}",
                             "wall_s": time.monotonic() - before[0], "cpu_s": cpu_s() - before[1],
                             "new_connections": collector.connects - before[2],
                             "sshd_logins": logins(fleet) - before[3], "reached": reached})

    asyncio.run(scenario())
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=50, help="fleet size (default 50)")
    ap.add_argument("--rescans", type=int, default=2, help="rescans after the first scan (default 2)")
    args = ap.parse_args()
    os.environ.pop("SSH_AUTH_SOCK", None)  # the fleet's key only
    fleet, root = make_fleet(args.hosts)
    try:
        fleet.start({f"h{i:04d}": HostSpec(sshd_options=("LogLevel INFO",)) for i in range(args.hosts)})
        inventory = fleet.write_inventory(root / "fleet.yaml")
        ssh_config = root / "ssh_config"
        ssh_config.touch()
        print(f"{args.hosts} hosts, dashboard built by `fleetcheck tui` (tui_cmd.make_app), headless")
        print(f"{'keep connections':<17} {'scan':<9} {'wall s':>7} {'CPU s':>6} {'new conn':>8} "
              f"{'sshd logins':>11} {'reached':>7}")
        for keep in (True, False):
            for row in run_dashboard(fleet, inventory, ssh_config, keep, args.rescans):
                print(f"{'yes' if keep else 'no (as before)':<17} {row['scan']:<9} {row['wall_s']:>7.2f} "
                      f"{row['cpu_s']:>6.2f} {row['new_connections']:>8} {row['sshd_logins']:>11} "
                      f"{row['reached']:>7}")
    finally:
        fleet.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
