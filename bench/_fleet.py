"""The benchmark's fleet: N real sshd processes on loopback, built on the test fleet (tests/ssh/fleet.py).

The test fleet's `Fleet` already does what a benchmark host needs (own address
127.0.X.Y, own ed25519 host key, own authorized_keys, the dedicated /bin/sh login
user, stop by PID). Two things change at benchmark scale, so they are overridden
here instead of editing the tests: starting waits for all N listeners with one
read of /proc/net/tcp per round (the test version reads it once per host, which
is quadratic at 1 000 hosts), with a time-out that grows with N.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for `tests.ssh.fleet`

from tests.ssh.fleet import SSHD, Fleet, FleetKeys, HostSpec  # noqa: E402

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def listening_sockets() -> set[tuple[str, int]]:
    """(address, port) of every IPv4 TCP listener, from one read of /proc/net/tcp."""
    out = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[3] != "0A":
                continue
            hexaddr, hexport = parts[1].split(":")
            address = socket.inet_ntoa(int(hexaddr, 16).to_bytes(4, "little"))
            out.add((address, int(hexport, 16)))
    return out


class BenchFleet(Fleet):
    """N identical hosts named h0000..; every sshd is a child of this process, stopped by PID."""

    def start(self, specs: Mapping[str, HostSpec], timeout: float = 10.0) -> None:
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        timeout = max(timeout, 10.0 + 0.05 * len(specs))
        for name, spec in specs.items():
            host, cmd = self._prepare(name, spec)
            # a Ctrl-C between starting an sshd and recording it would leave it running: hold it back
            old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
                host.pid = proc.pid
                self.hosts[name] = host
                self._procs[name] = proc
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        end = time.monotonic() + timeout
        pending = set(self.hosts)
        while pending:
            up = listening_sockets()
            for name in list(pending):
                host = self.hosts[name]
                if (host.address, host.port) in up:
                    pending.discard(name)
                elif self._procs[name].poll() is not None:
                    raise RuntimeError(f"sshd for {name} exited: {host.log_text()}")
            if pending and time.monotonic() > end:
                raise RuntimeError(f"{len(pending)} sshd not listening after {timeout:.0f} s")
            if pending:
                time.sleep(0.05)

    def listener_pids(self) -> list[int]:
        return [p.pid for p in self._procs.values()]

    def stop(self) -> None:
        """Stop every listener and the session processes under it (by PID), fast at 1 000 hosts."""
        procs = dict(self._procs)
        self._procs.clear()
        # sessions call setsid() and outlive their listener: find them first, in one /proc scan
        sessions = descendants({p.pid for p in procs.values()})
        for pid in [p.pid for p in procs.values()] + sessions:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM if pid in procs else signal.SIGKILL)
        for proc in procs.values():
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def sshd_cpu_s(pids: list[int]) -> float:
    """CPU seconds used so far by these sshd listeners and the (reaped) sessions they forked.

    OpenSSH 9.2 leaves a few per-connection processes that are re-parented away
    from their listener; their CPU is missing here, so this slightly under-counts.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / tick


def descendants(roots: set[int]) -> list[int]:
    """Every process below the given PIDs (one pass over /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out: list[int] = []
    frontier = list(roots)
    while frontier:
        kids = [k for pid in frontier for k in children.get(pid, ())]
        out.extend(kids)
        frontier = kids
    return out


def make_fleet(n: int, base: Path | None = None) -> tuple[BenchFleet, Path]:
    """Create (not start) a fleet of n hosts in a fresh directory; returns it and the directory."""
    root = Path(tempfile.mkdtemp(prefix="fleetbench-", dir=base))
    root.chmod(0o755)  # the login user must reach its state dirs
    keys = FleetKeys.create(root / "keys")
    fleet = BenchFleet(root / "hosts", keys)
    (root / "hosts").mkdir()
    (root / "hosts").chmod(0o755)
    return fleet, root


def host_specs(n: int) -> dict[str, HostSpec]:
    return {f"h{i:04d}": HostSpec() for i in range(n)}


__all__ = ["SSHD", "BenchFleet", "descendants", "host_specs", "listening_sockets", "make_fleet", "sshd_cpu_s"]
