"""Real printer peers on loopback for the tests and the benchmark: snmpsim and ippeveprinter.

- `Snmpsim(data_dir)`: snmpsim-command-responder serving every `.snmprec` in a folder on
  127.0.0.1:<free UDP port>; the community is the file name without `.snmprec`.
- `IppEvePrinter()`: CUPS' ippeveprinter (IPP Everywhere) on 127.0.0.1:<free port> with a
  private dbus-daemon (it insists on an Avahi client); its state is driven through its
  web forms (`/media`, `/supplies`) and by printing scenario documents that its print
  command (drive-state.sh) turns into `STATE:` / `ATTR:` lines.
Every process is stopped by its PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE.parent / "data" / "printers"


def free_udp_port(address: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def free_tcp_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def _fast_tmp() -> str | None:
    """RAM-backed scratch space when there is one: snmpsim reads its index files per request."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _snmpsim_binary() -> str:
    cand = Path(sys.executable).parent / "snmpsim-command-responder"
    found = str(cand) if cand.exists() else shutil.which("snmpsim-command-responder")
    if not found:
        raise RuntimeError("snmpsim-command-responder not found: pip install -e '.[test]'")
    return found


class Snmpsim:
    def __init__(self, data_dir: Path, port: int | None = None, v3_user: str | None = None,
                 v3_auth: str | None = None, v3_priv: str | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_udp_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="fc-snmpsim-", dir=_fast_tmp()))
        self.proc: subprocess.Popen[bytes] | None = None
        self.v3 = (v3_user, v3_auth, v3_priv)

    def start(self, wait_community: str) -> Snmpsim:
        cmd = [_snmpsim_binary(), f"--data-dir={self.data_dir}", f"--cache-dir={self.tmp / 'cache'}",
               f"--agent-udpv4-endpoint=127.0.0.1:{self.port}",
               f"--variation-module-options=writecache:file:{self.tmp / 'writecache.db'}"]
        user, auth, priv = self.v3
        if user:
            cmd += [f"--v3-user={user}"]
            if auth:
                cmd += [f"--v3-auth-key={auth}", "--v3-auth-proto=SHA"]
            if priv:
                cmd += [f"--v3-priv-key={priv}", "--v3-priv-proto=AES"]
        env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")
        if os.getuid() != 0:
            env.pop("SNMPSIM_ALLOW_ROOT")
        self.log = open(self.tmp / "log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.tmp / "log").read_text()[-2000:]
                self.stop()
                raise RuntimeError(f"snmpsim exited: {log}")
            if self._answers(wait_community):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("snmpsim did not answer within 60 s")

    def _answers(self, community: str) -> bool:
        # a minimal SNMPv2c GET of sysDescr.0, hand-encoded, so waiting needs no SNMP library
        oid = bytes([0x2B, 6, 1, 2, 1, 1, 1, 0])
        vb = b"\x30" + bytes([len(oid) + 4]) + b"\x06" + bytes([len(oid)]) + oid + b"\x05\x00"
        vbl = b"\x30" + bytes([len(vb)]) + vb
        pdu_body = b"\x02\x01\x01\x02\x01\x00\x02\x01\x00" + vbl
        pdu = b"\xa0" + bytes([len(pdu_body)]) + pdu_body
        c = community.encode()
        msg_body = b"\x02\x01\x01\x04" + bytes([len(c)]) + c + pdu
        msg = b"\x30" + bytes([len(msg_body)]) + msg_body
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.3)
            s.sendto(msg, ("127.0.0.1", self.port))
            try:
                s.recvfrom(4096)
            except OSError:
                return False
        return True

    def stop(self) -> None:
        _stop(self.proc)
        if hasattr(self, "log"):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


DRIVE_STATE = """#!/bin/sh
# ippeveprinter print command: the printed text's STATE:/ATTR: lines go to stderr, where
# ippeveprinter applies them to the printer; SLEEP: n keeps the job busy.
grep -E '^(STATE|ATTR|INFO|ERROR):' "$1" >&2
s=$(sed -n 's/^SLEEP: *//p' "$1" | head -1)
[ -n "$s" ] && sleep "$s"
exit 0
"""

PRINT_JOB_TEST = """{
  OPERATION Print-Job
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name fleetcheck
  ATTR mimeMediaType document-format text/plain
  FILE $filename
  STATUS successful-ok
}
"""


class IppEvePrinter:
    def __init__(self) -> None:
        self.port = free_tcp_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="fc-ippeve-"))
        self.dbus: subprocess.Popen[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    def start(self) -> IppEvePrinter:
        if not shutil.which("ippeveprinter") or not shutil.which("dbus-daemon"):
            raise RuntimeError("ippeveprinter/dbus-daemon missing: apt install cups-ipp-utils dbus")
        sock = self.tmp / "dbus.sock"
        self.dbus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", f"--address=unix:path={sock}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cmd = self.tmp / "drive-state.sh"
        cmd.write_text(DRIVE_STATE)
        cmd.chmod(0o755)
        (self.tmp / "print-job.test").write_text(PRINT_JOB_TEST)
        (self.tmp / "spool").mkdir()
        (self.tmp / "keys").mkdir()
        for _ in range(50):
            if sock.exists():
                break
            time.sleep(0.05)
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={sock}")
        self.log = open(self.tmp / "log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            ["ippeveprinter", *self._tls_args(), "-n", "localhost", "-p", str(self.port), "-r", "off",
             "-M", "ACME", "-m", "LaserJet Test", "-s", "30,0", "-f", "text/plain", "-c", str(cmd),
             "-d", str(self.tmp / "spool"), "fleetcheck-test"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.tmp / "log").read_text()[-2000:]
                self.stop()  # the private dbus-daemon too
                raise RuntimeError(f"ippeveprinter exited: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("ippeveprinter did not listen within 30 s")

    def _tls_args(self) -> list[str]:
        # always a private key folder: without -K it writes a certificate into /etc/cups/ssl (and
        # then answers TLS on its port whatever `tls` says); with it, ipps:// works on the port
        return ["-K", str(self.tmp / "keys")]

    def form(self, path_and_query: str) -> None:
        """GET one of ippeveprinter's state forms, e.g. '/supplies?supply0=25&supply1=5'."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path_and_query}", timeout=10) as r:
            r.read()

    def print_document(self, text: str) -> None:
        """Print a scenario document; its STATE:/ATTR: lines change the printer."""
        doc = self.tmp / f"doc-{time.monotonic_ns()}.txt"
        doc.write_text(text)
        subprocess.run(["ipptool", "-q", "-f", str(doc), self.uri, str(self.tmp / "print-job.test")],
                       check=True, timeout=30)

    def stop(self) -> None:
        _stop(self.proc)
        _stop(self.dbus)
        if hasattr(self, "log"):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
