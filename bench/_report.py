"""Turns the benchmark's measurements into the printed table and the target verdicts."""

from __future__ import annotations

from typing import Any

LABELS = {"fleetcheck": "(a) fleetcheck scan (CLI)", "floor": "(b) bare paramiko floor",
          "ansible": "(c) ansible -m raw"}
HEADER = (f"{'client':<28} {'ok/hosts':>11} {'wall s':>7} {'hosts/s':>8} {'cpu ms/h':>9} {'(timed)':>8} "
          f"{'RSS MB':>7} {'tree MB':>8} {'sshd ms/h':>10} {'busy':>5}")
NOTES = [
    "wall = the whole client process (start-up, imports, inventory and known_hosts loading included);",
    "  hosts/s = hosts / wall. (timed) = client CPU per host of the scan section alone.",
    "cpu ms/h = client CPU per host, whole client process tree (getrusage of the reaped tree).",
    "RSS MB = largest client process (ru_maxrss); tree MB = sum of RSS over the client's processes, sampled",
    "  at 2 Hz (multi-process clients only; counts pages shared between forks more than once).",
    "sshd ms/h = CPU of the fleet's sshd processes and everything they ran (the probe) per host: the server",
    "  side, paid by this same machine here, by each remote host in a real fleet.",
    "busy = CPU use of the whole machine during the phase (other jobs on the VM included).",
    "idle = CPU of the in-process run while it holds the kept connections and scans nothing (paramiko:",
    "  one thread per connection, polling its socket every 0.1 s unless an experiment changes that).",
]


def throughput(phase: dict[str, Any], n: int) -> float:
    return n / phase["wall_s"] if phase.get("wall_s") else 0.0


def row(label: str, p: dict[str, Any], n: int) -> str:
    wall = p["wall_s"]
    timed = p.get("scan_cpu_s")
    tree = p.get("tree_rss_peak_kb")
    busy = 100 * p.get("machine_busy_s", 0.0) / max(p.get("machine_cpu_s", 0.0), 1e-9)
    return (f"{label:<28} {p.get('ok', '?'):>5}/{n:<5} {wall:7.2f} {n / wall:8.1f} "
            f"{1000 * p['cpu_s'] / n:9.2f} {'' if timed is None else f'{1000 * timed / n:.2f}':>8} "
            f"{p['maxrss_kb'] / 1024:7.0f} {'' if not tree else f'{tree / 1024:.0f}':>8} "
            f"{1000 * p.get('sshd_cpu_s', 0.0) / n:10.1f} {busy:4.0f}%")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def engine_rows(eng: dict[str, Any], n: int) -> list[str]:
    lines = []
    for p in eng.get("passes", []):
        if p["pass"] == "close":
            lines.append(f"{'':<28} closing the kept connections took {p['seconds']:.1f} s")
            continue
        if p["pass"] == "idle":
            pct = p["cpu_pct_of_a_core"]
            lines.append(f"{'':<28} idle with {p['kept']} kept connections: {pct:.0f} % of a core")
            continue
        label = f"(a') in process, {p['pass']} pass"
        wall = p["scan_wall_s"]
        lines.append(f"{label:<28} {p['ok']:>5}/{n:<5} {wall:7.2f} {n / wall:8.1f} {'':>9} "
                     f"{1000 * p['scan_cpu_s'] / n:8.2f}   new connections: {p['new_connections']}, "
                     f"host states {' '.join(f'{k}={v}' for k, v in sorted(p['host_states'].items()))}")
    lines.append(f"{'':<28} whole process: CPU {eng['cpu_s']:.1f} s, "
                 f"peak RSS {eng['maxrss_kb'] / 1024:.0f} MB, "
                 f"sshd {1000 * eng.get('sshd_cpu_s', 0.0) / n:.1f} ms/h over both passes")
    return lines


def problems(ph: dict[str, Any], n: int) -> list[str]:
    out = [f"  {LABELS.get(k, k)}: {p.get('ok')}/{n} ok; {'; '.join(p.get('errors') or [])[:400]}"
           for k, p in ph.items() if "passes" not in p and p.get("ok") != n]
    out += [f"  {k} {p['pass']}: {p['ok']}/{n} reached; {'; '.join(p['errors'])[:400]}"
            for k, ph_ in ph.items() for p in ph_.get("passes", [])
            if p["pass"] in ("cold", "warm") and p["ok"] != n]
    out += [f"  {LABELS.get(k, k)}: stopped after the phase time-out"
            for k, p in ph.items() if p.get("timed_out")]
    return out


def targets_lines(report: dict[str, Any], targets: dict[str, float]) -> list[str]:
    n, ph = report["hosts"], report["phases"]
    lines = ["targets (issue 3 section 6):"]
    a = ph.get("fleetcheck")
    if a:
        ta = throughput(a, n)
        if "floor" in ph:
            tb = throughput(ph["floor"], n)
            lines.append(f"  within {targets['vs_floor']}x of the bare floor: "
                         f"floor/fleetcheck = {tb / ta:.2f}x ({ta:.1f} vs {tb:.1f} hosts/s): "
                         f"{verdict(tb / ta <= targets['vs_floor'])}")
        if "ansible" in ph:
            c = ph["ansible"]
            tc = throughput(c, n)
            lines.append(f"  >= {targets['vs_ansible']:g}x Ansible: fleetcheck/ansible = {ta / tc:.2f}x "
                         f"({ta:.1f} vs {tc:.1f} hosts/s): {verdict(ta / tc >= targets['vs_ansible'])}")
            lines.append(f"     (client CPU per host, ansible/fleetcheck: {c['cpu_s'] / a['cpu_s']:.1f}x; "
                         "that is the ratio once the server side is not on the same 2 cores)")
        cpu = 1000 * a["cpu_s"] / n
        lines.append(f"  < {targets['cpu_ms_per_host']:g} ms client CPU per host: {cpu:.2f} ms (whole CLI "
                     f"process): {verdict(cpu < targets['cpu_ms_per_host'])}")
        if n == 1000:
            lines.append(f"  1000 hosts cold < {targets['cold_1000_s']:g} s: {a['wall_s']:.1f} s "
                         f"(CLI process): {verdict(a['wall_s'] < targets['cold_1000_s'])}")
    passes = [p for p in ph.get("engine", {}).get("passes", []) if p["pass"] == "warm"]
    if passes:
        warm = passes[0]
        cpu = 1000 * warm["scan_cpu_s"] / n
        lines.append(f"  warm rescan: {warm['scan_wall_s']:.1f} s, {cpu:.2f} ms client CPU per host"
                     + (f": < {targets['warm_1000_s']:g} s "
                        f"{verdict(warm['scan_wall_s'] < targets['warm_1000_s'])}"
                        if n == 1000 else " (the 6 s target is for 1000 hosts)"))
    return lines


def render(report: dict[str, Any], targets: dict[str, float]) -> str:
    n, ph, m = report["hosts"], report["phases"], report["machine"]
    lines = [f"fleetcheck SSH benchmark, {report['date']}: {n} hosts (one real sshd each on 127.0.x.y), "
             f"concurrency {report['concurrency']}, fleet started in {report['fleet_start_s']:.1f} s",
             f"machine: {m['cpus']} CPUs, {m['mem_gib']} GiB, kernel {m['kernel']}, Python {m['python']}, "
             f"paramiko {m['paramiko']}, {m['openssh']}; sshd shares these CPUs with the clients",
             f"fleetcheck at git {report.get('git', '?')}, "
             f"probe posix.sh sha256 {report.get('probe_sha256', '?')}",
             f"probe script alone (sh + the commands it runs, locally as the fleet user): "
             f"{report['probe_alone_ms']:.1f} ms CPU per run", "", HEADER]
    lines += [row(LABELS[k], ph[k], n) for k in ("fleetcheck", "floor", "ansible") if k in ph]
    for key, title in (("engine", "fleetcheck as is"), ("exp-buffered", "EXPERIMENT: probe output buffered"),
                       ("exp-poll1s", "EXPERIMENT: kept connections poll every 1 s"),
                       ("exp-both", "EXPERIMENT: both")):
        if ph.get(key, {}).get("passes"):
            lines += [f"-- in process, {title}:", *engine_rows(ph[key], n)]
    sshd = [1000 * p["sshd_cpu_s"] / n for k, p in ph.items() if k in ("fleetcheck", "floor")]
    if sshd:
        per = sum(sshd) / len(sshd)
        cpus = m["cpus"] or 1
        lines += ["", f"server-side ceiling here: {cpus} CPUs / {per:.0f} ms sshd CPU per host = "
                  f"{1000 * cpus / per:.0f} hosts/s for ANY client, before the client's own CPU "
                  f"({n / (cpus * 1000 / per):.1f} s for {n} hosts)"]
    lines += ["", *NOTES]
    bad = problems(ph, n)
    if bad:
        lines += ["", "NOT ALL HOSTS SUCCEEDED (those rows are not comparable):", *bad]
    return "\n".join([*lines, "", *targets_lines(report, targets)])
