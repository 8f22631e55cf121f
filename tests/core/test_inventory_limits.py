"""Inventory parser limits (#13 §5): a small hostile file cannot eat the machine or crash the CLI.

A ~500-byte file of nested merge keys (`<<: [*m, *m, ...]` at every level) used to take seconds
and hundreds of MB (one more level: out of memory); a list nested 1000 deep gave a RecursionError
traceback. Both are now one line naming file:line:column, exit 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _merge_bomb(levels: int) -> str:
    def level(i: int) -> str:
        if i == 0:
            return "&m0 {user: a}"
        return f"&m{i} {{<<: [{level(i - 1)}, " + ", ".join([f"*m{i - 1}"] * 7) + "]}"
    return f"customer: x\ndefaults: {{<<: [{level(levels)}]}}\nhosts: []\n"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bomb.yaml", _merge_bomb(12), "merges expand to more than"),
    ("deep.yaml", "customer: x\nhosts: " + "[" * 1000 + "]" * 1000 + "\n", "nested more than 64 levels"),
    ("deepmap.yaml", "customer: x\nsites: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n", "nested more than 64"),
])
def test_a_hostile_inventory_is_one_line_and_exit_2(tmp_path: Path, name: str, text: str,
                                                    message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert path.stat().st_size < 10_000
    # the timeout only guards the test run: the old parser never finished the merge bomb
    res = subprocess.run([sys.executable, "-m", "fleetcheck", "inventory", "check", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2, res.stderr[-500:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr[-500:]
    assert lines[0].startswith(f"fleetcheck: {path}:2:"), lines  # file:line:column of the culprit
    assert message in lines[0]


def test_an_oversized_inventory_is_refused_before_parsing(tmp_path: Path) -> None:
    from fleetcheck.core.inventory.loader import MAX_FILE_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("w") as f:
        f.write("customer: x\nhosts:\n")
        f.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    res = subprocess.run([sys.executable, "-m", "fleetcheck", "inventory", "check", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr[-300:]
    assert "larger than 16 MiB" in res.stderr and "split the file" in res.stderr
