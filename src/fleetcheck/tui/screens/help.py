"""`?` help: every key with its binding id (for remapping) and where the settings file lives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fleetcheck.tui.filtering import __doc__ as FILTER_DOC

KEY_NAMES = {"slash": "/", "question_mark": "?", "plus": "+", "minus": "-", "escape": "Esc",
             "enter": "Enter", "backspace": "Backspace", "down": "↓", "up": "↑", "home": "Home",
             "end": "End"}


def key_text(keys: str) -> str:
    return " ".join(KEY_NAMES.get(k, k) for k in keys.split(","))


def help_text(sections: Iterable[tuple[str, Iterable[Binding]]], config_file: str) -> Text:
    text = Text()
    text.append("fleetcheck keys", style="bold")
    text.append("   (Esc closes; the right column is the binding id for remapping)\n\n", style="dim")
    for title, bindings in sections:
        text.append(f"{title}\n", style="bold underline")
        for b in bindings:
            text.append(f"  {key_text(b.key):<14}", style="bold")
            text.append(f"{b.tooltip or b.description:<60} ")
            text.append(f"{b.id or ''}\n", style="dim")
        text.append("\n")
    text.append("Filter\n", style="bold underline")
    for line in (FILTER_DOC or "").strip().splitlines()[1:]:
        text.append(f"  {line.strip()}\n")
    text.append("\nRemap keys (binding id = \"key,key\") and pick a theme in\n", style="bold")
    text.append(f"  {config_file}\n")
    text.append("  Example:  theme = \"ansi-dark\"   [keys]   rescan-host = \"ctrl+r\"\n")
    text.append("  ctrl+p opens the command palette: every action above, searchable.\n")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def __init__(self, body: Text) -> None:
        super().__init__(id="help")
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Static(self.body, id="help-body")

    def action_close(self) -> None:
        self.app.pop_screen()
