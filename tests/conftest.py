"""Every test gets its own fleetcheck state folder.

Without this, a test that scans with history on (or takes the per-inventory
scan lock) would write to the real user state folder, and two test runs on
one machine would see each other's history and locks. A test that sets
FLEETCHECK_HOME itself overrides this.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_fleetcheck_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "fleetcheck-home"))
