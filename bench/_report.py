"""Turns the benchmark's measurements into the printed table and the target verdicts."""

from __future__ import annotations

from typing import Any

LABELS = {"fleetcheck": "(a) fleetcheck scan (CLI)", "floor": "(b) bare paramiko floor",
          "ansible": "(c) ansible -m raw"}


def throughput(phase: dict[str, Any], n: int) -> float:
    return n / phase["wall_s"] if phase.get("wall_s") else 0.0


def row(label: str, p: dict[str, Any], n: int) -> str:
    wall = p["wall_s"]
    timed = p.get("scan_cpu_s")
    busy = p.get("machine_busy_s", 0.0)
    other = max(0.0, busy - p["cpu_s"])
    tree = p.get("tree_rss_peak_kb")
    return (f"{label:<28} {p.get('ok', '?'):>5}/{n:<5} {wall:7.2f} {n / wall:8.1f} "
            f"{1000 * p['cpu_s'] / n:9.2f} {'' if timed is None else f'{1000 * timed / n:.2f}':>9} "
            f"{p['maxrss_kb'] / 1024:8.0f} {'' if not tree else f'{tree / 1024:.0f}':>8} "
            f"{1000 * other / n:9.1f} {100 * busy / max(p.get('machine_cpu_s', 1), 1e-9):5.0f}%")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(report: dict[str, Any], targets: dict[str, float]) -> str:
    n = report["hosts"]
    ph = report["phases"]
    m = report["machine"]
    lines = [f"fleetcheck SSH benchmark, {report['date']}: {n} hosts (one real sshd each on 127.0.x.y), "
             f"concurrency {report['concurrency']}, fleet started in {report['fleet_start_s']:.1f} s",
             f"machine: {m['cpus']} CPUs, {m['mem_gib']} GiB, kernel {m['kernel']}, Python {m['python']}, "
             f"paramiko {m['paramiko']}, {m['openssh']}; sshd shares these CPUs with the clients",
             "",
             f"{'client':<28} {'ok/hosts':>11} {'wall s':>7} {'hosts/s':>8} {'cpu ms/h':>9} {'(timed)':>9} "
             f"{'RSS MB':>8} {'tree MB':>8} {'other ms/h':>9} {'busy':>6}"]
    for key in ("fleetcheck", "floor", "ansible"):
        if key in ph:
            lines.append(row(LABELS[key], ph[key], n))
    eng = ph.get("engine")
    if eng and eng.get("passes"):
        for p in eng["passes"]:
            label = f"(a') in process, {p['pass']} pass"
            wall = p["scan_wall_s"]
            lines.append(f"{label:<28} {p['ok']:>5}/{n:<5} {wall:7.2f} {n / wall:8.1f} {'':>9} "
                         f"{1000 * p['scan_cpu_s'] / n:9.2f}   new connections: {p['new_connections']}")
        lines.append(f"{'':<28} process: CPU {eng['cpu_s']:.1f} s, peak RSS {eng['maxrss_kb'] / 1024:.0f} MB")
    lines += ["",
              "wall = whole client process (start-up, imports, inventory/known_hosts loading included); "
              "hosts/s = hosts / wall;",
              "cpu ms/h = client CPU per host, whole process tree (getrusage of the reaped tree); (timed) = "
              "scan section only;",
              "RSS MB = largest client process; tree MB = sum over the client's processes, sampled at 2 Hz;",
              "other ms/h = machine CPU not used by the client, per host (the sshd side, plus anything else "
              "running); busy = machine CPU use during the phase."]
    problems = [f"  {LABELS.get(k, k)}: {p.get('ok')}/{n} ok; {'; '.join(p.get('errors') or [])[:400]}"
                for k, p in ph.items() if k != "engine" and p.get("ok") != n]
    if eng and eng.get("passes"):
        problems += [f"  in-process {p['pass']}: {p['ok']}/{n} reached; {'; '.join(p['errors'])[:400]}"
                     for p in eng["passes"] if p["ok"] != n]
    if problems:
        lines += ["", "NOT ALL HOSTS SUCCEEDED (figures for these rows are not comparable):", *problems]
    lines += ["", "targets (issue 3 section 6):"]
    a = ph.get("fleetcheck")
    if a:
        ta = throughput(a, n)
        if "floor" in ph:
            tb = throughput(ph["floor"], n)
            lines.append(f"  within {targets['vs_floor']}x of the bare floor: "
                         f"floor/fleetcheck = {tb / ta:.2f}x ({ta:.1f} vs {tb:.1f} hosts/s): "
                         f"{verdict(tb / ta <= targets['vs_floor'])}")
        if "ansible" in ph:
            tc = throughput(ph["ansible"], n)
            lines.append(f"  >= {targets['vs_ansible']:g}x Ansible: fleetcheck/ansible = {ta / tc:.2f}x "
                         f"({ta:.1f} vs {tc:.1f} hosts/s): {verdict(ta / tc >= targets['vs_ansible'])}")
        cpu = 1000 * a["cpu_s"] / n
        lines.append(f"  < {targets['cpu_ms_per_host']:g} ms client CPU per host: {cpu:.2f} ms "
                     f"(whole CLI process): {verdict(cpu < targets['cpu_ms_per_host'])}")
        if n == 1000:
            lines.append(f"  1000 hosts cold < {targets['cold_1000_s']:g} s: {a['wall_s']:.1f} s "
                         f"(CLI process): {verdict(a['wall_s'] < targets['cold_1000_s'])}")
    if eng and len(eng.get("passes", [])) > 1:
        warm = eng["passes"][1]
        cpu = 1000 * warm["scan_cpu_s"] / n
        lines.append(f"  warm rescan: {warm['scan_wall_s']:.1f} s, {cpu:.2f} ms CPU per host"
                     + (f": < {targets['warm_1000_s']:g} s "
                        f"{verdict(warm['scan_wall_s'] < targets['warm_1000_s'])}"
                        if n == 1000 else " (the 6 s target is for 1000 hosts)"))
    return "\n".join(lines)
