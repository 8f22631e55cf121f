"""The dashboard's rescans reuse its SSH connections (counted by the real sshd hosts themselves).

Each host's sshd logs at INFO, which writes one "Accepted publickey" line per
login. The dashboard is built exactly as `fleetcheck tui` builds it
(`tui_cmd.make_app`), scans on start, and is told to rescan everything twice.
The same run with connection keeping off shows the count does see every new login.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from fleetcheck.cli import tui_cmd
from fleetcheck.cli.main import build_parser
from fleetcheck.core.states import Reachability

from .fleet import Fleet, HostSpec

HOSTS = Path(__file__).resolve().parent / "hosts"
NAMES = ("pc1", "pc2", "pc3")


async def settle(app: Any, pilot: Any) -> None:
    """Wait until every scan has ended and its messages were handled."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.05)


def _logins(fleet: Fleet) -> dict[str, int]:
    return {n: fleet.hosts[n].log_text().count("Accepted publickey") for n in NAMES}


def _scan_three_times(fleet: Fleet, tmp_path: Path, keep: bool) -> dict[str, int]:
    inventory = fleet.write_inventory(tmp_path / f"office-{keep}.yaml")
    empty = tmp_path / "ssh_config"
    empty.touch()
    args = build_parser().parse_args(["tui", "--no-history", "--interval", "0", "--timeout", "30",
                                      "--ssh-config", str(empty), str(inventory)])
    app = tui_cmd.make_app(args, keep_connections=keep)

    async def scenario() -> None:
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(app, pilot)
            for _ in range(2):
                await pilot.press("R")
                await settle(app, pilot)
            for name in NAMES:
                entry = app.fleet.get(name)
                assert entry is not None and entry.result is not None, name
                assert entry.result.reachability is Reachability.REACHABLE, entry.result.checks

    asyncio.run(scenario())
    return _logins(fleet)


@pytest.fixture
def office(sshd_fleet, monkeypatch: pytest.MonkeyPatch) -> Fleet:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)  # only the fleet's key, never a developer's agent
    spec = HostSpec(bin_dir=HOSTS / "healthy" / "bin", sshd_options=("LogLevel INFO",))
    return sshd_fleet({n: spec for n in NAMES})


def test_rescans_reuse_the_connection(office: Fleet, tmp_path: Path) -> None:
    assert _scan_three_times(office, tmp_path, keep=True) == {n: 1 for n in NAMES}


def test_without_keeping_every_scan_logs_in_again(office: Fleet, tmp_path: Path) -> None:
    assert _scan_three_times(office, tmp_path, keep=False) == {n: 3 for n in NAMES}
