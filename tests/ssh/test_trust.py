"""`fleetcheck trust HOST`: handshake only, fingerprint shown, recorded after confirmation,
a different recorded key is never replaced."""

from __future__ import annotations

import io

from fleetcheck.cli.main import main
from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan, tiny_collector


def _fleet(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"newpc": HostSpec(scripts={"fleet-probe": '#!/bin/sh\ntouch "$FLEET_STATE/ran"\n'
                                                    'echo "hello from $FLEET_HOST"\n'}),
                        "other": HostSpec()})
    known = tmp_path / "known_hosts"
    known.write_text(fleet.hosts["other"].known_hosts_line + "\n")
    inventory = fleet.write_inventory(tmp_path / "office.yaml", known_hosts=known)
    return fleet, known, inventory


def test_yes_records_the_key_and_the_host_becomes_scannable(sshd_fleet, tmp_path, capsys):
    fleet, known, inventory = _fleet(sshd_fleet, tmp_path)
    host = fleet.hosts["newpc"]
    before = scan(fleet.inventory_hosts(["newpc"], known_hosts=known), tiny_collector())
    assert before["newpc"].reachability is Reachability.HOST_KEY_UNKNOWN

    assert main(["trust", "newpc", str(inventory), "--yes"]) == 0
    out = capsys.readouterr().out
    fp = before["newpc"].facts["host_key"]
    assert fp in out and "recorded in" in out
    assert host.known_hosts_line in known.read_text().splitlines()
    assert not (host.state_dir / "ran").exists()  # trust never logs in nor runs anything

    after = scan(fleet.inventory_hosts(["newpc"], known_hosts=known), tiny_collector())
    assert after["newpc"].reachability is Reachability.REACHABLE

    assert main(["trust", "newpc", str(inventory), "--yes"]) == 0
    assert "already trusted" in capsys.readouterr().out
    assert known.read_text().count(host.host_key_pub) == 1


def test_confirmation_is_asked_on_stdin(sshd_fleet, tmp_path, capsys, monkeypatch):
    fleet, known, inventory = _fleet(sshd_fleet, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["trust", "newpc", str(inventory)]) == 1
    assert "not recorded" in capsys.readouterr().out
    assert fleet.hosts["newpc"].host_key_pub not in known.read_text()

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["trust", "newpc", str(inventory)]) == 0
    assert fleet.hosts["newpc"].known_hosts_line in known.read_text()


def test_a_different_recorded_key_is_refused_not_overwritten(sshd_fleet, tmp_path, capsys):
    fleet, known, inventory = _fleet(sshd_fleet, tmp_path)
    new = fleet.hosts["newpc"]
    imposter = f"[{new.address}]:{new.port} {fleet.hosts['other'].host_key_pub}\n"
    known.write_text(known.read_text() + imposter)
    before = known.read_text()
    assert main(["trust", "newpc", str(inventory), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "refusing to record" in err and "different key" in err and "SHA256:" in err
    assert known.read_text() == before


def test_unreachable_host_is_a_clear_error(sshd_fleet, tmp_path, capsys):
    fleet, _, inventory = _fleet(sshd_fleet, tmp_path)
    fleet.stop_host("newpc")
    assert main(["trust", "newpc", str(inventory), "--yes", "--timeout", "3"]) == 2
    assert "connection refused" in capsys.readouterr().err


def test_unwritable_known_hosts_is_a_clear_error(sshd_fleet, tmp_path, capsys):
    _, _, inventory = _fleet(sshd_fleet, tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    target = blocker / "known_hosts"  # a file where a directory should be: cannot be created
    assert main(["trust", "newpc", str(inventory), "--yes", "--known-hosts", str(target)]) == 2
    assert "cannot record the key in" in capsys.readouterr().err


def test_an_unknown_jump_host_names_itself_and_can_be_trusted(sshd_fleet, tmp_path, capsys):
    fleet = sshd_fleet({"gw": HostSpec(), "inner": HostSpec()})
    gw = fleet.hosts["gw"]
    known = fleet.write_known_hosts(tmp_path / "known_hosts", ["inner"])  # the gateway is new
    spec = f"{fleet.user}@{gw.address}:{gw.port}"
    hosts = fleet.inventory_hosts(["inner"], known_hosts=known, jump_host=spec)
    r = scan(hosts, tiny_collector())["inner"]
    assert r.reachability is Reachability.HOST_KEY_UNKNOWN
    assert r.checks[0].reason.startswith(f"jump host {spec}: host key of [{gw.address}]:{gw.port}")
    assert r.checks[0].fix.endswith(f"fleetcheck trust {spec}")

    inventory = fleet.write_inventory(tmp_path / "office.yaml", ["inner"], known_hosts=known)
    assert main(["trust", spec, str(inventory), "--yes"]) == 0
    assert gw.known_hosts_line in known.read_text().splitlines()
    assert scan(hosts, tiny_collector())["inner"].reachability is Reachability.REACHABLE
