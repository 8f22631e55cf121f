"""The SSH collector against real sshd: the happy path, reuse, keys once, config, jump hosts."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import time
from datetime import UTC, datetime, timedelta

import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from fleetcheck.core.collectors.ssh import SshOptions
from fleetcheck.core.contracts import CrashWindows
from fleetcheck.core.inventory.model import Host, SecretRef
from fleetcheck.core.ssh.connect import ACTIVE_POLL, IDLE_POLL, ConnectOptions
from fleetcheck.core.states import Reachability

from .fleet import HostSpec, _descendants
from .helpers import scan, tiny_collector
from .tiny_probe import TinyProbe


def test_scan_runs_probe_on_each_host(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec(), "b": HostSpec()})
    collector = tiny_collector()
    results = scan(fleet.inventory_hosts(), collector)
    for name in ("a", "b"):
        r = results[name]
        assert r.reachability is Reachability.REACHABLE, r.checks
        assert [c.id for c in r.checks] == ["tiny.hello"]
        assert r.checks[0].summary == f"hello from {name}"
        assert r.facts["ssh"]["host_key"].startswith("ssh-ed25519 SHA256:")
    assert collector.connects == 2
    assert collector.keys.loads == 1  # one identity file read once for the whole scan
    assert collector.known_hosts.loads == 1


def test_ssh_config_alias_and_proxyjump_through_a_jump_sshd(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"gw": HostSpec(), "inner1": HostSpec(), "inner2": HostSpec()})
    gw, known = fleet.hosts["gw"], fleet.write_known_hosts(tmp_path / "kh")
    blocks = []
    for n, h in fleet.hosts.items():
        blocks.append(f"Host {n}-alias\n  HostName {h.address}\n  Port {h.port}\n  User {fleet.user}\n"
                      f"  IdentityFile {fleet.client_key}\n  UserKnownHostsFile {known}\n"
                      + ("" if n == "gw" else "  ProxyJump gw-alias\n"))
    config = tmp_path / "ssh_config"
    config.write_text("\n".join(blocks))
    hosts = [Host(name=n, kind="linux", address=f"{n}-alias") for n in ("inner1", "inner2")]
    collector = tiny_collector(SshOptions(ssh_config=str(config)))
    target = collector.config.resolve(hosts[0])
    assert (target.hostname, target.port, target.user) == (fleet.hosts["inner1"].address,
                                                          fleet.hosts["inner1"].port, fleet.user)
    assert target.jump is not None and (target.jump.hostname, target.jump.port) == (gw.address, gw.port)

    results = scan(hosts, collector, close=False)
    try:
        for n in ("inner1", "inner2"):
            assert results[n].reachability is Reachability.REACHABLE, results[n].checks
            assert results[n].checks[0].summary == f"hello from {n}"
        # both went through one shared connection to the gateway, over direct-tcpip channels
        assert len(collector.connector._jumps) == 1
        conn = collector.connector.connect(target, time.monotonic() + 5, "inner1")
        assert isinstance(conn.transport.sock, paramiko.Channel)
        conn.close()
    finally:
        collector.close_now()


def test_jump_host_that_cannot_reach_the_target(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"gw": HostSpec(sshd_options=("PermitOpen none",)), "inner": HostSpec()})
    gw = fleet.hosts["gw"]
    host = fleet.inventory_hosts(["inner"], known_hosts=fleet.write_known_hosts(tmp_path / "kh"),
                                 jump_host=f"{fleet.user}@{gw.address}:{gw.port}")[0]
    r = scan([host], tiny_collector(SshOptions(use_ssh_config=False)))["inner"]
    assert r.reachability is Reachability.UNREACHABLE
    assert r.checks[0].reason is None and "could not reach" in r.checks[0].summary


@pytest.mark.skipif(not shutil.which("ssh"), reason="needs the OpenSSH client for ProxyCommand")
def test_proxycommand_from_ssh_config(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"gw": HostSpec(), "box": HostSpec()})
    gw, box, known = fleet.hosts["gw"], fleet.hosts["box"], fleet.write_known_hosts(tmp_path / "kh")
    proxy = (f"ssh -q -W %h:%p -p {gw.port} -i {fleet.client_key} -o UserKnownHostsFile={known} "
             f"-o StrictHostKeyChecking=yes -o BatchMode=yes -F none {fleet.user}@{gw.address}")
    config = tmp_path / "ssh_config"
    config.write_text(f"Host box-alias\n  HostName {box.address}\n  Port {box.port}\n  User {fleet.user}\n"
                      f"  IdentityFile {fleet.client_key}\n  UserKnownHostsFile {known}\n"
                      f"  ProxyCommand {proxy}\n")
    host = Host(name="box", kind="linux", address="box-alias")
    r = scan([host], tiny_collector(SshOptions(ssh_config=str(config))))["box"]
    assert r.reachability is Reachability.REACHABLE, r.checks
    assert r.checks[0].summary == "hello from box"


def test_passphrase_key_is_loaded_and_asked_once_per_scan(sshd_fleet, tmp_path):
    key = ed25519.Ed25519PrivateKey.generate()
    path = tmp_path / "id_locked"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                       serialization.BestAvailableEncryption(b"s3cret-phrase")))
    path.chmod(0o600)
    pub = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                        serialization.PublicFormat.OpenSSH).decode()
    fleet = sshd_fleet({f"h{i}": HostSpec(authorize_client=False, authorized_keys=(pub,)) for i in range(4)})
    asked: list[str] = []

    def prompt(p: str) -> str:
        asked.append(p)
        return "s3cret-phrase"

    collector = tiny_collector(SshOptions(use_ssh_config=False, passphrase_prompt=prompt))
    results = scan(fleet.inventory_hosts(identity_file=str(path)), collector)
    assert all(r.reachability is Reachability.REACHABLE for r in results.values()), \
        [c.summary for r in results.values() for c in r.checks]
    assert asked == [str(path)]
    assert collector.keys.loads == 1


def test_kept_connections_are_reused_capped_and_replaced_when_dead(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec(), "b": HostSpec(), "c": HostSpec()})
    hosts = fleet.inventory_hosts()
    collector = tiny_collector(SshOptions(use_ssh_config=False, keep_connections=2))
    try:
        scan(hosts, collector, close=False)
        assert collector.connects == 3 and len(collector._pool) == 2  # capped
        kept = dict(collector._pool)
        # waiting in the pool, a transport thread polls slowly; in use, at paramiko's pace
        assert {c.transport.sock.gettimeout() for c in kept.values()} == {IDLE_POLL}
        next(iter(kept.values())).close()  # one kept connection dies
        again = scan(hosts, collector, close=False)
        assert all(r.reachability is Reachability.REACHABLE for r in again.values())
        assert collector.connects == 3 + 2  # the evicted one and the dead one; one was reused
        assert {c.transport.sock.gettimeout() for c in collector._pool.values()} == {IDLE_POLL}
        reused = collector._checkout(next(iter(collector._pool)))
        assert reused is not None and reused.transport.sock.gettimeout() == ACTIVE_POLL
        reused.close()
    finally:
        collector.close_now()
    assert not collector._pool


def test_event_windows_start_at_each_familys_last_read(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec(), "b": HostSpec(), "c": HostSpec()})
    probe = TinyProbe()
    hosts = fleet.inventory_hosts()
    oom, boot = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC)
    read = {"oom.kills": oom, "boot.unexpected": boot}
    windows = {"a": CrashWindows(read),
               # c's windows were read under another host key: another machine's, never c's
               "c": CrashWindows(read, host_key="ssh-ed25519 SHA256:someone-else")}
    started = datetime.now(UTC)
    scan(hosts, tiny_collector(probe=probe), windows=windows)
    since = dict(probe.parsed)
    assert since["a"].since("oom.kills") == oom and since["a"].since("boot.unexpected") == boot
    week = started - timedelta(days=7)
    for name, family in (("a", "apps.crashes"), ("b", "oom.kills"), ("c", "oom.kills")):
        assert abs((since[name].since(family) - week).total_seconds()) < 60


def test_windows_read_under_the_same_host_key_carry_over(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec()})
    probe = TinyProbe()
    hosts = fleet.inventory_hosts()
    first = scan(hosts, tiny_collector(probe=probe))
    key = first["a"].facts["ssh"]["host_key"]
    oom = datetime(2026, 1, 2, tzinfo=UTC)
    scan(hosts, tiny_collector(probe=probe), windows={"a": CrashWindows({"oom.kills": oom}, key)})
    assert probe.parsed[-1][1].since("oom.kills") == oom


def test_the_previous_reached_result_reaches_the_probe(sshd_fleet):
    # stored counters (oom.kills' /proc/vmstat oom_kill, printer pages) are read back from it
    fleet = sshd_fleet({"a": HostSpec()})
    probe = TinyProbe()
    hosts = fleet.inventory_hosts()
    first = scan(hosts, tiny_collector(probe=probe))
    assert probe.previous["a"] is None
    scan(hosts, tiny_collector(probe=probe), previous=first)
    assert probe.previous["a"] is first["a"]


def test_handshakes_per_address_are_limited(sshd_fleet, tmp_path):
    # a server that drops unauthenticated connections beyond 4 (a busy server's MaxStartups)
    fleet = sshd_fleet({"busy": HostSpec(sshd_options=("MaxStartups 4",))})
    base = fleet.inventory_hosts()[0]
    hosts = [dataclasses.replace(base, name=f"alias{i}") for i in range(24)]

    def failures(limit: int) -> list[str]:
        opts = SshOptions(use_ssh_config=False,
                          connect=ConnectOptions(handshakes_per_address=limit, banner_retries=0))
        results = scan(hosts, tiny_collector(opts))
        return [r.checks[0].summary for r in results.values() if r.reachability is not Reachability.REACHABLE]

    unlimited = failures(24)  # shows the server really drops: resets before the banner
    assert unlimited and all("reset the connection before the SSH banner" in s for s in unlimited)
    assert failures(2) == []


def test_password_reference_is_used_but_never_shown(sshd_fleet, monkeypatch):
    fleet = sshd_fleet({"pw": HostSpec(authorize_client=False,
                                       sshd_options=("PasswordAuthentication yes",))})
    monkeypatch.setenv("FLEETCHECK_TEST_PW", "hunter2-not-the-password")
    host = fleet.inventory_hosts(password=SecretRef(env="FLEETCHECK_TEST_PW"))[0]
    r = scan([host], tiny_collector())["pw"]
    assert r.reachability is Reachability.AUTH_FAILED
    assert "password (env:FLEETCHECK_TEST_PW)" in r.checks[0].reason
    assert "hunter2" not in json.dumps(r.to_dict())

    monkeypatch.delenv("FLEETCHECK_TEST_PW")
    r = scan([host], tiny_collector())["pw"]
    assert "environment variable FLEETCHECK_TEST_PW is not set" in r.checks[0].reason


def test_kept_connection_to_a_silently_vanished_peer_is_replaced_in_time(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec(), "b": HostSpec()})
    hosts = fleet.inventory_hosts()
    collector = tiny_collector(SshOptions(use_ssh_config=False, keep_connections=4))
    frozen = []
    try:
        scan(hosts, collector, close=False)
        # freeze the session processes behind a's kept connection: no FIN, no RST, just silence
        frozen = _descendants(fleet.hosts["a"].pid)
        assert frozen
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        again = scan(hosts, collector, host_timeout=6.0, close=False)
        assert again["a"].reachability is Reachability.REACHABLE, again["a"].checks
        assert again["a"].checks[0].summary == "hello from a"
        assert collector.connects == 3  # b reused, a replaced
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        collector.close_now()


def test_old_kept_connections_are_replaced(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec()})
    collector = tiny_collector(SshOptions(use_ssh_config=False, keep_connections=4, max_connection_age=0.0))
    try:
        scan(fleet.inventory_hosts(), collector, close=False)
        scan(fleet.inventory_hosts(), collector, close=False)
        assert collector.connects == 2
    finally:
        collector.close_now()


def test_crash_windows_for_a_scan():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    last = datetime(2026, 4, 30, tzinfo=UTC)
    week = now - timedelta(days=7)
    w = CrashWindows({"oom.kills": last}, "ssh-ed25519 SHA256:k")
    assert w.for_scan(now, "ssh-ed25519 SHA256:k").since("oom.kills") == last
    assert w.for_scan(now, None).since("oom.kills") == last  # no key to compare (not SSH)
    assert w.for_scan(now, "ssh-ed25519 SHA256:k").since("kernel.errors") == week
    assert w.for_scan(now, "ssh-rsa SHA256:other").since("oom.kills") == week
    assert CrashWindows().for_scan(now).latest == week


def test_unreadable_known_hosts_is_said_not_taken_for_unknown_keys(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"a": HostSpec()})
    folder = tmp_path / "known_hosts.d"
    folder.mkdir()  # a directory where the file should be: it exists but cannot be read
    r = scan(fleet.inventory_hosts(known_hosts=folder), tiny_collector())["a"]
    assert r.reachability is Reachability.NOT_CHECKED
    assert r.checks[0].reason.startswith(f"known_hosts file {folder} cannot be read")


def test_inventory_text_never_reaches_the_remote_command(sshd_fleet):
    fleet = sshd_fleet({"a": HostSpec()})
    marker = fleet.hosts["a"].state_dir / "pwned"
    hostile = f"pc$(touch {marker});touch {marker}"
    host = dataclasses.replace(fleet.inventory_hosts()[0], name=hostile, notes=hostile,
                               tags=(hostile,))
    r = scan([host], tiny_collector())[hostile]
    assert r.reachability is Reachability.REACHABLE
    assert r.checks[0].evidence[0].source == "ssh: sh -s"  # the probe's constant, nothing else
    assert not marker.exists()


def test_inventory_alias_host_keeps_its_ssh_config_entry(sshd_fleet, tmp_path):
    # The loader resolves a name-only host to its HostName; the transport must still use
    # the alias's whole entry (ProxyJump, known hosts), not look up the bare address.
    from fleetcheck.core.inventory.loader import load_inventory

    fleet = sshd_fleet({"gw": HostSpec(), "inner": HostSpec()})
    gw, inner, known = fleet.hosts["gw"], fleet.hosts["inner"], fleet.write_known_hosts(tmp_path / "kh")
    config = tmp_path / "ssh_config"
    config.write_text(f"Host gw-alias\n  HostName {gw.address}\n  Port {gw.port}\n  User {fleet.user}\n"
                      f"  IdentityFile {fleet.client_key}\n  UserKnownHostsFile {known}\n\n"
                      f"Host inner\n  HostName {inner.address}\n  Port {inner.port}\n  User {fleet.user}\n"
                      f"  IdentityFile {fleet.client_key}\n  UserKnownHostsFile {known}\n"
                      f"  ProxyJump gw-alias\n")
    inv_file = tmp_path / "inv.yaml"
    inv_file.write_text("hosts:\n  - name: inner\n    kind: linux\n")
    host = load_inventory([inv_file], ssh_config=str(config)).hosts[0]
    assert host.address == inner.address and host.ssh_alias == "inner"
    collector = tiny_collector(SshOptions(ssh_config=str(config)))
    target = collector.config.resolve(host)
    assert target.jump is not None and (target.jump.hostname, target.jump.port) == (gw.address, gw.port)
    r = scan([host], collector)["inner"]
    assert r.reachability is Reachability.REACHABLE, r.checks
    assert r.checks[0].summary == "hello from inner"
