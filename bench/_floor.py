"""The bare floor: the same probe over paramiko with nothing around it (threads, strict host keys).

    python bench/_floor.py JOB.json      -> one JSON line on stdout

JOB: {"hosts": [[address, port], ...], "user", "key", "known_hosts", "command", "script",
"concurrency"}. Per host: TCP (TCP_NODELAY, as fleetcheck), paramiko Transport handshake, the
host key compared with a known_hosts index built once, publickey auth with the key loaded once,
exec the probe command with the script on stdin, read stdout and stderr, the exit status, close.
The timed section excludes interpreter start, imports, key loading and parsing known_hosts.
"""

from __future__ import annotations

import json
import resource
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import paramiko


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> int:
    job = json.loads(Path(sys.argv[1]).read_text())
    key = paramiko.Ed25519Key.from_private_key_file(job["key"])
    known: dict[str, str] = {}
    for line in Path(job["known_hosts"]).read_text().splitlines():
        host, _kind, blob = line.split()[:3]
        known[host] = blob
    script = Path(job["script"]).read_bytes()
    command, user = job["command"], job["user"]

    def one(address: str, port: int) -> str | None:
        sock = socket.create_connection((address, port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t = paramiko.Transport(sock)
        try:
            t.start_client(timeout=30)
            label = address if port == 22 else f"[{address}]:{port}"
            if known.get(label) != t.get_remote_server_key().get_base64():
                return "host key mismatch"
            t.auth_publickey(user, key)
            chan = t.open_session(timeout=30)
            chan.exec_command(command)
            chan.sendall(script)
            chan.shutdown_write()
            out = chan.makefile("rb").read()
            chan.makefile_stderr("rb").read()
            status = chan.recv_exit_status()
            if status != 0 or b"<<<end>>>" not in out:
                return f"exit status {status}, {len(out)} bytes"
            return None
        finally:
            t.close()

    def safe(h: list) -> str | None:
        try:
            return one(h[0], int(h[1]))
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    c0, t0 = cpu_s(), time.monotonic()
    with ThreadPoolExecutor(max_workers=job["concurrency"]) as pool:
        errors = [e for e in pool.map(safe, job["hosts"]) if e]
    wall, cpu = time.monotonic() - t0, cpu_s() - c0
    print(json.dumps({"scan_wall_s": wall, "scan_cpu_s": cpu, "hosts": len(job["hosts"]),
                      "ok": len(job["hosts"]) - len(errors), "errors": errors[:5]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
