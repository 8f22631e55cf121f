"""N/A and SKIPPED: no verdict, never raising a host's state or the exit code, counted apart everywhere."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_cli_scan import run_cli, scripted  # noqa: F401  (the fixture is used by name)

from fleetcheck.core.checks import not_applicable
from fleetcheck.core.counts import count
from fleetcheck.core.errors import InventoryError
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory import load_inventory
from fleetcheck.core.inventory.model import Skip
from fleetcheck.core.results import CheckResult, Evidence, HostResult, ScanResult
from fleetcheck.core.skips import apply_skips
from fleetcheck.core.states import Reachability, State, worst

# a virtual machine: what makes a temperature check N/A
KVM = {"virt": "virt.vm", "vm": "kvm", "signals": "systemd-detect-virt: kvm"}

T0 = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
EV = Evidence.of("systemd-detect-virt", "kvm", T0)


def na(check_id: str = "temp") -> CheckResult:
    return not_applicable(check_id, msg("temp.na", **KVM), msg("temp.na.reason", **KVM), EV)


def ok(check_id: str = "mem.used") -> CheckResult:
    return CheckResult(check_id, State.OK, "memory fine", evidence=(EV,))


def host(*checks: CheckResult, reach: Reachability = Reachability.REACHABLE) -> HostResult:
    return HostResult("h", "linux", "192.0.2.1", reach, checks)


# --- the model -----------------------------------------------------------------------------

def test_roll_up_ignores_na_and_skipped() -> None:
    assert worst([State.NA, State.SKIPPED, State.OK]) is State.OK
    assert worst([State.NA, State.WARN]) is State.WARN
    assert worst([State.NA, State.SKIPPED]) is State.UNKNOWN  # no evidence of OK
    assert host(ok(), na()).state is State.OK
    assert host(na(), na("disk.smart")).state is State.UNKNOWN
    assert host(na(), reach=Reachability.UNREACHABLE).state is State.CRIT
    assert State.NA.label == "N/A" and State.SKIPPED.label == "skipped"
    assert not State.NA.judged and State.OK.judged


def test_na_never_changes_the_exit_code() -> None:
    for base in (State.OK, State.WARN, State.CRIT, State.UNKNOWN):
        plain = host(CheckResult("x", base, "x", evidence=(EV,), reason="r"))
        more = host(*plain.checks, na(), na("disk.smart"))
        scan_plain, scan_more = ScanResult(T0, T0, (plain,)), ScanResult(T0, T0, (more,))
        assert scan_more.state.nagios_code == scan_plain.state.nagios_code == base.nagios_code


def test_not_applicable_refuses_without_evidence_or_reason() -> None:
    with pytest.raises(ValueError, match="evidence"):
        not_applicable("temp", msg("temp.na", **KVM), msg("temp.na.reason", **KVM), ())
    with pytest.raises(ValueError, match="reason"):
        not_applicable("temp", msg("temp.na", **KVM), msg("smart.findings.sectors", sectors="  "), EV)
    with pytest.raises(ValueError, match="needs a reason and evidence"):
        CheckResult("temp", State.NA, "n/a", reason="vm")
    check = na()
    assert check.state is State.NA and check.evidence == (EV,) and check.fix is None


def test_na_round_trips_through_json() -> None:
    scan = ScanResult(T0, T0, (host(ok(), na()),))
    again = ScanResult.from_dict(json.loads(json.dumps(scan.to_dict())))
    assert again.hosts[0].checks[1].state is State.NA
    assert again.hosts[0].checks[1].reason == msg("temp.na.reason", **KVM).en


def test_counts_partition_adds_up_and_counts_checks_apart() -> None:
    hosts = [host(ok(), na()), host(na()), host(reach=Reachability.UNREACHABLE),
             host(reach=Reachability.NOT_CHECKED), None]
    c = count(hosts)
    assert (c.hosts, c.ok, c.unknown, c.unreachable, c.not_checked, c.pending) == (5, 1, 1, 1, 1, 1)
    assert c.crit + c.warn + c.unknown + c.ok + c.unreachable + c.not_checked + c.pending == c.hosts
    assert (c.na_checks, c.skipped_checks, c.unknown_checks) == (2, 0, 0)
    assert c.line() == ("5 hosts: 0 CRIT, 0 WARN, 1 UNKNOWN, 1 unreachable, 1 not checked, 1 OK; "
                        "0 checks could not run; 2 not applicable")
    data = count(h for h in hosts if h is not None).to_json()
    # old keys: by host state (the down host is CRIT there), unreachable includes not_checked
    assert {k: data[k] for k in ("OK", "WARN", "CRIT", "UNKNOWN", "unreachable")} == \
        {"OK": 1, "WARN": 0, "CRIT": 1, "UNKNOWN": 2, "unreachable": 2}
    assert sum(v for k, v in data["hosts"].items() if k != "total") == data["hosts"]["total"] == 4
    assert data["checks"]["NA"] == 2 and data["checks"]["total"] == 3


# --- skip: in the inventory -----------------------------------------------------------------

INVENTORY = """\
defaults:
  skip:
    - {check: disk.smart, reason: disks are the SAN's}
tags:
  vm:
    skip:
      - check: temp*
        reason: virtual machine
hosts:
  - name: a
    kind: linux
    address: 192.0.2.1
    tags: [vm]
    skip:
      - {check: "fs.used:/mnt/*", reason: "backup disk, full by design"}
  - name: b
    kind: linux
    address: 192.0.2.2
"""


def test_skips_from_defaults_tags_and_host(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(INVENTORY)
    a, b = load_inventory([path]).hosts
    assert [(s.pattern, s.reason) for s in a.skips] == [
        ("disk.smart", "disks are the SAN's"), ("temp*", "virtual machine"),
        ("fs.used:/mnt/*", "backup disk, full by design")]
    assert a.skips[1].source == f"{path}:7"
    assert [s.pattern for s in b.skips] == ["disk.smart"]


@pytest.mark.parametrize(("entry", "message"), [
    ("{check: temp*}", "hosts[0].skip[0]: missing required key 'reason'"),
    ("{check: temp*, reason: }", "hosts[0].skip[0]: missing required key 'reason'"),
    ("{reason: vm}", "hosts[0].skip[0]: missing required key 'check'"),
    ("{check: tmep*, reason: vm}", "hosts[0].skip[0].check: 'tmep*' matches no known check "
                                   "(did you mean 'temp'?)"),
    ("{check: 'fs.used:', reason: vm}", "'fs.used:' matches no known check"),
    ("{check: temp, reason: vm, extra: 1}", "hosts[0].skip[0].extra: unknown key"),
])
def test_bad_skip_is_one_line_with_file_and_line(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(f"hosts:\n  - name: a\n    kind: linux\n    skip:\n      - {entry}\n")
    with pytest.raises(InventoryError) as err:
        load_inventory([path])
    text = str(err.value)
    assert text.startswith(f"{path}:5:") and message in text and "\n" not in text


def test_skip_replaces_matching_results_and_shows_unmatched_ones() -> None:
    skips = (Skip("temp*", "virtual machine", "acme.yaml:7"), Skip("disk.raid", "no RAID", "acme.yaml:9"))
    crit = CheckResult("temp:cpu", State.CRIT, "cpu 99 °C", evidence=(EV,))
    probe = CheckResult.unknown("probe.output", "host not checked", "garbage")
    out = apply_skips([ok(), crit, probe], skips, T0)
    assert [(c.id, c.state) for c in out] == [("mem.used", State.OK), ("temp:cpu", State.SKIPPED),
                                             ("probe.output", State.UNKNOWN), ("disk.raid", State.SKIPPED)]
    skipped = out[1]
    assert skipped.summary == skipped.reason == "skipped by the inventory: virtual machine"
    assert skipped.evidence[0].kind == "inventory" and skipped.evidence[0].source == "inventory acme.yaml:7"
    assert "CRIT: cpu 99 °C" in skipped.details  # what it said stays readable
    assert host(*out).state is State.UNKNOWN  # the probe UNKNOWN still counts; the CRIT is skipped


# --- end to end: fleetcheck scan ----------------------------------------------------------------

def test_scan_of_healthy_vm_exits_0_and_says_what_did_not_apply(
        scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    inv = scripted / "inv.yaml"
    inv.write_text("hosts:\n  - {name: vm-a, address: 192.0.2.1, kind: linux}\n"
                   "  - name: ok-b\n    address: 192.0.2.2\n    kind: linux\n"
                   "    skip: [{check: services.failed, reason: appliance without systemd}]\n")
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "table", "--no-history")
    assert code == 0
    assert "2 hosts: 0 CRIT, 0 WARN, 0 UNKNOWN, 0 unreachable, 2 OK; 0 checks could not run; " \
           "1 not applicable; 1 skipped by the inventory" in out
    assert "N/A  temp" in out and "virtual machine (kvm)" in out  # in the summary
    assert "skipped  services.failed" in out and "appliance without systemd" in out

    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "nagios", "--no-history")
    assert code == 0
    status, *long_lines = out.splitlines()
    assert status.startswith("FLEETCHECK OK - ") and "1 not applicable" in status
    assert "na_checks=1;;;0" in status and "skipped_checks=1;;;0" in status
    assert any(line.startswith("[N/A] vm-a temp: ") for line in long_lines)
    assert any(line.startswith("[skipped] ok-b services.failed: ") for line in long_lines)

    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "json", "--no-history")
    data = json.loads(out)
    assert code == 0 and data["state"] == "OK"
    assert data["counts"]["checks"]["NA"] == 1 and data["counts"]["checks"]["SKIPPED"] == 1
    assert data["counts"]["OK"] == 2 and data["counts"]["hosts"]["ok"] == 2


def test_scan_of_host_with_only_na_is_unknown(scripted: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    inv = scripted / "inv.yaml"
    inv.write_text("hosts:\n  - {name: na-a, address: 192.0.2.1, kind: linux}\n")
    code, out, _ = run_cli(capsys, "scan", str(inv), "--format", "table", "--no-history")
    assert code == 3 and "no check applied" in out


# --- docs ------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def test_documented_skip_example_loads(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "inventory.md").read_text("utf-8").split("## `skip`", 1)[1]
    path = tmp_path / "skip.yaml"
    path.write_text(doc.split("```yaml\n", 1)[1].split("```", 1)[0])
    (nas,) = load_inventory([path]).hosts
    assert [s.pattern for s in nas.skips] == ["fs.used:/mnt/backup"]


def test_json_counts_documented() -> None:
    doc = (REPO / "docs" / "json-schema.md").read_text("utf-8").split("### Counts", 1)[1].split("\n## ", 1)[0]
    rows = set(re.findall(r"^\| `([A-Za-z_]+)` \|", doc, re.M))
    assert rows == set(count([host(ok())]).to_json())


def test_inventory_check_lists_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(INVENTORY)
    from fleetcheck.cli.main import main
    assert main(["inventory", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"  temp*: virtual machine (from {path}:7) 1 host: a" in out
    assert f"  disk.smart: disks are the SAN's (from {path}:3) 2 hosts: a, b" in out


def test_a_built_result_cannot_be_changed() -> None:
    h = HostResult("h", "linux", "192.0.2.1", Reachability.REACHABLE, (ok(),),
                   facts={"os": "Debian 12", "ssh": {"fingerprints": ["SHA256:x"]}})
    with pytest.raises(TypeError, match="read-only"):
        h.facts["os"] = "Windows"
    with pytest.raises(TypeError, match="read-only"):
        h.facts["ssh"]["fingerprints"].append("SHA256:y")
    with pytest.raises(TypeError, match="read-only"):
        h.facts.update(more=1)
    assert isinstance(h.facts, dict) and h.facts == {"os": "Debian 12", "ssh": {"fingerprints": ["SHA256:x"]}}
    assert json.loads(json.dumps(h.to_dict()))["facts"]["ssh"]["fingerprints"] == ["SHA256:x"]
