"""The central view on a real PostgreSQL (tests/pgserver.py): LISTEN/NOTIFY, another process
saving a scan, `--customer`, and the database going away and coming back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from tests.pgserver import PgServer
from tests.store.helpers import check, host
from tests.tui.helpers import run

from fleetcheck.store.feed.postgres import PostgresFeed

from .helpers import MUELLER, SCHMIDT, T0, header, make_central, rows, save, scan, seed, until

INVENTORY = "customer: Zeitplan GmbH\nhosts:\n  - name: here\n    kind: local\n"


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    """A server of this test's own: it is stopped and started again."""
    server = PgServer.start_new()
    try:
        yield server
    finally:
        server.destroy()


def test_two_customers_newest_scans_and_a_scan_from_another_process(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url)
    inventory = tmp_path / "zeitplan.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")

    async def scenario() -> None:
        app = make_central(PostgresFeed(pg_url), pg_url)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "both customers' rows")
            assert sorted((r[1], r[2], r[0]) for r in rows(app)) == [
                (MUELLER, "pc-01", "✔ OK"), (MUELLER, "srv", "▲ WARN"),
                (SCHMIDT, "drucker", "⊘ CRIT"), (SCHMIDT, "pc-01", "✖ CRIT")]
            assert "live (LISTEN/NOTIFY)" in header(app) and "password" not in header(app)
            env = {**os.environ, "FLEETCHECK_HOME": str(tmp_path / "scanner-home")}
            proc = subprocess.run([sys.executable, "-m", "fleetcheck.cli.main", "scan", str(inventory),
                                   "--db", pg_url, "--quiet"], env=env, capture_output=True, text=True,
                                  timeout=120)
            assert proc.returncode in (0, 1, 2, 3) and "Traceback" not in proc.stderr, proc.stderr
            # no key pressed: the notification brings it
            await until(pilot, lambda: any(r[1] == "Zeitplan GmbH" for r in rows(app)), "the new customer")
            assert [r[2] for r in rows(app) if r[1] == "Zeitplan GmbH"] == ["here"]
            assert "3 customers" in header(app)
    run(scenario)


def test_customer_option_on_postgres(pg_url: str) -> None:
    seed(pg_url)

    async def scenario() -> None:
        app = make_central(PostgresFeed(pg_url), pg_url, customer=MUELLER)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 2, "Müller's rows")
            save(pg_url, scan(T0 + timedelta(hours=1, minutes=50), SCHMIDT, host("nas", check("mem.used"))))
            at = T0 + timedelta(hours=1, minutes=55)
            save(pg_url, scan(at, MUELLER, host("pc-02", check("mem.used"), at=at)))
            await until(pilot, lambda: [r[2] for r in rows(app)] == ["pc-02"], "Müller's newer scan")
            assert {r[1] for r in rows(app)} == {MUELLER}
    run(scenario)


def test_database_down_is_said_and_it_catches_up_when_back(own_server: PgServer) -> None:
    url = own_server.create_database(schema=True)
    seed(url)

    async def scenario() -> None:
        app = make_central(PostgresFeed(url), url)
        async with app.run_test(size=(200, 30)) as pilot:
            await until(pilot, lambda: len(rows(app)) == 4, "both customers' rows")
            assert "UNREACHABLE" not in header(app)
            own_server.stop()
            await until(pilot, lambda: "DATABASE UNREACHABLE since" in header(app), "the outage said")
            assert "rows show what was read at" in header(app)
            assert len(rows(app)) == 4  # what was read stays, said to be old
            own_server.start()
            # saved right after the restart, maybe before the feed listens again: read all the same
            at = T0 + timedelta(hours=1, minutes=58)
            save(url, scan(at, SCHMIDT, host("pc-01", check("apps.crashes"), at=at)))
            await until(pilot, lambda: "UNREACHABLE" not in header(app), "the outage over")
            await until(pilot, lambda: sorted(r[2] for r in rows(app) if r[1] == SCHMIDT) == ["pc-01"],
                        "the scan saved after the restart")
    run(scenario)


def test_tui_with_a_postgres_db_and_no_inventory_is_the_central_view(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from fleetcheck.cli.main import main
    from fleetcheck.tui import gc_tuning
    from fleetcheck.tui.app import FleetcheckApp
    from fleetcheck.tui.central_app import CentralApp

    monkeypatch.setattr(gc_tuning, "tune_for_interactive", lambda: None)
    monkeypatch.setenv("FLEETCHECK_TUI_CONFIG", str(tmp_path / "tui.toml"))
    monkeypatch.setenv("FLEETCHECK_DB", pg_url)  # as a central machine would have it
    seen: dict[str, object] = {}
    monkeypatch.setattr(FleetcheckApp, "run", lambda self, *a, **kw: seen.setdefault("app", self) and 0)
    assert main(["tui", "--customer", MUELLER]) == 0
    app = seen["app"]
    assert isinstance(app, CentralApp) and app.central.how == "LISTEN/NOTIFY"
    assert app.central.location.startswith("postgresql://fleetcheck@127.0.0.1:")


def test_a_reader_role_sees_every_customer_and_a_scanner_role_only_its_own(
        pg_server: PgServer, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fleetcheck.store import customer_key
    from fleetcheck.store.postgres.admin import grant

    seed(pg_url)
    db = pg_url.rsplit("/", 1)[-1]
    pg_server.admin(pg_url, "CREATE ROLE dash LOGIN PASSWORD 'pw-central'",
                    "CREATE ROLE scan_mueller LOGIN PASSWORD 'pw-central'")
    grant(pg_url, "dash", None)
    grant(pg_url, "scan_mueller", customer_key(MUELLER, ()))
    monkeypatch.setenv("PGPASSWORD", "pw-central")  # libpq's own way; never in the URL

    async def scenario(user: str, customers: set[str]) -> None:
        url = pg_server.url(db, user=user)
        app = make_central(PostgresFeed(url), url)
        async with app.run_test(size=(140, 30)) as pilot:
            await until(pilot, lambda: {r[1] for r in rows(app)} == customers, f"{user}'s customers")
            assert "UNREACHABLE" not in header(app) and "NOT READABLE" not in header(app)

    run(lambda: scenario("dash", {MUELLER, SCHMIDT}))
    run(lambda: scenario("scan_mueller", {MUELLER}))
