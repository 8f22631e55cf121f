"""The detail view draws every printer supply as a level bar in its colour (issue 8 §6)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style

from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.detail_view import render_detail
from fleetcheck.tui.fleet import HostEntry

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_supply_bars_in_their_colours_and_no_made_up_percent() -> None:
    supplies = [
        {"name": "Black Toner", "colour": "black", "percent": 5.0, "level": 5, "receptacle": False},
        {"name": "Cyan Toner", "colour": "cyan", "percent": 75.5, "level": 4000, "receptacle": False},
        {"name": "Waste Toner Box", "colour": None, "percent": None, "level": -3, "receptacle": True},
        {"name": "Drum Unit", "colour": None, "percent": None, "level": -2, "receptacle": False},
    ]
    check = CheckResult("printer.supply:Black Toner", State.CRIT, "Black Toner (black): 5 % left",
                        evidence=(Evidence.of("snmp", "5", NOW, kind="oid"),))
    result = HostResult("lp", "printer", "192.0.2.9", Reachability.REACHABLE, (check,), NOW, NOW,
                        facts={"printer": {"model": "X", "supplies": supplies}})
    entry = HostEntry(Host("lp", "printer", "192.0.2.9"), result, NOW)
    text = render_detail(entry, [], {s: Style() for s in State}, UTC, NOW)
    lines = text.plain.splitlines()
    start = lines.index("Supplies")
    bars = lines[start + 1:start + 5]
    assert bars[0] == "  " + "█" * 1 + "░" * 19 + " 5 %  Black Toner (black)"
    assert bars[1] == "  " + "█" * 15 + "░" * 5 + " 75.5 %  Cyan Toner (cyan)"
    assert bars[2].endswith("some remaining  Waste Toner Box [waste: space left]") and "%" not in bars[2]
    assert "level unknown  Drum Unit" in bars[3]
    cyan = [span for span in text.spans if str(span.style) == "cyan"]
    assert cyan, "the cyan toner's bar is drawn in cyan"
