"""A real OpenSSH test fleet on loopback: one `sshd -D` process per emulated host.

Interface (stable; the Linux and Windows probe tests build on it):

    from tests.ssh.fleet import HostSpec            # or: from .fleet import HostSpec

    def test_x(sshd_fleet):                          # fixture from tests/ssh/conftest.py
        fleet = sshd_fleet({
            "web1": HostSpec(bin_dir=HOSTS / "healthy" / "bin"),      # fixture binaries first on PATH
            "old":  HostSpec(scripts={"journalctl": "#!/bin/sh\\nexit 1\\n"}, hide=("systemctl",)),
        })
        h = fleet.hosts["web1"]      # FleetHost: address, port, user, known_hosts_line, client_key, ...
        inv = fleet.write_inventory(tmp_path / "fleet.yaml")        # all hosts, kind from HostSpec
        hosts = fleet.inventory_hosts()                             # core Host objects, no loader needed

For module-scoped fleets use the session fixture `fleet_keys` with `start_fleet(specs, keys)`
(a context manager) directly.

Each host is a real `sshd -D -f <own config> -E <log>` on its own address 127.0.X.Y and a free
port picked at run time, with its own ed25519 host key, its own authorized_keys (the session's
client key unless `authorize_client=False`), `UsePAM no`, `StrictModes no`, `LogLevel ERROR`.
Sessions get `PATH=<host bin>:<system dirs>` through sshd's `SetEnv` (verified to override PATH
for exec sessions on OpenSSH 9.2); <host bin> holds a copy of `bin_dir` plus `scripts`. Also
`FLEET_HOST=<name>`, `FLEET_STATE=<dir writable by the login user>` (marker files:
`FleetHost.state_dir`) and `env`. `hide=(names...)` replaces the system dirs by a shadow dir of
symlinks without those names, so e.g. a host "without systemd" has no `systemctl` even though
this machine has one. `authorized_keys=(...)` adds accepted keys; `sshd_options=(...)` lines
replace the defaults with the same keyword (e.g. "MaxStartups 4", "PasswordAuthentication yes").
`host_key_types=("ed25519", "ecdsa")` gives a host several host keys (`FleetHost.host_keys`).
`binds={"/var/log": folder}` shows a folder (or file) of the test's at a fixed path to that host's
sessions only (root: its sshd runs in a private mount namespace; nothing changes for anyone else).
`fleet.stop_host(name)` stops one host (connection refused afterwards); `fleet.known_hosts_text()`
/ `write_known_hosts(path, names)` give known_hosts lines; `fleet.keys.wrong_key` is a key no
host accepts.

Login user: as root a dedicated user `fleetcheck-test` with /bin/sh as shell is created once
(root's ~/.bashrc may be slow); otherwise the current user. Keys are generated in process
(once per session for client keys). Every sshd is stopped by PID at teardown.
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
TEST_USER = "fleetcheck-test"
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")


@dataclass(frozen=True)
class HostSpec:
    """How one emulated host behaves."""

    bin_dir: Path | str | None = None  # fixture binaries (copied), first on PATH after `scripts`
    scripts: Mapping[str, str] = field(default_factory=dict)  # name -> file content, executable
    hide: tuple[str, ...] = ()  # system commands this host does not have
    env: Mapping[str, str] = field(default_factory=dict)  # extra session environment (SetEnv)
    authorize_client: bool = True  # False: the session client key is refused (auth fails)
    authorized_keys: tuple[str, ...] = ()  # extra public key lines accepted by this host
    sshd_options: tuple[str, ...] = ()  # sshd_config lines; replace defaults with the same keyword
    kind: str = "linux"  # inventory kind
    inventory: Mapping[str, Any] = field(default_factory=dict)  # extra inventory fields
    host_key_types: tuple[str, ...] = ("ed25519",)  # "ed25519", "ecdsa": one host key each
    # path on this machine -> file or folder shown there to this host only (a private mount
    # namespace around its sshd: root only); e.g. {"/var/log": folder with a syslog `messages`}
    binds: Mapping[str, Path | str] = field(default_factory=dict)


@dataclass
class FleetHost:
    name: str
    address: str
    port: int
    user: str
    host_key_pub: str  # "ssh-ed25519 AAAA..."
    client_key: Path  # private key file the client should use
    dir: Path
    state_dir: Path  # writable by the login user, exported as $FLEET_STATE
    log: Path
    pid: int
    spec: HostSpec
    host_keys: dict[str, str] = field(default_factory=dict)  # type ("ecdsa") -> "ecdsa-sha2-... AAAA"

    @property
    def known_hosts_line(self) -> str:
        return self.known_hosts_line_for(self.host_key_pub)

    def known_hosts_line_for(self, public: str) -> str:
        target = self.address if self.port == 22 else f"[{self.address}]:{self.port}"
        return f"{target} {public}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _openssh_ed25519(comment: str, key_type: str = "ed25519") -> tuple[bytes, str]:
    """A fresh ed25519 (or ECDSA P-256) key: (OpenSSH private key, "ssh-ed25519 AAAA... comment")."""
    key: Any = ec.generate_private_key(ec.SECP256R1()) if key_type == "ecdsa" else \
        ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    return private, f"{public} {comment}"


@dataclass
class FleetKeys:
    """Session-wide material: client keys and the login user."""

    dir: Path
    client_key: Path
    client_pub: str
    wrong_key: Path  # a key no host authorizes
    user: str

    @classmethod
    def create(cls, base: Path) -> FleetKeys:
        base.mkdir(parents=True, exist_ok=True)
        paths = []
        pubs = []
        for name in ("client_ed25519", "wrong_ed25519"):
            priv, pub = _openssh_ed25519(f"fleetcheck-{name}")
            p = base / name
            p.write_bytes(priv)
            p.chmod(0o600)
            (base / f"{name}.pub").write_text(pub + "\n")
            paths.append(p)
            pubs.append(pub)
        return cls(base, paths[0], pubs[0], paths[1], login_user())


def login_user() -> str:
    if os.geteuid() != 0:
        return getpass.getuser()
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        r = subprocess.run(["useradd", "-m", "-s", "/bin/sh", TEST_USER], capture_output=True, text=True)
        if r.returncode not in (0, 9):  # 9: created meanwhile by a concurrent test run
            raise RuntimeError(f"useradd {TEST_USER}: {r.stderr.strip()}") from None
    # '*' instead of useradd's '!': sshd with UsePAM no refuses "locked" accounts; '*' matches no password
    subprocess.run(["usermod", "-p", "*", TEST_USER], capture_output=True, check=False)
    return TEST_USER


_addresses = itertools.count()
_ADDR_BASE = 100 + os.getpid() % 100  # separate test processes start on different /24s


def next_address() -> str:
    n = next(_addresses)
    return f"127.0.{(_ADDR_BASE + n // 250) % 250 + 1}.{n % 250 + 2}"


def free_port(address: str) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def _tcp_token(address: str, port: int) -> str:
    return f"{int.from_bytes(socket.inet_aton(address), 'little'):08X}:{port:04X}"


def _listeners() -> set[str]:
    """Local address tokens of every IPv4 TCP listener (one read of /proc/net/tcp)."""
    with open("/proc/net/tcp") as f:
        return {parts[1] for parts in (line.split() for line in f.readlines()[1:]) if parts[3] == "0A"}


def _listening(address: str, port: int) -> bool:
    return _tcp_token(address, port) in _listeners()


def _descendants(root: int) -> list[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: list[int] = []
    frontier = [root]
    while frontier:
        kids = [pid for pid, pp in parent.items() if pp in frontier]
        out.extend(kids)
        frontier = kids
    return out


def _shadow_path_dir(target: Path, hidden: Sequence[str]) -> Path:
    """A directory of symlinks to every system command except the hidden ones."""
    target.mkdir(parents=True, exist_ok=True)
    for d in SYSTEM_PATH:
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            link = target / name
            if name in hidden or link.exists() or link.is_symlink():
                continue
            link.symlink_to(os.path.join(d, name))
    return target


class Fleet:
    """Running sshd processes; stop() (or leaving the context) stops them by PID."""

    def __init__(self, root: Path, keys: FleetKeys) -> None:
        self.root = root
        self.keys = keys
        self.hosts: dict[str, FleetHost] = {}
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def user(self) -> str:
        return self.keys.user

    @property
    def client_key(self) -> Path:
        return self.keys.client_key

    def _prepare(self, name: str, spec: HostSpec) -> tuple[FleetHost, list[str]]:
        d = self.root / name
        (d / "state").mkdir(parents=True)
        (d / "state").chmod(0o777)
        hbin = d / "bin"
        if spec.bin_dir is not None:
            shutil.copytree(spec.bin_dir, hbin, symlinks=True)
        hbin.mkdir(exist_ok=True)
        for script, text in spec.scripts.items():
            (hbin / script).write_text(text)
        for p in hbin.iterdir():
            if p.is_file():
                p.chmod(0o755)
        system = [str(_shadow_path_dir(d / "system", spec.hide))] if spec.hide else list(SYSTEM_PATH)
        host_keys: dict[str, str] = {}
        for key_type in spec.host_key_types:
            priv, pub = _openssh_ed25519(f"host-{name}", key_type)
            (d / f"ssh_host_{key_type}_key").write_bytes(priv)
            (d / f"ssh_host_{key_type}_key").chmod(0o600)
            host_keys[key_type] = " ".join(pub.split()[:2])
        accepted = ([self.keys.client_pub] if spec.authorize_client else []) + list(spec.authorized_keys)
        (d / "authorized_keys").write_text("".join(line + "\n" for line in accepted))
        (d / "authorized_keys").chmod(0o644)
        address = next_address()
        port = free_port(address)
        env = {"PATH": ":".join([str(hbin), *system]), "FLEET_HOST": name, "FLEET_STATE": str(d / "state"),
               **spec.env}
        setenv = " ".join(f'"{k}={v}"' for k, v in env.items())
        config = [
            f"ListenAddress {address}:{port}", *(f"HostKey {d / f'ssh_host_{t}_key'}" for t in host_keys),
            f"PidFile {d / 'sshd.pid'}", f"AuthorizedKeysFile {d / 'authorized_keys'}",
            "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "UsePAM no", "UseDNS no", "StrictModes no", "PrintMotd no", "PrintLastLog no",
            "MaxStartups 500:30:1000", "MaxSessions 100", "LogLevel ERROR", f"SetEnv {setenv}",
        ]
        own = {line.split()[0].lower() for line in spec.sshd_options if line.strip()}
        config = [*spec.sshd_options, *(line for line in config if line.split()[0].lower() not in own)]
        (d / "sshd_config").write_text("\n".join(config) + "\n")
        host = FleetHost(name, address, port, self.keys.user, next(iter(host_keys.values())),
                         self.keys.client_key, d, d / "state", d / "sshd.log", 0, spec, host_keys)
        cmd = [SSHD, "-D", "-f", str(d / "sshd_config"), "-E", str(host.log)]
        if spec.binds:
            if os.geteuid() != 0:
                raise RuntimeError("HostSpec.binds needs root (a private mount namespace)")
            mounts = " && ".join(f"mount --bind {shlex.quote(str(src))} {shlex.quote(dst)}"
                                 for dst, src in spec.binds.items())
            # unshare and sh exec: the PID stays sshd's; the mounts go with the namespace's last process
            cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts} && exec "$@"',
                   "sh", *cmd]
        return host, cmd

    def start(self, specs: Mapping[str, HostSpec], timeout: float = 10.0) -> None:
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation dir
        pending = []
        for name, spec in specs.items():
            host, cmd = self._prepare(name, spec)
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            host.pid = proc.pid
            self.hosts[name] = host
            self._procs[name] = proc
            pending.append(host)
        end = time.monotonic() + timeout
        while pending:
            listening = _listeners()
            for host in list(pending):
                if self._procs[host.name].poll() is not None:
                    raise RuntimeError(f"sshd for {host.name} exited: {host.log_text()}")
                if _tcp_token(host.address, host.port) in listening:
                    pending.remove(host)
            if pending and time.monotonic() > end:
                raise RuntimeError(f"sshd not listening after {timeout} s: {[h.name for h in pending]}")
            if pending:
                time.sleep(0.01)

    def stop_host(self, name: str) -> None:
        """Stop one host's listener and every session process under it, by PID."""
        proc = self._procs.pop(name, None)
        if proc is None:
            return
        children = _descendants(proc.pid)  # sessions call setsid(): not in the listener's group
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def stop(self) -> None:
        for name in list(self._procs):
            self.stop_host(name)

    # --- files a client needs -------------------------------------------------------------

    def known_hosts_text(self, names: Sequence[str] | None = None) -> str:
        return "".join(self.hosts[n].known_hosts_line + "\n" for n in (names or list(self.hosts)))

    def write_known_hosts(self, path: Path, names: Sequence[str] | None = None) -> Path:
        path.write_text(self.known_hosts_text(names))
        return path

    def inventory_dict(self, names: Sequence[str] | None = None, known_hosts: Path | None = None,
                       customer: str = "Fleet test") -> dict[str, Any]:
        hosts = []
        for n in names or list(self.hosts):
            h = self.hosts[n]
            entry: dict[str, Any] = {"name": n, "kind": h.spec.kind, "address": h.address, "port": h.port}
            entry.update(h.spec.inventory)
            hosts.append(entry)
        defaults: dict[str, Any] = {"user": self.user, "identity_file": str(self.client_key)}
        if known_hosts is not None:
            defaults["known_hosts"] = str(known_hosts)
        return {"customer": customer, "defaults": defaults, "hosts": hosts}

    def write_inventory(self, path: Path, names: Sequence[str] | None = None,
                        known_hosts: Path | None = None) -> Path:
        """Inventory YAML for the fleet (and a known_hosts next to it unless one is given)."""
        if known_hosts is None:
            known_hosts = self.write_known_hosts(path.with_suffix(".known_hosts"), names)
        path.write_text(yaml.safe_dump(self.inventory_dict(names, known_hosts), sort_keys=False))
        return path

    def inventory_hosts(self, names: Sequence[str] | None = None, known_hosts: Path | None = None,
                        **overrides: Any) -> list[Any]:
        """core Host objects for the fleet, without going through the inventory loader."""
        from fleetcheck.core.inventory.model import Host

        if known_hosts is None:
            known_hosts = self.write_known_hosts(self.root / "known_hosts", names)
        out = []
        for n in names or list(self.hosts):
            h = self.hosts[n]
            fields: dict[str, Any] = {"user": self.user, "identity_file": str(self.client_key),
                                      "known_hosts": str(known_hosts), "port": h.port, **overrides}
            out.append(Host(name=n, kind=h.spec.kind, address=h.address, **fields))
        return out


@contextlib.contextmanager
def start_fleet(specs: Mapping[str, HostSpec], keys: FleetKeys, root: Path | None = None) -> Iterator[Fleet]:
    """Start the hosts, yield the Fleet, stop every sshd by PID afterwards (also on failure)."""
    base = Path(tempfile.mkdtemp(prefix="fleetcheck-fleet-", dir=root))
    base.chmod(0o755)  # the login user must reach its bin and state dirs
    fleet = Fleet(base, keys)
    try:
        fleet.start(specs)
        yield fleet
    finally:
        fleet.stop()
        shutil.rmtree(base, ignore_errors=True)
