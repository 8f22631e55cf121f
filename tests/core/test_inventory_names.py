"""Names and addresses are validated strictly (#13 §3): inventory text never runs as a command.

With `ProxyCommand sh -c "... %h %p"` (or `Match exec`) in the user's ssh config, a host address
such as `x$(touch${IFS}/tmp/pwned)` used to run during `scan` (the class of OpenSSH
CVE-2023-51385). Now it is refused where it is read, with file:line, exit 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fleetcheck.core.inventory.names import address_problem, jump_problem, name_problem, user_problem


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    env.pop("SSH_AUTH_SOCK", None)
    return subprocess.run([sys.executable, "-m", "fleetcheck", *args], capture_output=True, text=True,
                          env=env, timeout=60)


@pytest.mark.parametrize("field", ["address", "name"])
@pytest.mark.parametrize("command", ["scan", "inventory"])
def test_a_shell_payload_in_a_name_never_runs_through_the_ssh_config(tmp_path: Path, field: str,
                                                                     command: str) -> None:
    marker = tmp_path / "pwned"
    config = tmp_path / "ssh_config"
    config.write_text('Host *\n  ProxyCommand sh -c "echo %h %p >/dev/null; exit 1"\n')
    payload = f"x$(touch${{IFS}}{marker})"
    host = (f"  - name: srv\n    kind: linux\n    address: '{payload}'\n" if field == "address"
            else f"  - name: '{payload}'\n    kind: linux\n")
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("customer: Test\nhosts:\n" + host)
    args = (["scan", "--no-history", "--timeout", "5"] if command == "scan" else ["inventory", "check"])
    res = _run(*args, "--ssh-config", str(config), str(inventory), home=tmp_path)
    assert not marker.exists(), "the inventory's text ran as a shell command"
    assert res.returncode == 2 and res.stdout == ""
    line = res.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith(f"fleetcheck: {inventory}:{5 if field == 'address' else 3}:"), line
    assert f"hosts[0].{field}" in line and "shell command" in line


@pytest.mark.parametrize("value", ["192.0.2.10", "2001:db8::1", "[2001:db8::1]", "srv-01.example.com",
                                   "srv.example.com.", "localhost"])
def test_good_addresses(value: str) -> None:
    assert address_problem(value) is None


@pytest.mark.parametrize("value", ["x$(id)", "a;b", "a`id`", "-oProxyCommand=x", "a b", "a|b", "x\x1b[2J",
                                   "under_score.example.com", "-lead.example.com", "a" * 64 + ".com",
                                   "müller.local"])
def test_bad_addresses(value: str) -> None:
    problem = address_problem(value)
    assert problem is not None and "\x1b" not in problem


def test_names_users_and_jump_hosts() -> None:
    assert name_problem("Büro-PC", connects=False) is None  # a display name next to an address
    assert name_problem("nas_01", connects=True) is None  # an ssh config alias
    assert name_problem("Büro-PC", connects=True) is not None  # would be looked up / resolved
    for bad in ("x$(id)", "-oProxyCommand=sh", "a'b", "a\"b", "a&b", "a>b", "*", "a%h"):
        assert name_problem(bad, connects=False) is not None, bad
        assert name_problem(bad, connects=True) is not None, bad
    assert user_problem("admin") is None and user_problem("FIRMA\\admin") is None
    assert user_problem("admin@firma.local") is None and user_problem("a$(id)") is not None
    assert jump_problem("admin@gw.example.com:2222") is None and jump_problem("gw1,gw2") is None
    assert jump_problem("gw;id") is not None and jump_problem("u$(id)@gw") is not None
