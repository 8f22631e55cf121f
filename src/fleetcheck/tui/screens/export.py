"""`e`: choose a report's format and language; the app writes it and says where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet

FORMATS = (("pdf", "PDF"), ("html", "HTML"), ("md", "Markdown"), ("csv", "CSV (a row per check)"),
           ("json", "JSON (scan schema)"))
LANGUAGES = (("de", "Deutsch"), ("en", "English"))


@dataclass(frozen=True)
class ExportChoice:
    format: str
    language: str


class ExportScreen(ModalScreen[ExportChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel"),
        Binding("ctrl+s", "write", "Write", id="export-write"),
    ]

    def __init__(self, language: str = "en", folder: str = ".") -> None:
        super().__init__(id="export")
        self.language = language
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label("Report of the scan on screen", id="export-title")
            with Horizontal():
                with RadioSet(id="export-format"):
                    for i, (_key, label) in enumerate(FORMATS):
                        yield RadioButton(label, value=i == 0)
                with RadioSet(id="export-language"):
                    for key, label in LANGUAGES:
                        yield RadioButton(label, value=key == self.language)
            yield Label(f"written into {self.folder}\nCtrl+S writes, Esc cancels", id="export-folder")
            with Horizontal(id="export-buttons"):
                yield Button("Write", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-no")

    def choice(self) -> ExportChoice:
        fmt = self.query_one("#export-format", RadioSet).pressed_index
        lang = self.query_one("#export-language", RadioSet).pressed_index
        return ExportChoice(FORMATS[max(fmt, 0)][0], LANGUAGES[max(lang, 0)][0])

    @on(Button.Pressed, "#export-ok")
    def action_write(self) -> None:
        self.dismiss(self.choice())

    @on(Button.Pressed, "#export-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
