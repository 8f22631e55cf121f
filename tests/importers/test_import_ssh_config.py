"""`fleetcheck inventory import ssh-config`: Host entries, patterns, Include; Match skipped with a note."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from fleetcheck.cli.main import main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def imported(tmp_path: Path) -> tuple[dict[str, dict[str, object]], str]:
    shutil.copy(DATA / "ssh_config", tmp_path / "ssh_config")
    shutil.copytree(DATA / "ssh.d", tmp_path / "ssh.d")
    out = tmp_path / "imported.yaml"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["inventory", "import", "ssh-config", "ssh_config", "-o", str(out)]) == 0
    finally:
        os.chdir(cwd)
    assert main(["inventory", "check", str(out), "--ssh-config", str(DATA / "empty_ssh_config")]) == 0
    text = out.read_text(encoding="utf-8")
    return {h["name"]: h for h in yaml.safe_load(text)["hosts"]}, text


def test_concrete_hosts_with_first_value_wins(imported: tuple[dict[str, dict[str, object]], str]) -> None:
    hosts, text = imported
    assert list(hosts) == ["office-pc", "nas", "web1", "web2", "behind", "oldbox", "router.lan",
                           "printer.lan"]
    assert hosts["nas"] == {"name": "nas", "kind": "linux", "address": "192.0.2.5", "port": 2222,
                            "user": "backup"}
    assert 'address: "192.0.2.5"  # HostName, ssh_config:5' in text
    # %h expanded; the first IdentityFile; `Host *` fills in what nothing before it set
    assert hosts["web2"]["address"] == "web2.example.com"
    assert hosts["web2"]["identity_file"] == "~/.ssh/web_ed25519"
    assert hosts["web2"]["user"] == "fallback" and 'user: "fallback"  # User, ssh_config:34' in text
    assert hosts["behind"]["jump_host"] == "admin@gw.example.com:2222"
    # a negated pattern: printer.lan is not given *.lan's user
    assert hosts["router.lan"]["user"] == "lanadmin" and hosts["printer.lan"]["user"] == "fallback"
    assert "ProxyCommand (ssh_config:20): fleetcheck connects to the address written here" in text


def test_include_and_match(imported: tuple[dict[str, dict[str, object]], str]) -> None:
    hosts, text = imported
    assert hosts["office-pc"]["address"] == "192.0.2.30" and hosts["office-pc"]["user"] == "tech"
    assert "# from ssh.d/office.conf:1" in text
    assert "ssh_config:30: Match 'host nas exec test -f /tmp/flag': skipped" in text
    assert "matchuser" not in text


def test_unsafe_hostname_rejects_the_host(imported: tuple[dict[str, dict[str, object]], str]) -> None:
    hosts, text = imported
    assert "evil" not in hosts
    assert "ssh_config:27: Host 'evil': rejected, its HostName could not be carried over " \
           "(HostName (ssh_config:28): rejected, not a safe address: 'x$(reboot)')" in text


def test_missing_config_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "import", "ssh-config", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"fleetcheck: {tmp_path / 'nope'}: no such file\n"
