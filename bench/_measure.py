"""Run one client command and measure it as a whole process tree; prints one JSON line.

    python bench/_measure.py [--timeout S] [--sample-tree] -- CMD ARGS...

This wrapper makes itself a child subreaper, so processes the client
daemonizes (Ansible's ssh ControlPersist masters) are re-parented to it, are
stopped by PID when the client ends, and their CPU is counted:
`getrusage(RUSAGE_CHILDREN)` then covers the client and everything it started.
`maxrss_kb` is the largest single process; `--sample-tree` also samples the
sum of RSS over everything below this wrapper twice a second (for
multi-process clients; it over-counts pages shared between forks).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, frontier = [], [root]
    while frontier:
        frontier = [k for p in frontier for k in children.get(p, ())]
        out.extend(frontier)
    return out


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/statm") as f:
            total += int(f.read().split()[1]) * PAGE_KB
    return total


def stop_tree(me: int, child: int) -> int:
    """SIGKILL everything below this process (by PID) and reap it; returns how many were stopped.

    The client is killed first, so it forks nothing new; then the tree is swept until it is empty,
    because children forked just before are re-parented here (subreaper) after the first sweep.
    """
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)
    stopped = 0
    end = time.monotonic() + 20
    while time.monotonic() < end:
        left = tree(me)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        stopped += len(left)
        while True:  # reap what has exited (the client, the killed, adopted orphans)
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return stopped
            if pid == 0:
                break
        time.sleep(0.05)
    return stopped


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--sample-tree", action="store_true")
    ap.add_argument("--stdout", help="file for the client's stdout (default: /dev/null)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = os.getpid()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    out = open(args.stdout or os.devnull, "wb")  # noqa: SIM115
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=out, stdin=subprocess.DEVNULL)
    peak_tree = 0
    next_sample = t0
    timed_out = False
    while proc.poll() is None:
        now = time.monotonic()
        if stopping.is_set() or now - t0 > args.timeout:
            timed_out = not stopping.is_set()
            break
        if args.sample_tree and now >= next_sample:
            peak_tree = max(peak_tree, rss_kb(tree(me)))  # adopted ssh masters included
            next_sample = now + 0.5
        time.sleep(0.01)
    wall = time.monotonic() - t0
    code = proc.poll()
    leftovers = stop_tree(me, proc.pid)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.close()
    result = {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
              "tree_rss_peak_kb": peak_tree or None, "returncode": code, "timed_out": timed_out,
              "interrupted": stopping.is_set(), "leftovers_stopped": leftovers}
    sys.stderr.flush()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
