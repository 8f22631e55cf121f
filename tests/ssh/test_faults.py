"""Every fault of issue 3 §5 in ONE scan with healthy hosts: each ends with the right
reachability or UNKNOWN and a precise reason (the collector's own, not the engine's cut-off),
and the healthy hosts are unaffected."""

from __future__ import annotations

import socket
import threading

import pytest

from fleetcheck.core.collectors.ssh import SshOptions
from fleetcheck.core.ssh.connect import ConnectOptions
from fleetcheck.core.states import Reachability, State

from .fleet import HostSpec, free_port, next_address
from .helpers import scan, tiny_collector

DROP = """#!/bin/sh
echo "hello from $FLEET_HOST"
echo partial-output
# kill this session's sshd process: the connection drops mid-probe
p=$$
while [ "$p" -gt 1 ]; do
  if [ "$(cat /proc/$p/comm)" = sshd ]; then kill -9 "$p"; break; fi
  p=$(cut -d' ' -f4 /proc/$p/stat)
done
sleep 5
"""

SPECS = {
    "healthy1": HostSpec(),
    "healthy2": HostSpec(),
    "wrongkey": HostSpec(authorize_client=False),
    "unknownkey": HostSpec(),
    "changedkey": HostSpec(scripts={"fleet-probe": '#!/bin/sh\ntouch "$FLEET_STATE/ran"\necho hello\n'}),
    "revoked": HostSpec(scripts={"fleet-probe": '#!/bin/sh\ntouch "$FLEET_STATE/ran"\necho hello\n'}),
    "hang": HostSpec(scripts={"fleet-probe": "#!/bin/sh\necho started\nexec sleep 30\n"}),
    "drop": HostSpec(scripts={"fleet-probe": DROP}),
    "flood": HostSpec(scripts={"fleet-probe": '#!/bin/sh\necho "hello from $FLEET_HOST"\n'
                               "head -c 6000000 /dev/zero | tr '\\0' x\n"}),
    "garbage": HostSpec(scripts={"fleet-probe": "#!/bin/sh\nhead -c 3000 /dev/urandom\n"}),
    "sha1only": HostSpec(sshd_options=("KexAlgorithms diffie-hellman-group14-sha1",)),
}


@pytest.fixture
def silent_port():
    """A loopback port that accepts TCP connections and never says anything."""
    address = next_address()
    server = socket.socket()
    server.bind((address, 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield address, server.getsockname()[1]
    stop.set()
    t.join(2)
    for s in held:
        s.close()
    server.close()


def test_every_fault_in_one_scan(sshd_fleet, silent_port, tmp_path, coded_in_german):
    fleet = sshd_fleet(SPECS)
    h = fleet.hosts
    known = tmp_path / "known_hosts"
    lines = [h[n].known_hosts_line for n in h if n not in ("unknownkey", "changedkey")]
    lines.append(f"[{h['changedkey'].address}]:{h['changedkey'].port} {h['healthy1'].host_key_pub}")
    lines.append(f"@revoked * {h['revoked'].host_key_pub}")
    lines.append("@cert-authority *.example.com " + h["healthy2"].host_key_pub)
    known.write_text("\n".join(lines) + "\n")

    hosts = {x.name: x for x in fleet.inventory_hosts(known_hosts=known, timeout=6.0)}
    hosts["hang"] = _with(hosts["hang"], timeout=3.0)
    refused_addr = next_address()
    base = hosts["healthy1"]
    hosts["refused"] = _with(base, name="refused", address=refused_addr, port=free_port(refused_addr))
    hosts["silent"] = _with(base, name="silent", address=silent_port[0], port=silent_port[1])
    hosts["nodns"] = _with(base, name="nodns", address="no-such-host.invalid")

    collector = tiny_collector(SshOptions(use_ssh_config=False, connect=ConnectOptions(banner_timeout=1.0)))
    r = scan(list(hosts.values()), collector, host_timeout=6.0)

    def only(name: str):
        assert len(r[name].checks) == 1, r[name].checks
        return r[name].checks[0]

    for name in ("healthy1", "healthy2"):
        assert r[name].reachability is Reachability.REACHABLE
        assert r[name].state is State.OK
        assert only(name).summary == f"hello from {name}"

    assert r["refused"].reachability is Reachability.UNREACHABLE
    assert "connection refused" in only("refused").summary

    assert r["silent"].reachability is Reachability.TIMEOUT
    assert only("silent").reason == "no SSH banner within 1 s"

    assert r["nodns"].reachability is Reachability.UNREACHABLE
    assert "name 'no-such-host.invalid' does not resolve" in only("nodns").summary

    assert r["wrongkey"].reachability is Reachability.AUTH_FAILED
    reason = only("wrongkey").reason
    assert f"refused login as '{fleet.user}'" in reason and "publickey ssh-ed25519 SHA256:" in reason
    assert str(fleet.client_key) in reason

    assert r["unknownkey"].reachability is Reachability.HOST_KEY_UNKNOWN
    c = only("unknownkey")
    assert "SHA256:" in c.reason and c.fix.endswith("fleetcheck trust unknownkey")
    assert r["unknownkey"].state is State.UNKNOWN

    assert r["changedkey"].reachability is Reachability.HOST_KEY_CHANGED
    assert r["changedkey"].state is State.CRIT
    assert "host key changed — possible interception" in only("changedkey").summary
    assert not (h["changedkey"].state_dir / "ran").exists()  # nothing ran: no auth, no exec

    assert r["revoked"].reachability is Reachability.HOST_KEY_CHANGED
    assert "revoked" in only("revoked").summary
    assert not (h["revoked"].state_dir / "ran").exists()

    assert r["sha1only"].reachability is Reachability.NOT_CHECKED
    assert only("sha1only").reason_code == "ssh.sha1"

    # reachable, but the probe could not finish: UNKNOWN with the stage named
    assert r["hang"].reachability is Reachability.REACHABLE
    c = only("hang")
    assert c.state is State.UNKNOWN and c.id == "ssh.probe"
    assert c.reason.startswith("timed out after") and c.reason.endswith("s while running the probe")
    assert "started" in c.evidence[0].raw

    assert r["drop"].reachability is Reachability.REACHABLE
    c = only("drop")
    assert c.state is State.UNKNOWN and "connection was dropped while the probe ran" in c.reason
    assert "partial-output" in c.evidence[0].raw

    flood = {c.id: c for c in r["flood"].checks}
    assert flood["tiny.hello"].state is State.OK
    assert flood["ssh.output"].state is State.UNKNOWN and "cut off at 4096 KiB" in flood["ssh.output"].summary
    assert r["flood"].state is State.UNKNOWN

    c = only("garbage")
    assert c.state is State.UNKNOWN and c.reason.startswith("could not parse probe output: ")
    assert c.evidence and "exit status 0" in c.evidence[0].source

    # every fault's finding is coded, so a German report says it in German
    faults = [c for name, host in r.items() if not name.startswith("healthy") for c in host.checks
              if c.id in ("host.reachability", "ssh.probe", "ssh.output")]
    assert len(faults) == 12
    for c in faults:
        coded_in_german(c)


def _with(host, **changes):
    import dataclasses

    return dataclasses.replace(host, **changes)
