"""Every test gets its own fleetcheck state folder.

Without this, a test that scans with history on (or takes the per-inventory
scan lock) would write to the real user state folder, and two test runs on
one machine would see each other's history and locks. A test that sets
FLEETCHECK_HOME itself overrides this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fleetcheck.core.i18n import render_check
from fleetcheck.core.i18n.messages import MESSAGES
from fleetcheck.core.results import CheckResult

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


def _assert_coded_in_german(check: CheckResult) -> None:
    """Every text of `check` has a message code, its English rendering is the stored text, and
    the German one is a real translation (no fallback to English)."""
    assert check.code in MESSAGES, (check.id, check.summary)
    assert (check.reason is None) == (check.reason_code is None), (check.id, check.reason)
    assert (check.fix is None) == (check.fix_code is None), (check.id, check.fix)
    english, german = render_check(check, "en"), render_check(check, "de")
    assert (english.summary, english.reason, english.fix) == (check.summary, check.reason, check.fix)
    assert german.summary != check.summary, check.summary
    assert check.reason is None or german.reason != check.reason, check.reason
    assert check.fix is None or german.fix != check.fix, check.fix


@pytest.fixture
def coded_in_german() -> Callable[[CheckResult], None]:
    """An assertion: the result's summary, reason and fix are all coded and translated."""
    return _assert_coded_in_german
