"""Screens and widgets do not know the app: they read the shared state and post messages."""

from __future__ import annotations

import ast
from pathlib import Path

import fleetcheck.tui

TUI = Path(fleetcheck.tui.__file__).parent
APP_METHODS_ALLOWED = {"pop_screen"}  # Textual's own App API, not FleetcheckApp's


def test_screens_and_widgets_never_reach_into_the_app() -> None:
    bad = []
    for path in sorted([*TUI.glob("screens/*.py"), *TUI.glob("widgets/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "fleetcheck.tui.app":
                bad.append(f"{path.name}:{node.lineno} imports the app")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "cast":
                bad.append(f"{path.name}:{node.lineno} casts")
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                  and node.value.attr == "app" and node.attr not in APP_METHODS_ALLOWED):
                bad.append(f"{path.name}:{node.lineno} uses app.{node.attr}")
    assert bad == []
