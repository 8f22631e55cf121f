"""`fleetcheck schedule`: the printed units are valid, and the command they run saves history."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.store import ScanStatus, open_store

INVENTORY = "customer: Zeitplan GmbH\nhosts:\n  - name: here\n    kind: local\n"


def printed(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def split_units(text: str) -> dict[str, str]:
    files: dict[str, str] = {}
    current = None
    for line in text.splitlines(keepends=True):
        if line.startswith("# ---- ") and line.rstrip().endswith(" ----"):
            current = line.strip()[len("# ---- "):-len(" ----")]
            files[current] = ""
        elif current is not None:
            files[current] += line
    return files


def test_systemd_units_verify_and_their_command_saves_history(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = tmp_path / "Zeitplan Büro.yaml"
    inv.write_text(INVENTORY)
    db = tmp_path / "nightly.db"
    code, out, err = printed(capsys, "schedule", "--systemd", str(inv), "--at", "02:15", "--db", str(db))
    assert code == 0, err
    units = split_units(out)
    assert sorted(units) == ["fleetcheck-scan-zeitplan-b-ro.service", "fleetcheck-scan-zeitplan-b-ro.timer"]
    for name, text in units.items():
        (tmp_path / name).write_text(text)
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.read_string(text)  # well-formed sections and keys
    timer = configparser.ConfigParser(interpolation=None)
    timer.read_string(units["fleetcheck-scan-zeitplan-b-ro.timer"])
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:15:00" and timer["Timer"]["Persistent"] == "true"
    service = configparser.ConfigParser(interpolation=None)
    service.read_string(units["fleetcheck-scan-zeitplan-b-ro.service"])
    argv = shlex.split(service["Service"]["ExecStart"].replace("%%", "%"))
    assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK)
    assert argv[-4:] == ["--quiet", str(inv), "--db", str(db)]
    if shutil.which("systemd-analyze"):
        res = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in units)],
                             capture_output=True, text=True, timeout=60)
        ours = [line for line in res.stderr.splitlines() if "fleetcheck-scan" in line]
        assert res.returncode == 0 and not ours, res.stderr
    # what the timer would run: a quiet scan that saves history
    env = {k: v for k, v in os.environ.items() if k != "FLEETCHECK_HOME"}
    env["FLEETCHECK_HOME"] = str(tmp_path / "home")
    ran = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, cwd="/")
    assert ran.returncode in (0, 1, 2, 3) and ran.stdout == "", ran.stderr
    (info,) = open_store(db).list_scans()
    assert info.status is ScanStatus.COMPLETE and info.customer == "Zeitplan GmbH"


def test_cron_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "50% home"))
    inv = tmp_path / "100% sure.yaml"
    inv.write_text(INVENTORY)
    code, out, _ = printed(capsys, "schedule", "--cron", str(inv), "--at", "3:05")
    assert code == 0
    line = out.splitlines()[-1]
    fields = line.split(None, 5)
    assert fields[:5] == ["5", "3", "*", "*", "*"]
    assert "\\%" in fields[5] and "%" not in fields[5].replace("\\%", "")  # cron's % is escaped
    argv = shlex.split(fields[5].replace("\\%", "%"))
    assert argv[0] == f"FLEETCHECK_HOME={tmp_path / '50% home'}"  # the history this user scans into
    assert argv[-3:] == ["scan", "--quiet", str(inv)] and Path(argv[1]).is_absolute()


@pytest.mark.parametrize("argv", [["--systemd", "missing.yaml"], ["--cron", "inv.yaml", "--at", "25:00"],
                                  ["inv.yaml"], ["--cron", "--systemd", "inv.yaml"]])
def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "inv.yaml").write_text(INVENTORY)
    monkeypatch.chdir(tmp_path)
    code, out, err = printed(capsys, "schedule", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1, err


def test_a_broken_inventory_gets_no_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = tmp_path / "bad.yaml"
    inv.write_text("hosts:\n  - name: a\n    kind: toaster\n")
    code, out, err = printed(capsys, "schedule", "--systemd", str(inv))
    assert code == 2 and out == "" and "bad.yaml:" in err
    assert sys.executable  # the command printed is this interpreter's installation
