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
