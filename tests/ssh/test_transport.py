"""The SSH collector against real sshd: the happy path, reuse, keys once, config, jump hosts."""

from __future__ import annotations

from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan, tiny_collector


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
