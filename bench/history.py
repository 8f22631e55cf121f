"""The history store at a year's scale: a benchmark, not a test (it never fails on a missed target).

Generates nightly scans of a fleet (default 1000 hosts, 30 checks each, evidence shaped
like the real probes': df output shared by the filesystem checks, SMART reports whose
power-on hours change every night, journal excerpts that mostly do not) and saves them
to a fresh SQLite store, then measures what issue #9 §1 sets targets for:

  save one 1000-host scan         < 1 s
  the latest report's data        < 2 s   (latest scan with evidence + changes since the one before)
  one host's history              < 100 ms
  the database size               a year well under 1 GB

The peer, measured in the same run on the same scans: the JSON-folder history of
earlier versions (one compact JSON file per scan). Its size is the exact sum of the
files' bytes (serialised, not written, to spare the disk); its per-file costs are
measured on PEER_FILES written files and multiplied for a year.

    .venv/bin/python bench/history.py                 # 1000 hosts x 60 nights (~2 min here)
    .venv/bin/python bench/history.py --days 365      # the full year (~10 min here)
    options: --hosts N  --days N  --tmp DIR  --keep
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fleetcheck.core.results import CheckResult, Evidence, HostResult, Metric, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.store import customer_key, open_store

T0 = datetime(2026, 1, 1, 2, 15, tzinfo=UTC)
CUSTOMER = "Bench Steuerberatung GmbH"
PEER_FILES = 12  # JSON files written to time the peer's reads and writes
MOUNTS = ("/", "/var", "/home", "/boot", "/srv")
SERVICES = ("cron", "ssh", "rsyslog", "systemd-journald", "postfix")


def smart_report(host: int, night: int) -> str:
    hours = 8760 + host * 13 + night * 24  # changes every night, like the real attribute
    lines = [
        "smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0-27-amd64] (local build)",
        "=== START OF INFORMATION SECTION ===",
        "Device Model:     Samsung SSD 870 EVO 1TB",
        f"Serial Number:    S6PUNX0T{host:06d}",
        "SMART overall-health self-assessment test result: PASSED",
        "ID# ATTRIBUTE_NAME          FLAG     VALUE WORST THRESH TYPE      UPDATED  WHEN_FAILED RAW_VALUE",
    ]
    attrs = [
        ("5", "Reallocated_Sector_Ct", 0),
        ("9", "Power_On_Hours", hours),
        ("12", "Power_Cycle_Count", 41),
        ("177", "Wear_Leveling_Count", 3),
        ("187", "Uncorrectable_Error_Cnt", 0),
        ("194", "Temperature_Celsius", 31 + night % 5),
        ("199", "CRC_Error_Count", 0),
    ]
    lines += [
        f"{i:>3} {name:<23} 0x0033   099   099   010    Pre-fail  Always       -       {raw}"
        for i, name, raw in attrs
    ]
    return "\n".join(lines)


def host_result(i: int, night: int, at: datetime, rng: random.Random) -> HostResult:
    name = f"pc-{i:04d}"
    if rng.random() < 0.02:  # switched off tonight
        check = CheckResult(
            "host.reachability",
            State.CRIT,
            "unreachable: connection timed out",
            evidence=(Evidence.of(f"ssh -> 10.0.{i // 250}.{i % 250}", "timed out", at, "connection"),),
        )
        return HostResult(name, "linux", f"10.0.{i // 250}.{i % 250}", Reachability.TIMEOUT, (check,), at, at)
    used = {m: 30 + (i * 7 + len(m) * 11 + night // 7) % 60 for m in MOUNTS}
    df = "Filesystem 1024-blocks Used Available Capacity Mounted on\n" + "\n".join(
        f"/dev/sda{k} 10000000 {used[m] * 100000} {(100 - used[m]) * 100000} {used[m]}% {m}"
        for k, m in enumerate(MOUNTS)
    )
    ev_df = Evidence.of("df -P -k", df, at)
    checks = []
    for m in MOUNTS:
        state = State.WARN if used[m] >= 85 else State.OK
        checks.append(
            CheckResult(
                f"fs.used:{m}",
                state,
                f"{m}: {used[m]} % used",
                metrics=(Metric("used", float(used[m]), "%", "80", "90", 0, 100),),
                evidence=(ev_df,),
            )
        )
        checks.append(
            CheckResult(
                f"fs.inodes:{m}",
                State.OK,
                f"{m}: 3 % of inodes used",
                metrics=(Metric("inodes_used", 3.0, "%", "80", "90", 0, 100),),
                evidence=(Evidence.of("df -P -i", df.replace("blocks", "inodes"), at),),
            )
        )
    load = round(rng.random() * 2, 2)
    checks.append(
        CheckResult(
            "cpu.load",
            State.OK,
            f"load {load} per core (15 min)",
            metrics=(Metric("load15", load, "", "2", "4", 0),),
            evidence=(Evidence.of("/proc/loadavg", f"{load} {load} {load} 1/321 {night}", at, "file"),),
        )
    )
    mem = 40 + rng.randrange(40)
    meminfo = "\n".join(
        f"{k}: {v} kB"
        for k, v in (
            ("MemTotal", 16318412),
            ("MemFree", 16318412 * (100 - mem) // 100),
            ("MemAvailable", 16318412 * (100 - mem) // 100),
            ("SwapTotal", 2097148),
            ("SwapFree", 2097148),
        )
    )
    checks.append(
        CheckResult(
            "mem.used",
            State.OK,
            f"memory {mem} % used",
            metrics=(Metric("used", float(mem), "%", "90", "95", 0, 100),),
            evidence=(Evidence.of("/proc/meminfo", meminfo, at, "file"),),
        )
    )
    checks.append(
        CheckResult(
            "swap.used",
            State.OK,
            "swap 0 % used",
            evidence=(Evidence.of("/proc/meminfo", meminfo, at, "file"),),
        )
    )
    checks.append(
        CheckResult(
            "system.uptime",
            State.OK,
            f"up {night % 30} days",
            evidence=(Evidence.of("/proc/uptime", f"{(night % 30) * 86400}.12 1234.5", at, "file"),),
        )
    )
    checks.append(
        CheckResult(
            "disk.smart:/dev/sda",
            State.OK,
            "SMART overall-health: PASSED",
            evidence=(Evidence.of("smartctl -H -A /dev/sda", smart_report(i, night), at),),
        )
    )
    for svc in SERVICES:
        checks.append(
            CheckResult(
                f"service:{svc}",
                State.OK,
                f"{svc}.service active (running)",
                evidence=(
                    Evidence.of(
                        f"systemctl show {svc}.service",
                        f"ActiveState=active\nSubState=running\nUnit={svc}.service",
                        at,
                    ),
                ),
            )
        )
    journal = (
        f"-- boot {i:032x} --\nkernel: Linux version 6.1.0-27-amd64\nsystemd[1]: Started Journal Service."
    )
    oom = rng.random() < 0.01
    for cid, what in (
        ("boot.unexpected", "unexpected reboots"),
        ("kernel.errors", "kernel errors"),
        ("oom.kills", "OOM kills"),
        ("apps.crashes", "application crashes"),
    ):
        bad = cid == "oom.kills" and oom
        checks.append(
            CheckResult(
                cid,
                State.WARN if bad else State.OK,
                "1 OOM kill since the previous scan: java" if bad else f"no {what} in 1 day",
                evidence=(Evidence.of("journalctl -k -p warning -o json", journal, at),),
            )
        )
    checks.append(
        CheckResult(
            "services.failed",
            State.OK,
            "no failed units",
            evidence=(Evidence.of("systemctl --failed --output=json", "[]", at),),
        )
    )
    checks.append(
        CheckResult(
            "clock.sync",
            State.OK,
            "NTP synchronised (offset 2 ms)",
            evidence=(Evidence.of("timedatectl show", "NTPSynchronized=yes", at),),
        )
    )
    checks.append(
        CheckResult(
            "reboot.pending",
            State.OK,
            "no reboot pending",
            evidence=(Evidence.of("/var/run/reboot-required", "absent", at, "file"),),
        )
    )
    checks.append(
        CheckResult.unknown(
            "temp",
            "temperatures not checked",
            "no sensors exposed by the kernel",
            evidence=(Evidence.of("/sys/class/thermal", "", at, "file"),),
        )
    )
    facts = {
        "os": "Debian GNU/Linux 12 (bookworm)",
        "kernel": "6.1.0-27-amd64",
        "systemd": True,
        "ssh": {
            "host_key": f"ssh-ed25519 SHA256:{i:043d}",
            "server": "SSH-2.0-OpenSSH_9.2p1",
            "auth": "publickey",
        },
    }
    return HostResult(
        name,
        "linux",
        f"10.0.{i // 250}.{i % 250}",
        Reachability.REACHABLE,
        tuple(checks),
        at,
        at + timedelta(seconds=3),
        "office",
        ("pc",),
        facts,
    )


def night_scan(hosts: int, night: int) -> ScanResult:
    rng = random.Random(night * 7919 + hosts)
    at = T0 + timedelta(days=night)
    return ScanResult(
        at,
        at + timedelta(minutes=4),
        tuple(host_result(i, night, at, rng) for i in range(hosts)),
        CUSTOMER,
        ("/etc/fleetcheck/bench.yaml",),
        version="bench",
    )


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--tmp", help="where the database goes (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fleetcheck-bench-history-", dir=args.tmp))
    try:
        return run(args.hosts, args.days, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def run(hosts: int, days: int, work: Path) -> int:
    db = work / "history.sqlite3"
    store = open_store(db, import_legacy=False)
    peer = work / "json-history"
    peer.mkdir()
    saves: list[float] = []
    json_bytes = 0
    peer_writes: list[float] = []
    checks = 0
    started = time.monotonic()
    for night in range(days):
        scan = night_scan(hosts, night)
        checks += sum(len(h.checks) for h in scan.hosts)
        t, c = time.perf_counter(), time.process_time()
        store.save_scan(scan)
        saves.append((time.perf_counter() - t, time.process_time() - c))
        t = time.perf_counter()
        data = json.dumps(scan.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
        if night >= days - PEER_FILES:  # the peer's save: serialise + write one file (last nights only)
            (peer / f"{scan.started:%Y%m%dT%H%M%S}_bench.json").write_bytes(data)
            peer_writes.append(time.perf_counter() - t)
        json_bytes += len(data)
        if night % 10 == 9 or night == days - 1:
            print(
                f"  night {night + 1}/{days}: save {saves[-1][0]:.2f} s, "
                f"database {dir_size(db) / 1e6:.0f} MB",
                flush=True,
            )
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
    generation = time.monotonic() - started
    size = dir_size(db)
    ckey = customer_key(CUSTOMER, ())

    def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
        """Median wall-clock and CPU seconds (this machine is shared: wall includes waiting)."""
        walls, cpus = [], []
        for _ in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        return statistics.median(walls), statistics.median(cpus)

    fresh = open_store(db, import_legacy=False)  # no warm Python caches from saving

    def report_data() -> None:
        latest = fresh.latest_scan(ckey)
        assert latest is not None
        fresh.load_scan(latest.id)
        fresh.changes(latest.id)

    report = timed(report_data, 3)
    one_host = timed(lambda: fresh.host_history(ckey, "pc-0500", None))
    one_host_full = timed(lambda: fresh.host_results(ckey, "pc-0500", 30), 3)
    files = sorted(peer.iterdir())
    peer_read = timed(lambda: [json.loads(p.read_bytes()) for p in files[-2:]], 3)  # latest + previous
    per_file = timed(lambda: [json.loads(p.read_bytes()) for p in files], 1)[0] / len(files)
    last = saves[-min(10, len(saves)) :]
    save = (statistics.median(s[0] for s in last), statistics.median(s[1] for s in last))
    peer_save = statistics.median(peer_writes)

    def both(t: tuple[float, float], ms: bool = False) -> str:
        return f"{t[0] * 1000:.0f} ms ({t[1] * 1000:.0f})" if ms else f"{t[0]:.2f} s ({t[1]:.2f})"

    print(
        f"\n{hosts} hosts x {days} nights = {checks:,} check results, "
        f"generated and saved in {generation:.0f} s"
    )
    rows = [
        ("save one scan", both(save), f"{peer_save:.2f} s", "< 1 s"),
        ("latest report's data", both(report), f"{peer_read[0]:.2f} s", "< 2 s"),
        ("one host's history", both(one_host, True), f"{per_file * days:.1f} s (est.)", "< 100 ms"),
        ("  ... with evidence, 30 nights", both(one_host_full, True), "", ""),
        (f"size after {days} nights", f"{size / 1e6:.0f} MB", f"{json_bytes / 1e6:.0f} MB", ""),
        ("size per check result", f"{size / checks:.0f} B", f"{json_bytes / checks:.0f} B", ""),
        (
            "size for a year (x365/days)",
            f"{size * 365 / days / 1e6:.0f} MB",
            f"{json_bytes * 365 / days / 1e6:.0f} MB",
            "well under 1 GB",
        ),
    ]
    print("wall clock (CPU of this process in brackets; the difference is waiting for a shared CPU)")
    print(f"{'':34} {'SQLite store':>18} {'JSON folder':>16} {'target':>16}")
    for label, ours, theirs, target in rows:
        print(f"{label:34} {ours:>18} {theirs:>16} {target:>16}")
    print(
        f"ratios (JSON folder / store): size {json_bytes / size:.1f}x, "
        f"one host's history {per_file * days / one_host[0]:.0f}x"
    )
    store.close()
    fresh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
