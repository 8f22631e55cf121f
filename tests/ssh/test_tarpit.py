"""A tarpit (accepts TCP, never sends an SSH banner) is a `timeout` at every deadline (#7 §3).

paramiko's start_client(timeout=...) returns silently when its timeout passes first; the host
used to end as not_checked "collector failed: SSHException: No existing session" whenever the
host deadline was shorter than the banner timeout. Deadlines below, at and above the banner
timeout, and with `connect_timeout` set, must all say `timeout` and that no banner came.
"""

from __future__ import annotations

import pytest

from fleetcheck.core.inventory.model import Host
from fleetcheck.core.ssh.options import ConnectOptions, SshOptions
from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan, tiny_collector
from .test_faults import silent_port  # noqa: F401  (fixture)

BANNER_TIMEOUT = 2.0


@pytest.mark.parametrize(("host_timeout", "connect_timeout"), [
    (1.0, None),  # below the banner timeout
    (2.0, None),  # at it
    (3.5, None),  # above it: paramiko's own banner timeout fires first
    (1.5, 0.5),  # the inventory's connect_timeout (TCP) is shorter than the deadline
    (3.5, 1.0),
])
def test_a_tarpit_is_a_timeout_saying_no_banner_came(silent_port, fleet_keys, host_timeout,  # noqa: F811
                                                     connect_timeout):
    address, port = silent_port
    host = Host(name="tarpit", kind="linux", address=address, port=port, user=fleet_keys.user,
                identity_file=str(fleet_keys.client_key), connect_timeout=connect_timeout)
    collector = tiny_collector(SshOptions(use_ssh_config=False, allow_agent=False,
                                          connect=ConnectOptions(banner_timeout=BANNER_TIMEOUT)))
    result = scan([host], collector, host_timeout=host_timeout)["tarpit"]
    check = result.checks[0]
    assert result.reachability is Reachability.TIMEOUT, check.summary
    assert "no SSH banner" in check.summary, check.summary
    assert "banner" in check.evidence[0].raw


def test_a_proxy_command_that_exits_at_once_is_reported_as_such(tmp_path, fleet_keys):
    config = tmp_path / "ssh_config"
    config.write_text('Host *\n  ProxyCommand sh -c "echo no route to the office >&2; exit 3"\n')
    host = Host(name="office-pc", kind="linux", address="127.0.0.1", port=22, user=fleet_keys.user,
                identity_file=str(fleet_keys.client_key))
    collector = tiny_collector(SshOptions(ssh_config=str(config), allow_agent=False))
    check = scan([host], collector, host_timeout=10)["office-pc"].checks[0]
    assert "ProxyCommand exited (status 3)" in check.summary, check.summary
    assert "no route to the office" in check.summary and "banner" not in check.summary


def test_a_host_cut_off_by_the_scan_deadline_is_told_to_raise_scan_timeout(sshd_fleet, silent_port):  # noqa: F811
    import asyncio

    from fleetcheck.core.engine import EngineOptions, ScanEngine

    hang = "#!/bin/sh\necho started\nexec sleep 30\n"
    fleet = sshd_fleet({"slow": HostSpec(scripts={"fleet-probe": hang})})
    address, port = silent_port
    tarpit = Host(name="tarpit", kind="linux", address=address, port=port, user=fleet.user,
                  identity_file=str(fleet.client_key))
    collector = tiny_collector(SshOptions(use_ssh_config=False, allow_agent=False))
    engine = ScanEngine({k: collector for k in collector.kinds},
                        EngineOptions(host_timeout=60, scan_timeout=3))

    async def go():
        try:
            return await engine.run([*fleet.inventory_hosts(), tarpit], lambda e: None)
        finally:
            await collector.close()

    scan_result = asyncio.run(go())
    for h in scan_result.hosts:
        fixes = [c.fix or "" for c in h.checks]
        assert any("--scan-timeout" in f for f in fixes), (h.name, h.checks[0].summary, fixes)
        assert not any("or --timeout" in f for f in fixes), (h.name, fixes)


def test_closing_a_proxy_command_that_was_already_reaped_signals_nothing():
    # the transport thread closes the socket after _proxy_exited reaped the command:
    # paramiko's own close() then raised ProcessLookupError in that thread (or could
    # signal an unrelated process that reused the PID)
    from fleetcheck.core.ssh.connect import ReapedSafeProxyCommand

    proxy = ReapedSafeProxyCommand("sh -c 'exit 3'")
    assert proxy.process.wait(timeout=10) == 3
    proxy.close()
    assert proxy.closed
