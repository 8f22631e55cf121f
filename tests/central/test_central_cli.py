"""`fleetcheck tui` picks the central view: arguments and their one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fleetcheck.cli.main import main
from fleetcheck.tui import gc_tuning as gc_tuning_module
from fleetcheck.tui.app import FleetcheckApp
from fleetcheck.tui.central_app import CentralApp

from .helpers import seed


@pytest.fixture(autouse=True)
def _no_gc_tuning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(gc_tuning_module, "tune_for_interactive", lambda: None)
    monkeypatch.setenv("FLEETCHECK_TUI_CONFIG", str(tmp_path / "tui.toml"))
    monkeypatch.delenv("FLEETCHECK_DB", raising=False)


def test_central_on_a_sqlite_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "h.sqlite3")
    seed(db)
    seen: dict[str, Any] = {}
    monkeypatch.setattr(FleetcheckApp, "run", lambda self, *a, **kw: seen.setdefault("app", self) and 0)
    assert main(["tui", "--central", "--db", db, "--customer", "Schmidt & Söhne KG",
                 "--stale-after", "7200"]) == 0
    app = seen["app"]
    assert isinstance(app, CentralApp)
    assert app.central.customer_filter == "Schmidt & Söhne KG"
    assert app.central.stale_after.total_seconds() == 7200
    assert "data_version" in app.central.how and app.central.location == db


@pytest.mark.parametrize(("argv", "message"), [
    (["tui", "--customer", "X"], "--customer belongs to the central view"),
    (["tui", "--central", "inv.yaml"], "--central shows the database, not an inventory"),
    (["tui", "--central", "--no-history"], "--no-history leaves nothing to show"),
])
def test_wrong_combinations_are_one_line_and_exit_2(argv: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_password_in_the_url_is_refused_and_never_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", "--db", "postgresql://dash:s3cret@127.0.0.1:1/fleet"]) == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and err.count("\n") == 1


def test_a_history_file_that_is_not_there_is_not_created(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.sqlite3"
    assert main(["tui", "--central", "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "no history database there" in err and err.count("\n") == 1
    assert not missing.exists()
