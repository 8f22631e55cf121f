"""Benchmark: fleetcheck scan vs a bare paramiko loop vs Ansible ad hoc, against N real sshd on loopback.

    .venv/bin/python bench/scan_fleet.py [--hosts N] [--concurrency C] [--warm] [--json FILE]

Not a test: it prints figures and checks them against the targets of issue 3
section 6, and it never fails on them. See bench/README.md. Every process it starts
(sshd per host, the clients, Ansible's ssh masters) is stopped by PID at the end,
also on Ctrl-C, SIGTERM or an error. Traffic goes to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import _ansible  # noqa: E402
from _fleet import host_specs, make_fleet, sshd_cpu_s  # noqa: E402
from _report import render  # noqa: E402

PYTHON = sys.executable
FLEETCHECK = str(Path(PYTHON).parent / "fleetcheck")
PROBE_SCRIPT = ROOT / "src" / "fleetcheck" / "core" / "probes" / "posix" / "posix.sh"
PROBE_COMMAND = "env LC_ALL=C sh -s"  # fleetcheck.core.probes.posix.COMMAND
PHASE_TIMEOUT = 900.0  # seconds; a phase that takes longer is stopped and reported as such

TARGETS = {"vs_ansible": 5.0, "vs_floor": 1.3, "cpu_ms_per_host": 10.0, "cold_1000_s": 20.0,
           "warm_1000_s": 6.0}


# in-process variants that test the fixes suggested in README.md (not fleetcheck as shipped)
EXPERIMENTS = {"exp-buffered": ["--buffered"], "exp-poll1s": ["--poll", "1.0"],
               "exp-both": ["--buffered", "--poll", "1.0"]}


class Interrupted(Exception):
    pass


def _on_signal(signum: int, _frame: Any) -> None:
    raise Interrupted(signal.Signals(signum).name)


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    hz = os.sysconf("SC_CLK_TCK")
    total = sum(fields) / hz
    return total - (fields[3] + fields[4]) / hz, total


class Runner:
    """Runs each client under bench/_measure.py (own session); stops a running one by PID."""

    def __init__(self, run_dir: Path, sshd_pids: Callable[[], list[int]]) -> None:
        self.run_dir = run_dir
        self.sshd_pids = sshd_pids
        self.current: subprocess.Popen[bytes] | None = None

    def measure(self, name: str, cmd: list[str], env: dict[str, str] | None = None,
                sample_tree: bool = False) -> dict[str, Any]:
        stdout = self.run_dir / f"{name}.out"
        log = self.run_dir / f"{name}.log"
        wrapper = [PYTHON, str(BENCH / "_measure.py"), "--timeout", str(PHASE_TIMEOUT),
                   "--stdout", str(stdout)]
        if sample_tree:
            wrapper.append("--sample-tree")
        busy0, total0 = cpu_busy()
        sshd0 = sshd_cpu_s(self.sshd_pids())
        with open(log, "wb") as err:
            self.current = subprocess.Popen([*wrapper, "--", *cmd], stdout=subprocess.PIPE, stderr=err,
                                            env=env, start_new_session=True)
            out, _ = self.current.communicate()
            self.current = None
        busy1, total1 = cpu_busy()
        sshd1 = sshd_cpu_s(self.sshd_pids())
        result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        result["sshd_cpu_s"] = sshd1 - sshd0
        result["machine_busy_s"] = busy1 - busy0
        result["machine_cpu_s"] = total1 - total0
        result["stdout_file"] = str(stdout)
        result["log_tail"] = log.read_text(errors="replace")[-600:]
        return result

    def stop(self) -> None:
        proc = self.current
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)  # the wrapper stops its own tree by PID
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def last_json(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {}


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    n, c = args.hosts, args.concurrency
    fleet, run_dir = make_fleet(n, Path(args.tmp) if args.tmp else None)
    runner = Runner(run_dir, fleet.listener_pids)
    report: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "hosts": n,
                              "concurrency": c, "machine": machine(), "run_dir": str(run_dir)}
    try:
        t0 = time.monotonic()
        fleet.start(host_specs(n))
        report["fleet_start_s"] = time.monotonic() - t0
        say(f"{n} sshd listening after {report['fleet_start_s']:.1f} s (user {fleet.user}, dir {run_dir})")
        known_hosts = fleet.write_known_hosts(run_dir / "known_hosts")
        inventory = fleet.write_inventory(run_dir / "fleet.yaml", known_hosts=known_hosts)
        hosts = list(fleet.hosts.values())
        job = run_dir / "floor.json"
        job.write_text(json.dumps({
            "hosts": [[h.address, h.port] for h in hosts], "user": fleet.user, "key": str(fleet.client_key),
            "known_hosts": str(known_hosts), "command": PROBE_COMMAND, "script": str(PROBE_SCRIPT),
            "concurrency": c}))
        report["probe_alone_ms"] = probe_alone_ms(fleet)
        report["probe_sha256"] = hashlib.sha256(PROBE_SCRIPT.read_bytes()).hexdigest()[:12]
        report["git"] = git_describe()
        phases = report["phases"] = {}

        say("(b) bare paramiko floor ...")
        r = runner.measure("floor", [PYTHON, str(BENCH / "_floor.py"), str(job)])
        r.update(last_json(r["stdout_file"]))
        phases["floor"] = r

        say("(a) fleetcheck scan (CLI) ...")
        scan_json = run_dir / "scan.json"
        r = runner.measure("fleetcheck", [FLEETCHECK, "scan", str(inventory), "--format", "json", "-o",
                                          str(scan_json), "--no-history", "--concurrency", str(c)])
        r.update(check_scan(scan_json))
        phases["fleetcheck"] = r

        if not args.no_ansible:
            say("(c) ansible -m raw ...")
            probe = _ansible.probe_command(PROBE_COMMAND, PROBE_SCRIPT.read_bytes())
            inv = _ansible.write_inventory(run_dir / "ansible_hosts.ini",
                                           [(h.name, h.address, h.port) for h in hosts], fleet.user,
                                           fleet.client_key, known_hosts)
            env = _ansible.environment(run_dir)
            report["ansible_version"] = _ansible.version()
            r = runner.measure("ansible", _ansible.command(inv, probe, c), env=env, sample_tree=True)
            r.update(_ansible.verify(Path(r["stdout_file"]), n))
            phases["ansible"] = r

        if args.warm:
            say("(a') fleetcheck in process: cold scan, then warm rescan over kept connections ...")
            r = runner.measure("engine", [PYTHON, str(BENCH / "_engine.py"), str(inventory), str(c), "2"])
            r.update(last_json(r["stdout_file"]))
            phases["engine"] = r
        if args.experiments:
            for name, flags in EXPERIMENTS.items():
                say(f"experiment: {name} ...")
                cmd = [PYTHON, str(BENCH / "_engine.py"), str(inventory), str(c), "2", *flags]
                r = runner.measure(name, cmd)
                r.update(last_json(r["stdout_file"]))
                phases[name] = r
    finally:
        runner.stop()
        fleet.stop()
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    return report


def probe_alone_ms(fleet: Any, runs: int = 10) -> float:
    """CPU of the probe script itself (sh and everything it runs), run locally as the fleet's user."""
    script = PROBE_SCRIPT.read_bytes()
    host = next(iter(fleet.hosts.values()))
    path = [str(host.dir / "bin"), "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
    env = {"PATH": ":".join(path), "HOME": "/", "FLEET_HOST": host.name}
    user = fleet.user if os.geteuid() == 0 else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        subprocess.run(PROBE_COMMAND.split(), input=script, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env, user=user, cwd="/", check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return 1000 * used / runs


def git_describe() -> str:
    """HEAD, plus '+dirty' when the source tree has uncommitted changes (other work in progress)."""
    def git(*a: str) -> str:
        r = subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True, check=False)
        return r.stdout
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src").strip()
    return git("rev-parse", "--short", "HEAD").strip() + ("+dirty" if dirty else "")


def check_scan(path: Path) -> dict[str, Any]:
    """Reached hosts and the scan's own start/finish from fleetcheck's JSON report."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return {"ok": 0, "errors": [f"no JSON report: {exc}"]}
    hosts = doc.get("hosts", [])
    bad = [h for h in hosts if h.get("reachability") != "reachable"]
    start, end = (datetime.fromisoformat(doc[k]) for k in ("started", "finished"))
    return {"ok": len(hosts) - len(bad), "scan_wall_s": (end - start).total_seconds(),
            "errors": [f"{h['name']}: {h['checks'][0]['summary'][:200]}" for h in bad[:5] if h.get("checks")]}


def machine() -> dict[str, Any]:
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024 // 1024
    sshd = subprocess.run(["sshd", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    import paramiko

    return {"cpus": os.cpu_count(), "mem_gib": mem, "kernel": platform.release(),
            "python": platform.python_version(), "paramiko": paramiko.__version__, "openssh": sshd}


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=200, help="fleet size, 1..1000 (default 200)")
    ap.add_argument("--concurrency", type=int, default=32,
                    help="hosts in flight for every client (default 32, fleetcheck scan's default)")
    ap.add_argument("--warm", action="store_true",
                    help="also: in-process cold scan + warm rescan over kept connections")
    ap.add_argument("--no-ansible", action="store_true", help="skip the Ansible run")
    ap.add_argument("--experiments", action="store_true",
                    help="also: the in-process cold+warm run with the fixes of README.md applied (slow)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (outputs, logs)")
    ap.add_argument("--tmp", metavar="DIR", help="parent of the run directory (default: $TMPDIR)")
    args = ap.parse_args()
    if not 1 <= args.hosts <= 1000:
        ap.error("--hosts must be between 1 and 1000")
    if not 1 <= args.concurrency <= 256:
        ap.error("--concurrency must be between 1 and 256")
    if os.geteuid() != 0:
        say("note: not root, so the fleet's login user is you (your shell and rc files are in the figures)")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # also when started with SIGINT ignored
        signal.signal(sig, _on_signal)
    try:
        report = run_bench(args)
    except (Interrupted, KeyboardInterrupt) as exc:
        say(f"interrupted ({exc or 'SIGINT'}): every started process was stopped")
        return 130
    print(render(report, TARGETS))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
