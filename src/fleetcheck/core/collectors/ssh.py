"""The SSH collector: one verified connection per host per scan, one probe run, parsed into checks.

paramiko is blocking, so each host runs on the engine's thread pool. The
collector stops a little before the host deadline so it can say which stage
ran out of time (the engine's own cut-off only knows "timed out").
Connections can be kept for rescans (the dashboard): reused while alive,
at most `keep_connections` of them, all closed by `close()`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from fleetcheck.core.checks import unknown
from fleetcheck.core.collectors.base import CollectContext
from fleetcheck.core.collectors.options import CollectorOptions
from fleetcheck.core.contracts import Collection, CrashWindows, Probe, ProbeRun, Unreachable
from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.kinds import probe_kind, ssh_kinds
from fleetcheck.core.probes.base import probe_for_kind
from fleetcheck.core.results import Evidence, HostResult
from fleetcheck.core.ssh.config import SshConfig, Target
from fleetcheck.core.ssh.connect import Connection, Connector
from fleetcheck.core.ssh.exec import ChannelRefused, ProbeDropped, ProbeTimeout, run_probe
from fleetcheck.core.ssh.keys import KeyStore
from fleetcheck.core.ssh.knownhosts import KnownHostsCache
from fleetcheck.core.ssh.options import SshOptions
from fleetcheck.core.states import Reachability

__all__ = ["SshCollector", "SshOptions"]

PROBE_CHECK = "ssh.probe"
OUTPUT_CHECK = "ssh.output"


class SshCollector:
    kinds: ClassVar[frozenset[str]] = ssh_kinds()

    def __init__(self, options: SshOptions | None = None,
                 probes: Callable[[str], Probe | None] = probe_for_kind) -> None:
        self.options = opts = options or SshOptions()
        self._probes = probes
        self.keys = KeyStore(opts.passphrase_prompt, opts.allow_agent)
        self.known_hosts = KnownHostsCache()
        self.connector = Connector(self.keys, self.known_hosts, opts.connect)
        # a missing --ssh-config FILE is a usage error, raised here (FleetcheckError)
        self.config = SshConfig.load(opts.ssh_config) if opts.use_ssh_config else SshConfig(None, None)
        self._pool: OrderedDict[tuple[str, Target], Connection] = OrderedDict()
        self._pool_lock = threading.Lock()
        self.connects = 0  # new connections made, for tests and the benchmark

    @classmethod
    def from_options(cls, options: CollectorOptions) -> SshCollector:
        """Built by core.collectors.registry from the front end's typed options."""
        return cls(options.ssh)

    async def collect(self, host: Host, ctx: CollectContext) -> Collection:
        probe = self._probes(probe_kind(host.kind, host.os))
        if probe is None:
            raise Unreachable(Reachability.NOT_CHECKED, msg("ssh.noprobe", kind=host.kind), None,
                              f"kind {host.kind}")
        windows = (ctx.windows or CrashWindows(), ctx.scan_started)
        budget = ctx.remaining()
        deadline = ctx.deadline - min(self.options.stage_margin, budget * 0.1)
        return await ctx.run_blocking(self._collect, host, probe, windows, deadline, budget, ctx.cancel_event,
                                      ctx.previous)

    async def close(self) -> None:
        await asyncio.to_thread(self.close_now)

    def close_now(self) -> None:
        with self._pool_lock:
            conns = list(self._pool.values())
            self._pool.clear()
        for conn in conns:
            conn.close()
        self.connector.close()
        self.keys.close()

    # --- blocking part (engine thread pool) ----------------------------------------------

    def _collect(self, host: Host, probe: Probe, windows: tuple[CrashWindows, datetime], deadline: float,
                 budget: float, cancel: threading.Event, previous: HostResult | None = None) -> Collection:
        try:
            target = self.config.resolve(host)
        except FleetcheckError as exc:
            raise Unreachable(Reachability.NOT_CHECKED, msg("ssh.config", error=str(exc)),
                              msg("ssh.config.fix"), str(exc)) from None
        key = (host.name, target)
        conn, reused = self._checkout(key), True
        if conn is None:
            conn, reused = self._connect(host, target, deadline, cancel), False
        keep = False
        cap = self.options.output_cap
        try:
            try:
                # a kept connection's peer may be gone without a word: don't let it eat the budget
                open_timeout = min(3.0, (deadline - time.monotonic()) / 3) if reused else None
                run = run_probe(conn.transport, probe, deadline, cancel, cap, open_timeout)
            except ChannelRefused:
                if not reused:
                    raise
                conn.close()  # a kept connection went stale: one fresh try
                conn = self._connect(host, target, deadline, cancel)
                run = run_probe(conn.transport, probe, deadline, cancel, cap)
            keep = True
        except ChannelRefused as exc:
            return self._failed(probe, conn, exc.message, msg("ssh.channel.refused.fix"), None)
        except ProbeTimeout as exc:
            return self._failed(probe, conn, msg("ssh.probe.timeout", seconds=round(budget, 1)),
                                msg("engine.timeout.fix"), exc.partial)
        except ProbeDropped as exc:
            return self._failed(probe, conn, exc.message, msg("ssh.probe.dropped.fix"), exc.partial)
        finally:
            if keep:
                self._checkin(key, conn)
            else:
                conn.close()
        return self._parse(probe, run, host, windows, conn, previous)

    def _connect(self, host: Host, target: Target, deadline: float, cancel: threading.Event) -> Connection:
        conn = self.connector.connect(target, deadline, host.name, host.password, cancel,
                                      host.connect_timeout)
        self.connects += 1
        return conn

    def _checkout(self, key: tuple[str, Target]) -> Connection | None:
        if self.options.keep_connections <= 0:
            return None
        with self._pool_lock:
            conn = self._pool.pop(key, None)
        if conn is not None and (not conn.alive() or conn.age() > self.options.max_connection_age):
            conn.close()
            return None
        if conn is not None:
            conn.set_idle(False)
        return conn

    def _checkin(self, key: tuple[str, Target], conn: Connection) -> None:
        if self.options.keep_connections <= 0 or not conn.alive():
            conn.close()
            return
        evicted = []
        conn.set_idle(True)
        with self._pool_lock:
            self._pool[key] = conn
            self._pool.move_to_end(key)
            while len(self._pool) > self.options.keep_connections:
                evicted.append(self._pool.popitem(last=False)[1])
        for old in evicted:
            old.close()

    def _parse(self, probe: Probe, run: ProbeRun, host: Host, windows: tuple[CrashWindows, datetime],
               conn: Connection, previous: HostResult | None) -> Collection:
        ssh_facts = _ssh_facts(conn)
        # the windows are this machine's only if it still answers with the key they were read under
        since = windows[0].for_scan(windows[1], ssh_facts["host_key"])
        try:
            collection = probe.parse(run, host, since, previous)
        except Exception as exc:  # the parser's bug or garbage output: never escapes, never OK
            p = {"probe": probe.name, "error": f"{type(exc).__name__}: {exc}"}
            check = unknown(PROBE_CHECK, msg("ssh.probe.unreadable", **p),
                            msg("ssh.probe.unreadable.reason", **p), msg("ssh.probe.unreadable.fix"),
                            _raw_evidence(run))
            collection = Collection([check])
        if run.truncated:
            cap = self.options.output_cap
            q: dict[str, Any] = {"probe": probe.name, "cap": cap, "cap_kib": cap // 1024}
            collection.checks.append(unknown(
                OUTPUT_CHECK, msg("ssh.output.cut", **q), msg("ssh.output.cut.reason", **q),
                msg("ssh.output.cut.fix"), _raw_evidence(run)))
        collection.facts.setdefault("ssh", ssh_facts)
        return collection

    def _failed(self, probe: Probe, conn: Connection, reason: Message, fix: Message,
                partial: ProbeRun | None) -> Collection:
        evidence = (_raw_evidence(partial),) if partial is not None else ()
        check = unknown(PROBE_CHECK, msg("ssh.probe.incomplete", probe=probe.name), reason,
                        fix, evidence)
        return Collection([check], {"ssh": _ssh_facts(conn)})


def _raw_evidence(run: ProbeRun) -> Evidence:
    text = run.stdout.decode("utf-8", "replace")
    if run.stderr:
        text += "\n--- stderr ---\n" + run.stderr.decode("utf-8", "replace")
    status = "none" if run.exit_status is None else str(run.exit_status)
    return Evidence.of(f"ssh exec: {run.command} (exit status {status}, {len(run.stdout)} bytes stdout)",
                       text, run.finished)


def _ssh_facts(conn: Connection) -> dict[str, Any]:
    key = conn.host_key
    return {"server": conn.server_version, "host_key": f"{key.offered_type} {key.offered}",
            "auth": conn.auth_method, "connected_at": time.time()}

