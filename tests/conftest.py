"""Every test gets its own fleetcheck state folder.

Without this, a test that scans with history on (or takes the per-inventory
scan lock) would write to the real user state folder, and two test runs on
one machine would see each other's history and locks. A test that sets
FLEETCHECK_HOME itself overrides this.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.pgserver import PgServer


@pytest.fixture(autouse=True)
def _private_fleetcheck_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLEETCHECK_HOME", str(tmp_path / "fleetcheck-home"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server for the session (tests/pgserver.py); stopped by PID at the end."""
    from tests.pgserver import PgServer

    server = PgServer.start_new()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh database of its own with fleetcheck's schema, as the superuser (owner) URL."""
    return pg_server.create_database(schema=True)
