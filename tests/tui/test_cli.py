"""`fleetcheck tui`: arguments, settings file errors, and no Textual on other paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.cli.main import main
from fleetcheck.tui import gc_tuning as gc_tuning_module
from fleetcheck.tui.app import FleetcheckApp

INVENTORY = """\
customer: Test GmbH
hosts:
  - name: srv-a
    address: 127.0.0.21
    kind: linux
  - name: drucker
    address: 127.0.0.22
    kind: printer
"""


@pytest.fixture(autouse=True)
def gc_tuning(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """run() tunes the garbage collector of the whole process: not in the test runner."""
    calls: list[int] = []
    monkeypatch.setattr(gc_tuning_module, "tune_for_interactive", lambda: calls.append(1))
    return calls


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLEETCHECK_TUI_CONFIG", str(tmp_path / "tui.toml"))
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def test_parsing_the_tui_command_does_not_import_textual() -> None:
    code = ("import sys; from fleetcheck.cli.main import build_parser; "
            "a = build_parser().parse_args(['tui', '--interval', '0', '--theme', 'ansi-dark']); "
            "assert a.interval == 0 and a.theme == 'ansi-dark'; "
            "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_run_builds_the_app_from_arguments_and_settings(inventory: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         gc_tuning: list[int]) -> None:
    (tmp_path / "tui.toml").write_text('theme = "ansi-light"\n[keys]\nrescan-host = "ctrl+r"\n', "utf-8")
    seen: dict[str, Any] = {}

    def fake_run(self: FleetcheckApp, *a: Any, **kw: Any) -> int:
        seen["app"] = self
        return 0

    monkeypatch.setattr(FleetcheckApp, "run", fake_run)
    assert main(["tui", str(inventory), "--interval", "60", "--concurrency", "4", "--timeout", "9"]) == 0
    app: FleetcheckApp = seen["app"]
    assert [h.name for h in app.inventory.hosts] == ["srv-a", "drucker"]
    assert app.interval == 60
    assert app.runner.options.concurrency == 4 and app.runner.options.host_timeout == 9
    assert app._wanted_theme == "ansi-light"
    assert app.config.keys == {"rescan-host": "ctrl+r"}
    assert gc_tuning == [1]


def test_theme_option_wins_over_settings(inventory: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tui.toml").write_text('theme = "ansi-light"\n', "utf-8")
    seen: dict[str, Any] = {}
    monkeypatch.setattr(FleetcheckApp, "run", lambda self, *a, **kw: seen.setdefault("app", self) and 0)
    assert main(["tui", str(inventory), "--theme", "nord"]) == 0
    assert seen["app"]._wanted_theme == "nord"


def test_bad_settings_file_is_one_line_and_exit_2(inventory: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tui.toml").write_text('[keys]\nrescan = "x"\n', "utf-8")
    assert main(["tui", str(inventory)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "keys.rescan: no such binding id" in err[0] and "tui.toml" in err[0]


def test_negative_interval_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["tui", "--interval", "-5"])
    assert exit_.value.code == 2
    assert "expected seconds, 0 or more" in capsys.readouterr().err
