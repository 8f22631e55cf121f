"""SVG snapshots of the main and detail screens for the fixed fleet.

Deterministic: fixed clock and time zone (helpers.Clock, UTC), fixed evidence
times, fixed terminal sizes, default theme. pytest-textual-snapshot 1.1.0 is
pinned with pytest<9 in pyproject's test extra (see the reference on why).
Update baselines with `pytest tests/tui/test_snapshots.py --snapshot-update`
after checking the diff report.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from .helpers import make_app, settle


async def scanned(pilot: Pilot[Any]) -> None:
    await settle(pilot.app, pilot)  # type: ignore[arg-type]


def test_main_screen_wide(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=scanned)


def test_main_screen_80x24(snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=scanned)


def test_main_screen_problems_view_sorted_by_name(snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await scanned(pilot)
        await pilot.press("2", "s", "j")

    assert snap_compare(make_app(), terminal_size=(120, 24), run_before=before)


def test_detail_screen_unknown_host(snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await scanned(pilot)
        await pilot.press("j", "j", "j", "enter")

    assert snap_compare(make_app(), terminal_size=(100, 36), run_before=before)


def test_detail_screen_crit_host_80x24(snap_compare: Any) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await scanned(pilot)
        await pilot.press("enter")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=before)
