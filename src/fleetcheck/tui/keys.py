"""Every binding id of the dashboard, for validating the settings file."""

from __future__ import annotations

from textual.binding import Binding


def binding_ids() -> frozenset[str]:
    from fleetcheck.tui.app import FleetcheckApp
    from fleetcheck.tui.screens.detail import DetailScreen
    from fleetcheck.tui.screens.help import HelpScreen
    from fleetcheck.tui.screens.main import MainScreen

    ids = set()
    for cls in (FleetcheckApp, MainScreen, DetailScreen, HelpScreen):
        for b in cls.BINDINGS:
            if isinstance(b, Binding) and b.id:
                ids.add(b.id)
    return frozenset(ids)
