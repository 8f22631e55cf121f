"""`fleetcheck inventory check`: summary and exit 0 when valid, one line and exit 2 when not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fleetcheck.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def fleetcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, in a fresh interpreter (as a user runs it)."""
    return subprocess.run([sys.executable, "-m", "fleetcheck", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


def test_valid_inventory_prints_summary(tmp_path: Path) -> None:
    done = fleetcheck("inventory", "check", "inventories/example-office.yaml", cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout.splitlines()
    assert out[:6] == [
        "valid: inventories/example-office.yaml",
        "customer: Müller Steuerberatung GmbH",
        "hosts: 8",
        "  by kind: windows 3, printer 2, linux 1, macos 1, printserver 1",
        "  by site: hauptbuero 6, aussenstelle 2",
        "  by tag: arbeitsplatz 4, server 2, empfang 1",
    ]
    assert "threshold overrides in force:" in out
    tag_line = next(line for line in out if line.lstrip().startswith("fs.used_pct "))
    assert tag_line.split() == ["fs.used_pct", "warn", "75", "crit", "85", "from", "tag:server",
                                "2", "hosts:", "fileserver,", "printserver"]
    assert out[-2:] == ["passwords by reference:", "  printserver: env:MUELLER_PRINTSERVER_PASSWORD"]
    assert "public" not in done.stdout  # SNMP communities are secrets


def test_invalid_inventory_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "inventories").mkdir()
    (tmp_path / "inventories" / "acme.yaml").write_text(
        "hosts:\n  - name: a\n    kind: linux\n    port: twenty-two\n")
    done = fleetcheck("inventory", "check", "inventories/acme.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "fleetcheck: inventories/acme.yaml:4:11: hosts[0].port: must be an integer 1-65535, "
        "got 'twenty-two'\n"
    )


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["inventory", "check", "nope.yaml"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "fleetcheck: nope.yaml: no such file or folder\n")


def test_default_inventory(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["inventory", "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == ["valid: inventories/local.yaml", "customer: This machine", "hosts: 1",
                       "  by kind: local 1"]
    assert "threshold overrides in force: none (built-in defaults)" in out


def test_aliases_and_secrets_in_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ssh_config").write_text("Host nas\n  HostName 192.0.2.5\n  Port 2222\n  User backup\n")
    Path("acme.yaml").write_text(textwrap.dedent("""\
        defaults:
          snmp: {community: S3cretCommunity}
        hosts:
          - {name: nas, kind: linux, password: {keyring: acme-nas}}
          - {name: printer, address: 192.0.2.50, kind: printer}
        """))
    assert main(["inventory", "check", "acme.yaml", "--ssh-config", "ssh_config"]) == 0
    out = capsys.readouterr().out
    assert "resolved via ssh config:\n  nas -> 192.0.2.5 port 2222 user backup\n" in out
    assert "passwords by reference:\n  nas: keyring:acme-nas" in out
    assert "S3cretCommunity" not in out
