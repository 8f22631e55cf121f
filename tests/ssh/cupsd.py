"""A real, private CUPS scheduler on loopback for the print-server tests.

    with CupsServer() as cups:                    # cupsd -f on 127.0.0.1:<free port>
        cups.run("lpadmin", "-p", "laser", "-E", "-v", cups.dead_device)
        cups.run("lp", "-d", "laser", "/etc/hostname")
        HostSpec(kind="printserver", env=cups.client_env)  # the fleet host's lpstat asks it

Everything it owns lives in one temporary folder: its ServerRoot (cupsd.conf, cups-files.conf,
printers.conf, ppd/, ssl/), spool, state, cache and logs. Nothing under /etc/cups is read or
written: the clients the test runs get CUPS_SERVERROOT (client.conf, ssl/) and HOME pointing
into that folder too. No job ever runs: the queues that hold jobs are disabled, so no backend
or filter process is started. cupsd is stopped by its PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from .fleet import free_port

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"

CUPSD_CONF = """Listen 127.0.0.1:{port}
LogLevel warn
DefaultEncryption Never
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

CUPS_FILES_CONF = """ServerRoot {root}/conf
RequestRoot {root}/spool
TempDir {root}/spool/tmp
StateDir {root}/state
CacheDir {root}/cache
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
"""


class CupsServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fc-cupsd-"))
        self.port = free_port("127.0.0.1")
        self.proc: subprocess.Popen[bytes] | None = None
        # a device nothing listens on (a port just found free): a job sent there would never complete
        self.dead_device = f"socket://127.0.0.1:{free_port('127.0.0.1')}"

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def client_env(self) -> dict[str, str]:
        """What a client needs to talk to this scheduler (and to no other)."""
        return {"CUPS_SERVER": self.server}

    def _env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.server, "CUPS_SERVERROOT": str(self.dir / "conf"),
                "HOME": str(self.dir / "home"), "LC_ALL": "C"}

    def start(self) -> CupsServer:
        if not shutil.which(CUPSD) or not shutil.which("lpadmin"):
            raise RuntimeError("cupsd/lpadmin missing: apt install cups cups-client (dev/test.sh does)")
        for sub in ("conf/ppd", "conf/ssl", "spool/tmp", "state", "cache", "log", "home"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "conf" / "cupsd.conf").write_text(CUPSD_CONF.format(port=self.port))
        (self.dir / "conf" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=self.dir))
        conf = self.dir / "conf"
        self.proc = subprocess.Popen(
            [CUPSD, "-f", "-c", str(conf / "cupsd.conf"), "-s", str(conf / "cups-files.conf")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self._env(),
            start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log()
                self.stop()
                raise RuntimeError(f"cupsd exited: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("cupsd did not listen within 20 s")

    def log(self) -> str:
        path = self.dir / "log" / "error_log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def run(self, *cmd: str) -> str:
        """A CUPS client command (lpadmin, lp, cupsdisable, lpstat ...) against this scheduler."""
        res = subprocess.run(list(cmd), capture_output=True, text=True, env=self._env(), timeout=30)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: exit {res.returncode}: {res.stderr.strip()} {self.log()}")
        return res.stdout

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> CupsServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
