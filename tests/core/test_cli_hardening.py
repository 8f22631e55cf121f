"""CLI hardening (#13 §8): one validated duration type, ASCII output for a non-UTF-8 stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, encoding: str = "utf-8", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run([sys.executable, "-m", "fleetcheck", *args], capture_output=True, env=env,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("argv", [
    ["scan", "--timeout", "inf"], ["scan", "--timeout", "1e308"], ["scan", "--timeout", "nan"],
    ["scan", "--timeout", "-5"], ["scan", "--timeout", "0"], ["scan", "--scan-timeout", "inf"],
    ["trust", "--timeout", "nan", "x"], ["trust", "--timeout", "-5", "x"], ["trust", "--timeout", "0", "x"],
    ["tui", "--interval", "inf"], ["tui", "--timeout", "1e9"],
])
def test_every_duration_is_finite_positive_and_bounded(argv: list[str]) -> None:
    res = _run(*argv)
    err = res.stderr.decode()
    assert res.returncode == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "expected seconds" in err and res.stdout == b""


@pytest.mark.parametrize("fmt", ["table", "nagios"])
def test_a_non_utf8_stdout_gets_ascii_not_a_crash(fmt: str, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    # an unreachable host: its finding text carries fleetcheck's own "—" and "…"
    inventory.write_text("customer: Müller GmbH\nhosts:\n  - name: büro-pc\n    kind: linux\n"
                         "    address: 127.0.0.1\n    port: 1\n")
    res = _run("scan", "--no-history", "--format", fmt, str(inventory), encoding="ascii")
    assert b"Traceback" not in res.stderr, res.stderr.decode()
    assert res.returncode in (2, 3), res.stderr.decode()
    res.stdout.decode("ascii")
    assert b"b\\xfcro-pc" in res.stdout  # non-ASCII host text stays readable, escaped


def test_ascii_fallback_maps_typography(tmp_path: Path) -> None:
    from fleetcheck.cli.main import ascii_fallback

    path = tmp_path / "out.txt"
    with open(path, "w", encoding="ascii") as stream:
        ascii_fallback(stream)
        stream.write("a — b ✔ … ≥ 3 ü\n")
    assert path.read_text() == "a - b + ... >= 3 \\xfc\n"


def test_output_file_is_created_0600(tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("customer: T\nhosts:\n  - {name: srv, kind: linux, address: 127.0.0.1, port: 1}\n")
    res = _run("scan", "--no-history", "--format", "json", "-o", str(out), str(inventory))
    assert res.returncode in (2, 3), res.stderr.decode()
    assert out.stat().st_mode & 0o777 == 0o600  # the same evidence as the 0600 history
    assert out.read_text().startswith("{")


def test_readable_secrets_are_warned_about(tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    key.write_text("not really a key\n")
    key.chmod(0o644)
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(f"customer: T\ndefaults: {{identity_file: {key}}}\nhosts:\n"
                         "  - {name: lp, kind: printer, address: 127.0.0.1, snmp: {community: s3cret}}\n")
    inventory.chmod(0o644)
    res = _run("inventory", "check", str(inventory))
    err = res.stderr.decode()
    assert res.returncode == 0, err
    assert f"warning: {inventory} holds an SNMP community and is readable by group or others" in err
    assert f"warning: private key {key} is readable by group or others (mode 0644)" in err
    assert "s3cret" not in err + res.stdout.decode()
    inventory.chmod(0o600)
    key.chmod(0o600)
    assert "warning" not in _run("inventory", "check", str(inventory)).stderr.decode()


@pytest.mark.parametrize("command", [["scan", "--format", "jsonl", "--no-history"], ["history"]])
def test_a_reader_that_is_gone_gets_no_traceback(tmp_path: Path, command: list[str]) -> None:
    # `fleetcheck history | head -1`: the pipe's reader is gone when fleetcheck writes
    inv = tmp_path / "inv.yaml"
    inv.write_text("customer: Pipe\nhosts:\n  - {name: here, kind: local}\n")
    env = {**os.environ, "FLEETCHECK_HOME": str(tmp_path / "home")}
    fleetcheck = [sys.executable, "-m", "fleetcheck"]
    subprocess.run([*fleetcheck, "scan", str(inv), "--quiet"], env=env, check=False, timeout=120)
    args = [*command, str(inv)] if command[0] == "scan" else command
    proc = subprocess.Popen([*fleetcheck, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    proc.stdout.close()  # before fleetcheck writes a byte: every write meets a closed pipe
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode(errors="replace")
    # a scan keeps its own exit code for cron; a listing ends as a shell reports SIGPIPE
    if command[0] == "scan":
        assert proc.returncode in (0, 1, 2, 3)  # this machine's state decides which
    else:
        assert proc.returncode == 141
