"""Benchmark: `fleetcheck scan` of 200 SNMP printers (snmpsim) plus 20 dead ones, and a mixed fleet.

    .venv/bin/python bench/scan_printers.py [--printers 200] [--dead 20] [--ssh 50] [--concurrency 256]
                                            [--old REV] [--json FILE]

Not a test: it prints figures and compares them with the targets of issue 8 §8 (the whole
set in under 5 s; the dead printers cost no more than one timeout × (retries + 1) in total),
and never fails on them. Phases, each one `fleetcheck scan` process (wall time, and client
CPU from the kernel's accounting of the child):
  (a) the live printers alone, (b) the dead ones alone, (c) live + dead in one scan
      (dead cost = c - a), (d) the SSH hosts alone, (e) SSH hosts + live printers in one scan.
A scan of the live printers before (a), not counted, lets snmpsim index its recordings.
Peers measured in the same run, for ratios that hold on a machine whose load moves:
  (s) one printer: process start-up and imports, taken off the CPU per printer;
  (f) the floor: one GET per live printer, hand-encoded and sent at once from one socket,
      until every answer is in (what the agents alone need);
  (o) phase c with fleetcheck as of git revision --old (default: the last one on pysnmp's
      hlapi), run from an export of that revision's src/ (skipped when the revision is missing).
Printers are served by one snmpsim on 127.0.0.1 (one recording per printer, community =
its name, cycling through the test recordings); a dead printer is a UDP port nobody
listens on. SSH hosts are real sshd on 127.0.X.Y (bench/_fleet.py). Every process started
here is stopped by PID.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from _fleet import host_specs, make_fleet  # noqa: E402
from tests.printers.peers import DATA, Snmpsim, _fast_tmp, free_udp_port  # noqa: E402

PYTHON = sys.executable
FLEETCHECK = str(Path(PYTHON).parent / "fleetcheck")
RECORDINGS = ("fleetcheck-healthy", "fleetcheck-empty", "quirk-brother", "quirk-xerox", "quirk-hp",
              "quirk-epson")
TIMEOUT, RETRIES = 1.0, 1  # the inventory defaults
OLD_REV = "c96945d"  # the last revision whose v1/v2c went through pysnmp's hlapi (v1arch)


def cpu_of(pid: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick


def run_scan(inventory: Path, out: Path, concurrency: int, src: Path | None = None) -> dict[str, Any]:
    """One `fleetcheck scan` process; with `src`, the fleetcheck package found there instead."""
    cmd = [FLEETCHECK]
    env = None
    if src is not None:
        cmd = [PYTHON, "-c", "import sys; from fleetcheck.cli.main import main; sys.exit(main())"]
        env = dict(os.environ, PYTHONPATH=str(src))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run([*cmd, "scan", str(inventory), "--format", "json", "-o", str(out),
                           "--no-history", "--concurrency", str(concurrency)],
                          capture_output=True, text=True, timeout=600, env=env)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = json.loads(out.read_text())
    reach: dict[str, int] = {}
    for h in data["hosts"]:
        reach[h["reachability"]] = reach.get(h["reachability"], 0) + 1
    return {"wall_s": round(wall, 3), "cpu_s": round((after.ru_utime - before.ru_utime)
                                                    + (after.ru_stime - before.ru_stime), 3),
            "exit": proc.returncode, "hosts": len(data["hosts"]), "reachability": reach}


def raw_get_floor(communities: list[str], ports: list[int], timeout: float = 10.0) -> dict[str, Any]:
    """Every printer's GET of sysDescr.0 sent at once from one socket; wall and CPU until all
    answered. Hand-encoded (tests/printers/peers.py), nothing decoded: the agents' own floor."""
    def message(community: str, request_id: int) -> bytes:
        oid = bytes([0x2B, 6, 1, 2, 1, 1, 1, 0])
        vb = b"\x30" + bytes([len(oid) + 4]) + b"\x06" + bytes([len(oid)]) + oid + b"\x05\x00"
        vbl = b"\x30" + bytes([len(vb)]) + vb
        rid = request_id.to_bytes(2, "big")
        body = b"\x02\x02" + rid + b"\x02\x01\x00\x02\x01\x00" + vbl
        pdu = b"\xa0" + bytes([len(body)]) + body
        c = community.encode()
        msg = b"\x02\x01\x01\x04" + bytes([len(c)]) + c + pdu
        return b"\x30" + bytes([len(msg)]) + msg

    packets = [message(c, 0x100 + i) for i, c in enumerate(communities)]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.settimeout(timeout)
    cpu0, t0 = time.process_time(), time.monotonic()
    for packet, port in zip(packets, ports, strict=True):
        sock.sendto(packet, ("127.0.0.1", port))
    answered = 0
    try:
        while answered < len(packets):
            sock.recvfrom(65535)
            answered += 1
    except TimeoutError:
        pass
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    sock.close()
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "answered": answered, "sent": len(packets)}


def export_src(rev: str, into: Path) -> Path | None:
    """src/ of git revision `rev`, or None when this checkout does not have it."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}^{{commit}}"],
                      capture_output=True).returncode != 0:
        return None
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


def printer_entries(n: int, ports: list[int]) -> list[dict[str, Any]]:
    return [{"name": f"prn-{i:03d}", "kind": "printer", "address": "127.0.0.1",
             "snmp": {"community": f"prn-{i:03d}", "port": ports[i % len(ports)]}} for i in range(n)]


def dead_entries(n: int) -> list[dict[str, Any]]:
    # always_on: a dead printer is then reported unreachable (not "switched off"): same cost either way
    return [{"name": f"dead-{i:02d}", "kind": "printer", "address": "127.0.0.1", "always_on": True,
             "snmp": {"community": "public", "port": free_udp_port()}} for i in range(n)]


def interleave(live: list[dict[str, Any]], dead: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    step = max(1, len(live) // max(1, len(dead)))
    dead_iter = iter(dead)
    for i, entry in enumerate(live):
        out.append(entry)
        if i % step == step - 1:
            out.extend(d for d in [next(dead_iter, None)] if d is not None)
    out.extend(dead_iter)
    return out


def write_inv(path: Path, hosts: list[dict[str, Any]], defaults: dict[str, Any] | None = None) -> Path:
    doc: dict[str, Any] = {"customer": "Printer bench"}
    if defaults:
        doc["defaults"] = defaults
    doc["hosts"] = hosts
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--printers", type=int, default=200)
    ap.add_argument("--dead", type=int, default=20)
    ap.add_argument("--ssh", type=int, default=50, help="SSH hosts of the mixed fleet (0: skip it)")
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--servers", type=int, default=2,
                    help="snmpsim processes sharing the printers (one answered 200 raw GETs in 0.12 s here)")
    ap.add_argument("--old", default=OLD_REV, help="git revision for peer (o); '' to skip it")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    run = Path(tempfile.mkdtemp(prefix="printerbench-", dir=_fast_tmp()))
    servers = max(1, args.servers)
    for s in range(servers):
        (run / f"data{s}").mkdir()
    for i in range(args.printers):
        shutil.copyfile(DATA / f"{RECORDINGS[i % len(RECORDINGS)]}.snmprec",
                        run / f"data{i % servers}" / f"prn-{i:03d}.snmprec")
    sims = [Snmpsim(run / f"data{s}") for s in range(servers)]
    fleet = None
    report: dict[str, Any] = {"printers": args.printers, "dead": args.dead, "ssh": args.ssh,
                              "concurrency": args.concurrency, "timeout_s": TIMEOUT, "retries": RETRIES,
                              "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    phases: dict[str, Any] = report.setdefault("phases", {})
    try:
        t0 = time.monotonic()
        for s, sim in enumerate(sims):
            sim.start(f"prn-{s:03d}")
        print(f"{servers} snmpsim serving {args.printers} printers on udp 127.0.0.1:"
              f"{','.join(str(s.port) for s in sims)} after {time.monotonic() - t0:.1f} s", flush=True)
        live = printer_entries(args.printers, [s.port for s in sims])
        dead = dead_entries(args.dead)
        # snmpsim indexes a recording on its first use: a scan of every printer first, not timed,
        # or phase a pays for that and c - a comes out negative (measured: -1.3 to -8.7 s)
        report["warmup"] = run_scan(write_inv(run / "w.yaml", live), run / "w.json", args.concurrency)
        sim_cpu0 = sum(cpu_of(s.proc.pid) for s in sims if s.proc)
        phases["a_live"] = run_scan(write_inv(run / "a.yaml", live), run / "a.json", args.concurrency)
        report["snmpsim_cpu_s_phase_a"] = round(sum(cpu_of(s.proc.pid) for s in sims if s.proc) - sim_cpu0, 2)
        phases["b_dead"] = run_scan(write_inv(run / "b.yaml", dead), run / "b.json", args.concurrency)
        mixed = write_inv(run / "c.yaml", interleave(live, dead))
        phases["c_live_and_dead"] = run_scan(mixed, run / "c.json", args.concurrency)
        phases["s_one_printer"] = run_scan(write_inv(run / "s.yaml", live[:1]), run / "s.json",
                                           args.concurrency)
        floor = report["f_floor"] = raw_get_floor([e["snmp"]["community"] for e in live],
                                                  [e["snmp"]["port"] for e in live])
        old_src = export_src(args.old, run / "old") if args.old else None
        if old_src is not None:
            phases["o_old_live_and_dead"] = run_scan(mixed, run / "o.json", args.concurrency, old_src)
        for name, r in phases.items():
            _line(name, r)
        print(f"{'f_floor':16} {floor['sent']:4} GETs   wall {floor['wall_s']:6.2f} s  client CPU "
              f"{floor['cpu_s']:6.2f} s  answered {floor['answered']}", flush=True)
        if args.ssh:
            fleet, froot = make_fleet(args.ssh)  # its own dir: the sshd login user must reach it
            fleet.start(host_specs(args.ssh))
            known = fleet.write_known_hosts(froot / "known_hosts")
            inv = fleet.inventory_dict(known_hosts=known)
            ssh_hosts, defaults = inv["hosts"], inv["defaults"]
            phases["d_ssh"] = run_scan(write_inv(run / "d.yaml", ssh_hosts, defaults), run / "d.json",
                                       args.concurrency)
            phases["e_ssh_and_live"] = run_scan(write_inv(run / "e.yaml", ssh_hosts + live, defaults),
                                                run / "e.json", args.concurrency)
            lag = subprocess.run([PYTHON, str(BENCH / "_loop_lag.py"), str(run / "e.yaml"),
                                  str(args.concurrency)], capture_output=True, text=True, timeout=600)
            phases["e_in_process"] = (json.loads(lag.stdout.strip().splitlines()[-1]) if lag.returncode == 0
                                      else {"error": lag.stderr[-500:]})
            for name in ("d_ssh", "e_ssh_and_live"):
                _line(name, phases[name])
            # how long the SSH hosts took inside the mixed scan (from their own start/finish times)
            for name in ("d_ssh", "e_ssh_and_live"):
                hosts = json.loads((run / f"{name[0]}.json").read_text())["hosts"]
                spans = [_span(h) for h in hosts if h["kind"] != "printer"]
                median = sorted(spans)[len(spans) // 2] if spans else None
                phases[name]["ssh_host_s_median"] = None if median is None else round(median, 3)
    finally:
        if fleet is not None:
            fleet.stop()
        for sim in sims:
            sim.stop()
        shutil.rmtree(run, ignore_errors=True)
        if fleet is not None:
            shutil.rmtree(fleet.root.parent, ignore_errors=True)
    a, b, c = phases["a_live"], phases["b_dead"], phases["c_live_and_dead"]
    n = args.printers + args.dead
    report["printers_per_s"] = round(n / c["wall_s"], 1)
    report["dead_cost_s"] = round(c["wall_s"] - a["wall_s"], 2)
    report["dead_budget_s"] = TIMEOUT * (RETRIES + 1)
    report["client_cpu_ms_per_printer"] = round(1000 * c["cpu_s"] / n, 1)
    s1 = phases["s_one_printer"]
    report["scan_cpu_ms_per_printer"] = round(1000 * (c["cpu_s"] - s1["cpu_s"]) / n, 1)
    print(f"\nwhole set ({n} printers, {args.dead} dead): {c['wall_s']:.2f} s (target < 5 s)"
          f"  = {report['printers_per_s']} printers/s")
    if "o_old_live_and_dead" in phases:
        o = phases["o_old_live_and_dead"]
        report["old_over_new_wall"] = round(o["wall_s"] / c["wall_s"], 2)
        report["old_over_new_cpu"] = round(o["cpu_s"] / c["cpu_s"], 2)
        print(f"old path ({args.old}, hlapi) on the same set: {o['wall_s']:.2f} s wall, "
              f"{o['cpu_s']:.2f} s CPU = {report['old_over_new_wall']}x the wall, "
              f"{report['old_over_new_cpu']}x the CPU of this one; {o['reachability']}")
    floor = report["f_floor"]
    print(f"floor: {floor['answered']}/{floor['sent']} raw GETs answered in {floor['wall_s']:.2f} s; "
          f"phase a took {a['wall_s'] - s1['wall_s']:.2f} s past the one-printer start-up "
          f"({s1['wall_s']:.2f} s)")
    print(f"dead printers cost {report['dead_cost_s']:+.2f} s wall in total (c - a; budget "
          f"{report['dead_budget_s']:g} s = timeout × (retries + 1)); alone they take {b['wall_s']:.2f} s")
    print(f"client CPU {report['client_cpu_ms_per_printer']} ms per printer (process start and imports "
          f"included), {report['scan_cpu_ms_per_printer']} ms without them (c - s); snmpsim used "
          f"{report['snmpsim_cpu_s_phase_a']} s CPU serving phase a")
    if "d_ssh" in phases:
        d, e = phases["d_ssh"], phases["e_ssh_and_live"]
        print(f"mixed: {args.ssh} SSH hosts alone {d['wall_s']:.2f} s, with {args.printers} printers "
              f"{e['wall_s']:.2f} s; median SSH host {d['ssh_host_s_median']} s alone, "
              f"{e['ssh_host_s_median']} s mixed")
        ep = phases["e_in_process"]
        if "error" not in ep:
            print(f"mixed in process: {ep['wall_s']:.2f} s, {ep['reachability']}; event loop late by up to "
                  f"{ep['loop_late_max_ms']} ms (99th percentile {ep['loop_late_p99_ms']} ms); median host "
                  f"{ep['median_s_by_kind']}")
        else:
            print(f"mixed in process failed: {ep['error']}")
    report["load_after"] = os.getloadavg()[0]
    print(f"load average (1 min) before {report['load_before']:.1f}, after {report['load_after']:.1f} "
          f"on {report['cpus']} CPUs")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


def _span(host: dict[str, Any]) -> float:
    from datetime import datetime
    s, f = host.get("started"), host.get("finished")
    if not s or not f:
        return 0.0
    start = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (datetime.fromisoformat(f.replace("Z", "+00:00")) - start).total_seconds()


def _line(name: str, r: dict[str, Any]) -> None:
    print(f"{name:16} {r['hosts']:4} hosts  wall {r['wall_s']:6.2f} s  client CPU {r['cpu_s']:6.2f} s  "
          f"{r['reachability']}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
