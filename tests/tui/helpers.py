"""Building the dashboard on the fixed fleet, and waiting for it, in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from textual.pilot import Pilot

from fleetcheck.core.contracts import Collection, Unreachable
from fleetcheck.core.inventory.model import Host, Inventory
from fleetcheck.core.results import CheckResult
from fleetcheck.core.states import State
from fleetcheck.tui.app import FleetcheckApp
from fleetcheck.tui.widgets.host_table import HostTable

from .fixed_fleet import INVENTORY, NOW, FixedCollector, collectors, ev

T = TypeVar("T")


class Clock:
    """An injectable clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_app(collector: FixedCollector | None = None, inventory: Inventory = INVENTORY,
             clock: Clock | None = None, **kw: Any) -> FleetcheckApp:
    collector = collector or FixedCollector()
    kw.setdefault("flush_every", 0.01)
    return FleetcheckApp(inventory, collectors(collector), clock=clock or Clock(), tz=UTC, **kw)


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(scenario())  # type: ignore[arg-type]


async def settle(app: FleetcheckApp, pilot: Pilot[Any]) -> None:
    """Wait until every scan has ended and its messages were handled."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.05)


def table(app: FleetcheckApp) -> HostTable:
    return app.main_screen.query_one(HostTable)


def shown(app: FleetcheckApp) -> list[str]:
    return table(app).shown_names


def big_fleet(n: int) -> tuple[Inventory, dict[str, Collection | Unreachable]]:
    """n hosts with a mix of states, for cursor and scrolling tests."""
    hosts = []
    results: dict[str, Collection | Unreachable] = {}
    states = (State.OK, State.WARN, State.CRIT, State.OK, State.OK)
    for i in range(n):
        name = f"host-{i:03d}"
        hosts.append(Host(name, "linux", f"127.0.1.{i % 250 + 1}", site="hq"))
        state = states[i % len(states)]
        check = (CheckResult("fs.used:/", state, f"/ {40 + i % 60}% used", evidence=(ev("df", "x"),))
                 if state is not State.UNKNOWN else None)
        results[name] = Collection([check] if check else [])
    return Inventory("Big GmbH", tuple(hosts), ("big.yaml",)), results
