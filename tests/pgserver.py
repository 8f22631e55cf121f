"""A real PostgreSQL server for tests and benchmarks: Debian's binaries, a temp folder, a free port.

    server = PgServer.start_new()          # initdb + start (as `nobody` when run as root)
    url = server.create_database()         # a fresh, empty database: postgresql://fleetcheck@127.0.0.1:PORT/db_N
    url = server.create_database(schema=True)   # the same, with fleetcheck's schema already upgraded
    server.admin(url, "CREATE ROLE ...")   # run SQL as the superuser
    server.stop() / server.start()         # stop it (fast, then SIGKILL by the postmaster's PID) and again
    server.destroy()                       # stop and remove the folder

The binaries come from `/usr/lib/postgresql/<version>/bin` (the highest version there;
`dev/test.sh` installs the `postgresql` package): a missing server is an error, never a skip.
initdb refuses to run as root, so as root every server program runs as `nobody` in a folder
chowned to it. The server listens on 127.0.0.1 only (and a Unix socket inside the folder). The
superuser `fleetcheck` logs in without a password (trust) on loopback; every other role needs its
password (scram-sha-256), so the credential tests are real.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "fleetcheck"
TEMPLATE = "fleetcheck_template"
LIBDIR = Path("/usr/lib/postgresql")


def bindir() -> Path:
    """Debian's server binaries (never /usr/local copies: CI has only the Debian package)."""
    versions = sorted((p for p in LIBDIR.glob("*/bin") if (p / "initdb").is_file()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if not versions:
        raise RuntimeError(f"no PostgreSQL server in {LIBDIR}/*/bin: install Debian's 'postgresql' "
                           "package (dev/test.sh does)")
    return versions[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sock"
        self.log = root / "server.log"
        self.port = port
        self.host = "127.0.0.1"
        self.bin = bindir()
        self._names = itertools.count(1)
        self._template_ready = False

    # --- lifecycle ----------------------------------------------------------------------

    @classmethod
    def start_new(cls) -> PgServer:
        root = Path(tempfile.mkdtemp(prefix="fleetcheck-pg-"))
        server = cls(root, free_port())
        try:
            server._init()
            server.start()
        except BaseException:
            server.destroy()
            raise
        return server

    def _as_owner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        nobody = pwd.getpwnam("nobody")
        return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]

    def _run(self, *argv: str, timeout: float = 60) -> None:
        proc = subprocess.run([*self._as_owner(), *argv], capture_output=True, text=True, timeout=timeout,
                              cwd=self.root)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}"
                               f"\n{self._log_tail()}")

    def _init(self) -> None:
        self.sockets.mkdir()
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for p in (self.root, self.sockets):
                os.chown(p, nobody.pw_uid, nobody.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        hba = self.data / "pg_hba.conf"
        # the superuser on loopback without a password; everyone else with theirs
        rules = (f"local all all trust\nhost all {SUPERUSER} 127.0.0.1/32 trust\n"
                 "host all all 127.0.0.1/32 scram-sha-256\n")
        hba.write_text(rules)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 200\nshared_buffers = 32MB\n")

    def start(self) -> None:
        self.log.touch()
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.log, nobody.pw_uid, nobody.pw_gid)
        opts = f"-c listen_addresses={self.host} -p {self.port} -k {self.sockets}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.log), "-w",
                  "-t", "60", "start")

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Fast shutdown; a postmaster that is still there after it is killed by its PID."""
        pid = self.pid()
        if pid is None:
            return
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "20", "stop",
                      timeout=30)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            with contextlib.suppress(FileNotFoundError):
                (self.data / "postmaster.pid").unlink()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _log_tail(self) -> str:
        try:
            return "server log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    # --- databases ----------------------------------------------------------------------

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def admin(self, url: str, *statements: str) -> None:
        """Run SQL as the superuser (autocommit: CREATE DATABASE, CREATE ROLE, ...)."""
        import psycopg

        dbname = url.rsplit("/", 1)[-1].split("?", 1)[0]
        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, schema: bool = False) -> str:
        """A new empty database (or one with fleetcheck's schema, copied from a template for speed)."""
        name = f"db_{os.getpid()}_{next(self._names)}"
        if schema:
            self._ensure_template()
            self.admin(self.url(), f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        else:
            self.admin(self.url(), f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from fleetcheck.store.postgres.schema import upgrade

        self.admin(self.url(), f'DROP DATABASE IF EXISTS "{TEMPLATE}"',
                   f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')
        upgrade(self.url(TEMPLATE))
        self._template_ready = True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False
