"""How large an inventory fleetcheck loads, and what each host costs (issue 13 §5).

A benchmark, not a test: for each size it writes an inventory of N hosts (every host with
name, kind, address, tags, a site and one threshold override, as real inventories have), loads
it in a fresh process with `fleetcheck.core.inventory.load_inventory` and prints the load time
and the process's peak RSS. Memory per host is the growth of peak RSS over the smallest size.
Nothing connects anywhere: the addresses are only written into the file.

    .venv/bin/python bench/inventory_size.py                  # 1000 10000 50000 100000 hosts
    .venv/bin/python bench/inventory_size.py --hosts 1000 200000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from fleetcheck.core.inventory import load_inventory
inv = load_inventory([sys.argv[1]])
took = time.perf_counter() - t0
print(json.dumps({"hosts": len(inv.hosts), "seconds": took,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_inventory(path: Path, n: int) -> None:
    with path.open("w") as f:
        f.write("customer: Bench GmbH\nsites:\n  - name: office\n  - name: branch\n"
                "defaults: {user: admin, timeout: 60}\nhosts:\n")
        for i in range(n):
            address = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
            f.write(f"  - name: pc-{i:06d}\n    kind: linux\n    address: {address}\n"
                    f"    site: {'office' if i % 2 else 'branch'}\n    tags: [desk, floor{i % 5}]\n"
                    "    thresholds: {fs.used_pct: {warn: 85, crit: 95}}\n")


def measure(n: int, tmp: Path) -> dict[str, float]:
    path = tmp / f"inv-{n}.yaml"
    write_inventory(path, n)
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                         timeout=1800, check=True).stdout
    figures: dict[str, float] = json.loads(out)
    figures["file_mb"] = path.stat().st_size / 1e6
    path.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, nargs="+", default=[1000, 10000, 50000, 100000])
    args = parser.parse_args()
    sizes = sorted(set(args.hosts))
    rows = []
    with tempfile.TemporaryDirectory(prefix="fleetcheck-inv-bench-") as tmp:
        for n in sizes:
            rows.append(measure(n, Path(tmp)))
            r = rows[-1]
            print(f"{int(r['hosts']):>8} hosts  {r['file_mb']:7.1f} MB file  {r['seconds']:7.2f} s  "
                  f"peak RSS {r['peak_rss_mb']:7.1f} MB", flush=True)
    base = rows[0]
    for r in rows[1:]:
        per_host = (r["peak_rss_mb"] - base["peak_rss_mb"]) * 1024 / (r["hosts"] - base["hosts"])
        per_sec = r["hosts"] / r["seconds"]
        print(f"{int(r['hosts']):>8} hosts: {per_host:.1f} KiB peak RSS per host over {int(base['hosts'])}, "
              f"{per_sec:,.0f} hosts/s")


if __name__ == "__main__":
    main()
