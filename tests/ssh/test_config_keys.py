"""ssh_config mapping, secrets by reference, and ssh-agent keys (a real ssh-agent)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from fleetcheck.core.collectors.ssh import SshOptions
from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.inventory.model import Host, SecretRef
from fleetcheck.core.ssh.auth import SecretError, resolve_secret
from fleetcheck.core.ssh.config import DEFAULT_KNOWN_HOSTS, SshConfig
from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan, tiny_collector

CONFIG = """
Host web
  HostName 192.0.2.10
  Port 2222
  User admin
  IdentityFile ~/.ssh/id_web
  UserKnownHostsFile /etc/fleet/known_hosts ~/.ssh/known_hosts2
Host inner
  HostName 10.1.2.3
  ProxyJump admin@gw1:2200,gw2
Host gw2
  HostName 198.51.100.7
  User jumper
Host direct
  HostName 10.1.2.4
  ProxyJump none
  ProxyCommand nc %h %p
"""


def _cfg(tmp_path) -> SshConfig:
    path = tmp_path / "ssh_config"
    path.write_text(CONFIG)
    return SshConfig.load(str(path))


def test_config_values_and_inventory_precedence(tmp_path):
    cfg = _cfg(tmp_path)
    t = cfg.resolve(Host(name="w", kind="linux", address="web"))
    assert (t.hostname, t.port, t.user) == ("192.0.2.10", 2222, "admin")
    assert t.identity_files == (os.path.expanduser("~/.ssh/id_web"),)
    assert t.known_hosts == ("/etc/fleet/known_hosts", "~/.ssh/known_hosts2")
    # what the inventory says explicitly wins over the config
    t = cfg.resolve(Host(name="w", kind="linux", address="web", port=2200, user="tech",
                         identity_file="/k", known_hosts="/kh"))
    assert (t.port, t.user, t.identity_files, t.known_hosts) == (2200, "tech", ("/k",), ("/kh",))
    # unknown alias: the address as is, defaults
    t = cfg.resolve(Host(name="x", kind="linux", address="192.0.2.99", user="u"))
    assert (t.hostname, t.port, t.known_hosts, t.jump) == ("192.0.2.99", 22, (DEFAULT_KNOWN_HOSTS,), None)


def test_proxyjump_chain_and_proxycommand(tmp_path):
    cfg = _cfg(tmp_path)
    t = cfg.resolve(Host(name="i", kind="linux", address="inner", identity_file="/k"))
    assert t.hostname == "10.1.2.3" and t.jump is not None
    last, first = t.jump, t.jump.jump
    assert (last.hostname, last.user, last.port) == ("198.51.100.7", "jumper", 22)
    assert first is not None and (first.hostname, first.user, first.port) == ("gw1", "admin", 2200)
    assert first.jump is None and last.identity_files == ("/k",)  # hops inherit the target's key
    t = cfg.resolve(Host(name="d", kind="linux", address="direct"))
    assert t.jump is None and t.proxy_command == "nc 10.1.2.4 22"


def test_missing_ssh_config_file_is_a_usage_error(tmp_path):
    with pytest.raises(FleetcheckError, match="does not exist"):
        SshConfig.load(str(tmp_path / "nope"))


def test_secret_references(monkeypatch):
    monkeypatch.setenv("FC_TEST_SECRET", "value-1")
    assert resolve_secret(SecretRef(env="FC_TEST_SECRET"), "u") == "value-1"
    monkeypatch.delenv("FC_TEST_SECRET")
    with pytest.raises(SecretError, match="FC_TEST_SECRET is not set"):
        resolve_secret(SecretRef(env="FC_TEST_SECRET"), "u")
    monkeypatch.setitem(sys.modules, "keyring", None)  # keyring is optional: not installed
    with pytest.raises(SecretError, match="needs the 'keyring' package"):
        resolve_secret(SecretRef(keyring="office-pcs"), "u")


@pytest.mark.skipif(not shutil.which("ssh-agent"), reason="needs ssh-agent (openssh-client)")
def test_keys_from_a_real_ssh_agent(sshd_fleet, tmp_path, monkeypatch, fleet_keys):
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sock.exists():
                break
            subprocess.run(["sleep", "0.01"], check=False)
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", "-q", str(fleet_keys.client_key)], env=env, check=True,
                       capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/id_* to fall back on
        fleet = sshd_fleet({"a": HostSpec(), "b": HostSpec()})
        hosts = fleet.inventory_hosts(identity_file=None)
        without = scan(hosts, tiny_collector(SshOptions(use_ssh_config=False, allow_agent=False)))
        assert all(r.reachability is Reachability.AUTH_FAILED for r in without.values())
        collector = tiny_collector(SshOptions(use_ssh_config=False, allow_agent=True))
        results = scan(hosts, collector)
        for r in results.values():
            assert r.reachability is Reachability.REACHABLE, r.checks
            assert r.facts["ssh"]["auth"].endswith("(ssh-agent)")
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(5)
