"""Open a verified, authenticated paramiko Transport to one target (through jump hosts if needed).

Order matters for safety: TCP, SSH handshake, host key checked against the
known_hosts index, and only then authentication. An unknown, changed or
revoked key ends the connection right after the handshake: nothing else is
sent. Every stage has its own timeout, all bounded by the host's deadline.
"""

from __future__ import annotations

import contextlib
import errno
import random
import socket
import threading
import time
from typing import Any

import paramiko
from paramiko.ssh_exception import IncompatiblePeer

from fleetcheck.core.contracts import Unreachable
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.inventory.model import SecretRef
from fleetcheck.core.ssh.auth import authenticate
from fleetcheck.core.ssh.config import Target
from fleetcheck.core.ssh.hostkey import known_key_types, prefer_known_types, verify_host_key
from fleetcheck.core.ssh.keys import KeyStore
from fleetcheck.core.ssh.knownhosts import HostKeyCheck, KnownHostsCache
from fleetcheck.core.ssh.options import ConnectOptions
from fleetcheck.core.states import Reachability


def _short(seconds: float, digits: int = 3) -> float:
    """A time for a message, to `digits` significant digits (the message formats it per language)."""
    return float(f"{seconds:.{digits}g}")


def _via_jump(label: str, why: Message) -> Message:
    """A jump host's own failure, said as such; a chain of jump hosts reads `a → b`."""
    if why.code == "ssh.jump":
        return msg("ssh.jump", **{**why.params, "via": f"{label} → {why.params['via']}"})
    return msg("ssh.jump", via=label, jump_why=why.code, **why.params)


class HandshakeLimiter:
    """At most N unauthenticated handshakes in flight per target address."""

    def __init__(self, per_address: int) -> None:
        self._per = max(1, per_address)
        self._lock = threading.Lock()
        self._sems: dict[str, threading.BoundedSemaphore] = {}

    def slot(self, address: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._sems.get(address)
            if sem is None:
                sem = self._sems[address] = threading.BoundedSemaphore(self._per)
            return sem


IDLE_POLL = 1.0  # seconds between a pooled transport thread's wake-ups
ACTIVE_POLL = 0.1  # paramiko's own Transport._active_check_timeout


class Connection:
    """An authenticated Transport (plus how it was reached)."""

    def __init__(self, transport: paramiko.Transport, target: Target, host_key: HostKeyCheck,
                 auth_method: str) -> None:
        self.transport = transport
        self.target = target
        self.host_key = host_key
        self.auth_method = auth_method
        self.server_version = str(getattr(transport, "remote_version", "") or "")
        self.created = time.monotonic()

    def age(self) -> float:
        return time.monotonic() - self.created

    def alive(self) -> bool:
        return bool(self.transport.is_active() and self.transport.is_authenticated())

    def set_idle(self, idle: bool) -> None:
        """Slow the transport thread's socket poll while the connection waits in a pool.

        paramiko polls every 0.1 s per Transport: 1000 kept connections cost about 30 % of a
        core doing nothing (measured in bench/). A closing socket still wakes it at once.
        """
        # a closed socket or a proxy without timeouts: nothing to slow down
        with contextlib.suppress(OSError, AttributeError):
            self.transport.sock.settimeout(IDLE_POLL if idle else ACTIVE_POLL)

    def close(self) -> None:
        self.transport.close()


def _is_invalid_tld(name: str) -> bool:
    # RFC 6761: names under .invalid never resolve; answer without asking any resolver
    return name.rstrip(".").lower().endswith(".invalid") or name.lower() == "invalid"


class QuickAckSocket(socket.socket):
    """A socket that keeps delayed ACKs off: Linux drops TCP_QUICKACK again after a while, and
    sshd (no TCP_NODELAY without a pty) then waits ~40 ms for our ACK before its next small
    packet, e.g. the confirmation of the first session channel."""

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        data = super().recv(bufsize, flags)
        self.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        return data


# connect() errors that mean nothing answered for the address (e.g. no ARP reply: the PC is off)
_NO_ANSWER = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN})


def open_socket(hostname: str, port: int, timeout: float) -> socket.socket:
    """A connected TCP socket with Nagle and delayed ACKs off (two 40 ms stalls per handshake)."""
    where = f"{hostname}:{port}"
    if _is_invalid_tld(hostname):
        raise Unreachable(Reachability.UNREACHABLE, msg("ssh.dns", hostname=hostname),
                          msg("ssh.dns.fix.address"), f"resolve {hostname}: reserved TLD")
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unreachable(Reachability.UNREACHABLE, msg("ssh.dns", hostname=hostname), msg("ssh.dns.fix"),
                          f"resolve {hostname}: {exc}") from None
    last: Exception | None = None
    start = time.monotonic()
    for family, kind, proto, _, addr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(max(0.05, timeout - (time.monotonic() - start)))
            sock.connect(addr)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            quick = QuickAckSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
            quick.settimeout(sock.gettimeout())
            return quick
        return sock
    if isinstance(last, TimeoutError):
        raise Unreachable(Reachability.TIMEOUT, msg("ssh.tcp.timeout", where=where, timeout=_short(timeout)),
                          msg("ssh.tcp.timeout.fix", port=port), f"connect {where}: timed out",
                          no_answer=True)
    if isinstance(last, ConnectionRefusedError):
        raise Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.refused", where=where),
                          msg("ssh.tcp.refused.fix"), f"connect {where}: connection refused")
    silent = isinstance(last, OSError) and last.errno in _NO_ANSWER
    raise Unreachable(Reachability.UNREACHABLE, msg("ssh.tcp.failed", where=where, error=str(last)),
                      msg("ssh.tcp.failed.fix"), f"connect {where}: {last}", no_answer=silent)


class Connector:
    """Connects targets for one scan; shares keys, the known_hosts index and jump connections."""

    def __init__(self, keys: KeyStore, known_hosts: KnownHostsCache, options: ConnectOptions | None = None):
        self.keys = keys
        self.known_hosts = known_hosts
        self.options = options or ConnectOptions()
        self.limiter = HandshakeLimiter(self.options.handshakes_per_address)
        self._jumps: dict[Target, Connection] = {}
        self._jump_locks: dict[Target, threading.Lock] = {}
        self._lock = threading.Lock()

    def connect(self, target: Target, deadline: float, name: str, password: SecretRef | None = None,
                cancel: threading.Event | None = None, connect_timeout: float | None = None) -> Connection:
        transport, check = self.handshake(target, deadline, name, cancel, hold_slot=True,
                                          connect_timeout=connect_timeout)
        try:
            method = authenticate(transport, target, self.keys, password,
                                  lambda: deadline - time.monotonic(), self.options.auth_timeout)
        except BaseException:
            transport.close()
            raise
        finally:
            self.limiter.slot(self._slot_key(target)).release()
        return Connection(transport, target, check, method)

    def handshake(self, target: Target, deadline: float, name: str, cancel: threading.Event | None = None,
                  verify: bool = True, hold_slot: bool = False,
                  connect_timeout: float | None = None) -> tuple[paramiko.Transport, HostKeyCheck]:
        """TCP + SSH handshake + host key check (raises Unreachable unless the key matches).

        `verify=False` (for `trust`) returns the key unchecked. With `hold_slot` the per-address
        handshake slot stays taken until the caller releases it (connect() does, after auth).
        """
        sem = self.limiter.slot(self._slot_key(target))
        if not sem.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise Unreachable(Reachability.TIMEOUT, msg("ssh.slot", hostname=target.hostname),
                              msg("ssh.slot.fix"), "handshake queue")
        try:
            attempt = 0
            while True:
                if cancel is not None and cancel.is_set():
                    raise Unreachable(Reachability.NOT_CHECKED, msg("ssh.cancelled"), None, "cancelled")
                try:
                    transport = self._start(target, deadline, connect_timeout)
                    break
                except _BannerReset as exc:
                    attempt += 1
                    pause = random.uniform(0.05, 0.25) * attempt  # jitter: don't retry in lockstep
                    if attempt > self.options.banner_retries or time.monotonic() + pause >= deadline:
                        raise Unreachable(Reachability.UNREACHABLE,
                                          msg("ssh.banner.reset", where=f"{target.hostname}:{target.port}",
                                              tries=attempt),
                                          msg("ssh.banner.reset.fix"), str(exc)) from None
                    time.sleep(pause)
            try:
                check = verify_host_key(transport, target, self.known_hosts, name) if verify else \
                    _unchecked(transport)
            except BaseException:
                transport.close()
                raise
        except BaseException:
            sem.release()
            raise
        if not hold_slot:
            sem.release()
        return transport, check

    @staticmethod
    def _slot_key(target: Target) -> str:
        return f"{target.hostname}:{target.port}"

    def _start(self, target: Target, deadline: float, connect_timeout: float | None) -> paramiko.Transport:
        opts = self.options
        left = deadline - time.monotonic()
        sock: Any = self._open_path(target, deadline, min(connect_timeout or opts.connect_timeout, left))
        transport = paramiko.Transport(sock)
        prefer_known_types(transport, known_key_types(target, self.known_hosts))
        left = max(0.05, deadline - time.monotonic())
        transport.banner_timeout = min(opts.banner_timeout, left)
        transport.handshake_timeout = left
        where = f"{target.hostname}:{target.port}"
        try:
            _negotiate(transport, deadline, where, sock, target)
        except IncompatiblePeer as exc:
            transport.close()
            raise Unreachable(Reachability.NOT_CHECKED, msg("ssh.sha1"), msg("ssh.sha1.fix"),
                              f"handshake {where}: {exc}") from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            transport.close()
            _proxy_exited(sock, target, where, exc)
            cause = exc.__context__ or exc
            if "banner" in str(exc):
                if isinstance(cause, TimeoutError | socket.timeout):
                    raise Unreachable(Reachability.TIMEOUT,
                                      msg("ssh.banner.timeout", seconds=_short(transport.banner_timeout)),
                                      msg("ssh.banner.timeout.fix", port=target.port),
                                      f"handshake {where}: {exc}") from None
                raise _BannerReset(f"handshake {where}: {exc} ({type(cause).__name__})") from None
            if deadline - time.monotonic() <= 0.05:
                raise Unreachable(Reachability.TIMEOUT, msg("ssh.kex.timeout"), msg("ssh.timeout.fix"),
                                  f"handshake {where}: {exc}") from None
            raise Unreachable(Reachability.UNREACHABLE,
                              msg("ssh.handshake.failed", where=where, error=str(exc)),
                              None, f"handshake {where}: {exc}") from None
        return transport

    def _open_path(self, target: Target, deadline: float, timeout: float) -> Any:
        if target.jump is not None:
            jump = self._jump_connection(target.jump, deadline)
            try:
                return jump.transport.open_channel("direct-tcpip", (target.hostname, target.port),
                                                   ("127.0.0.1", 0), timeout=timeout)
            except (paramiko.ChannelException, paramiko.SSHException, EOFError, OSError) as exc:
                raise Unreachable(Reachability.UNREACHABLE,
                                  msg("ssh.jump.unreachable", jump=target.jump.label,
                                      where=f"{target.hostname}:{target.port}", error=str(exc)),
                                  msg("ssh.jump.unreachable.fix"),
                                  f"direct-tcpip via {target.jump.label}: {exc}") from None
        if target.proxy_command:
            try:
                proxy = ReapedSafeProxyCommand(target.proxy_command)
                proxy.settimeout(timeout)
                return proxy
            except (paramiko.ProxyCommandFailure, OSError) as exc:
                raise Unreachable(Reachability.UNREACHABLE, msg("ssh.proxy.failed", error=str(exc)),
                                  msg("ssh.proxy.fix"),
                                  f"ProxyCommand {target.proxy_command}: {exc}") from None
        return open_socket(target.hostname, target.port, timeout)

    def _jump_connection(self, jump: Target, deadline: float) -> Connection:
        """One shared connection per jump host for the whole scan (a customer's single gateway)."""
        with self._lock:
            lock = self._jump_locks.setdefault(jump, threading.Lock())
        with lock:
            conn = self._jumps.get(jump)
            if conn is not None and conn.alive():
                return conn
            try:
                conn = self.connect(jump, deadline, jump.label)
            except Unreachable as exc:
                raise Unreachable(exc.reachability, _via_jump(jump.label, exc.message), exc.fix_message,
                                  exc.evidence) from None
            self._jumps[jump] = conn
            return conn

    def close(self) -> None:
        with self._lock:
            jumps = list(self._jumps.values())
            self._jumps.clear()
        for conn in jumps:
            conn.close()


class _BannerReset(Exception):
    pass


class ReapedSafeProxyCommand(paramiko.ProxyCommand):
    """paramiko's ProxyCommand whose close() never signals a process already reaped.

    `_proxy_exited` waits for (reaps) a command that ended; paramiko's transport
    thread then closes the socket with `os.kill(pid, SIGTERM)`, which raised in
    that thread, or worse, could hit an unrelated process that reused the PID.
    """

    def close(self) -> None:
        if self.process.poll() is None:  # poll() reaps nothing it has not already seen end
            with contextlib.suppress(ProcessLookupError):
                super().close()


def _proxy_exited(sock: Any, target: Target, where: str, exc: Exception) -> None:
    """A ProxyCommand that ended before the handshake is reported as itself, not as 'no banner'."""
    process = getattr(sock, "process", None)
    if not target.proxy_command or process is None:
        return
    try:
        status = process.wait(timeout=0.5)
    except Exception:  # still running: the handshake failed for another reason
        return
    err = b""
    with contextlib.suppress(Exception):
        err = process.stderr.read(2000) if process.stderr is not None else b""
    said = " ".join(err.decode("utf-8", "replace").split())
    raise Unreachable(Reachability.UNREACHABLE,
                      msg("ssh.proxy.exited.said" if said else "ssh.proxy.exited", status=status, said=said),
                      msg("ssh.proxy.exited.fix"),
                      f"handshake {where} via ProxyCommand {target.proxy_command}: exited with status "
                      f"{status}; stderr: {said or '(nothing)'}; {exc}") from None


def _negotiate(transport: paramiko.Transport, deadline: float, where: str, sock: Any = None,
               target: Target | None = None) -> None:
    """Run the SSH handshake until it completes, fails or the deadline passes.

    paramiko's own `start_client(timeout=...)` returns without an error when its timeout
    passes first, leaving a transport that never negotiated ("No existing session" later):
    here every way of running out of time ends as TIMEOUT, saying what was received.
    """
    done = threading.Event()
    started = time.monotonic()
    transport.start_client(event=done)  # with an event paramiko returns at once
    while not done.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
        if not transport.is_active():
            break
        process = getattr(sock, "process", None)
        if target is not None and process is not None and process.poll() is not None:
            transport.close()
            _proxy_exited(sock, target, where, EOFError("ProxyCommand output ended"))
        if time.monotonic() >= deadline:
            waited = time.monotonic() - started
            banner = str(getattr(transport, "remote_version", "") or "")
            transport.close()
            if not banner:
                raise Unreachable(Reachability.TIMEOUT, msg("ssh.banner.none", seconds=_short(waited, 2)),
                                  msg("ssh.banner.none.fix"),
                                  f"handshake {where}: TCP connected, no SSH banner received "
                                  f"in {waited:.2g} s") from None
            raise Unreachable(Reachability.TIMEOUT,
                              msg("ssh.kex.deadline", seconds=_short(waited, 2), banner=repr(banner)),
                              msg("ssh.timeout.fix"), f"handshake {where}: banner {banner!r} received, "
                              "key exchange unfinished") from None
    if not transport.is_active():
        exc = transport.get_exception()
        raise exc if exc is not None else paramiko.SSHException("Negotiation failed.")


def _unchecked(transport: paramiko.Transport) -> HostKeyCheck:
    from fleetcheck.core.ssh.knownhosts import Verdict, fingerprint

    key = transport.get_remote_server_key()
    return HostKeyCheck(Verdict.UNKNOWN, fingerprint(key.asbytes()), key.get_name())

