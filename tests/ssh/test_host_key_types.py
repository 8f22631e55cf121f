"""Host keys of several types (#13 §4): another valid key type is not an interception.

A host with ed25519 and ECDSA keys, of which known_hosts records only the ECDSA one, used to
be "host key changed — possible interception" (CRIT) where OpenSSH connects. The client now
offers first the algorithms known_hosts has a key for; only a different key of the same type
is a change. `trust` appends in the file's style: hashed when the file is hashed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from fleetcheck.cli.main import main
from fleetcheck.core.states import Reachability

from .fleet import HostSpec
from .helpers import scan, tiny_collector

BOTH = HostSpec(host_key_types=("ed25519", "ecdsa"))


def test_the_recorded_key_type_is_negotiated_first(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"two-keys": BOTH})
    host = fleet.hosts["two-keys"]
    known = tmp_path / "known_hosts"
    known.write_text(host.known_hosts_line_for(host.host_keys["ecdsa"]) + "\n")
    result = scan(fleet.inventory_hosts(known_hosts=known), tiny_collector())["two-keys"]
    assert result.reachability is Reachability.REACHABLE, result.checks[0].summary
    assert result.facts["ssh"]["host_key"].startswith("ecdsa-sha2-nistp256 SHA256:")


def test_a_key_of_another_type_is_unknown_not_changed(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"ed-only": HostSpec()})
    other = sshd_fleet({"ecdsa-elsewhere": HostSpec(host_key_types=("ecdsa",))})
    host = fleet.hosts["ed-only"]
    known = tmp_path / "known_hosts"
    # an ECDSA key recorded for this host (the server has none): OpenSSH asks, it does not cry wolf
    known.write_text(host.known_hosts_line_for(other.hosts["ecdsa-elsewhere"].host_keys["ecdsa"]) + "\n")
    result = scan(fleet.inventory_hosts(known_hosts=known), tiny_collector())["ed-only"]
    check = result.checks[0]
    assert result.reachability is Reachability.HOST_KEY_UNKNOWN, check.summary
    assert "only other key types" in check.summary and "interception" not in check.summary


def test_a_different_key_of_the_same_type_is_still_a_change(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"a": BOTH, "b": BOTH})
    a, b = fleet.hosts["a"], fleet.hosts["b"]
    known = tmp_path / "known_hosts"
    known.write_text(a.known_hosts_line_for(b.host_keys["ecdsa"]) + "\n")
    result = scan(fleet.inventory_hosts(["a"], known_hosts=known), tiny_collector())["a"]
    assert result.reachability is Reachability.HOST_KEY_CHANGED
    assert "possible interception" in result.checks[0].summary


def test_trust_appends_hashed_to_a_hashed_file(sshd_fleet, tmp_path, capsys):
    fleet = sshd_fleet({"newpc": HostSpec(), "old": HostSpec()})
    known = tmp_path / "known_hosts"
    old = fleet.hosts["old"]
    salt = b"fleetcheck-test-salt"  # what `ssh-keygen -H` writes: |1|salt|HMAC-SHA1(salt, host)
    digest = hmac.new(salt, f"[{old.address}]:{old.port}".encode(), hashlib.sha1).digest()
    known.write_text(f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()} "
                     f"{old.host_key_pub}\n")
    inventory = fleet.write_inventory(tmp_path / "office.yaml", known_hosts=known)
    assert main(["trust", "newpc", str(inventory), "--yes"]) == 0
    lines = known.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("|1|") for line in lines), lines
    assert fleet.hosts["newpc"].address not in known.read_text()  # the name is not given away
    result = scan(fleet.inventory_hosts(["newpc"], known_hosts=known), tiny_collector())["newpc"]
    assert result.reachability is Reachability.REACHABLE


def test_trust_appends_plain_to_a_plain_file(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"newpc": HostSpec(), "old": HostSpec()})
    known = tmp_path / "known_hosts"
    known.write_text(fleet.hosts["old"].known_hosts_line + "\n")
    inventory = fleet.write_inventory(tmp_path / "office.yaml", known_hosts=known)
    assert main(["trust", "newpc", str(inventory), "--yes"]) == 0
    assert fleet.hosts["newpc"].known_hosts_line in known.read_text().splitlines()


def test_the_suggested_trust_command_is_shell_quoted(sshd_fleet, tmp_path):
    fleet = sshd_fleet({"Büro-PC": HostSpec()})
    known = tmp_path / "known_hosts"
    known.write_text("")
    result = scan(fleet.inventory_hosts(known_hosts=known), tiny_collector())["Büro-PC"]
    assert result.reachability is Reachability.HOST_KEY_UNKNOWN
    assert result.checks[0].fix is not None and result.checks[0].fix.endswith("fleetcheck trust 'Büro-PC'")
