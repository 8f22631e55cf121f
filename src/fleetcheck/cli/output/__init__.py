"""Output formats of `fleetcheck scan`, one module each, imported only when chosen.

Every format consumes the engine's events while the scan runs (`on_event`)
and the finished ScanResult at the end (`finish`); `table` and `json` write
at the end, `jsonl` streams each event as it arrives, `nagios` prints one
status line plus perfdata.
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from fleetcheck.core.events import Event
from fleetcheck.core.results import ScanResult

# format name -> "module:class"; the class takes the output stream
FORMATS: dict[str, str] = {
    "table": "fleetcheck.cli.output.table:TableOutput",
    "json": "fleetcheck.cli.output.json_report:JsonOutput",
    "jsonl": "fleetcheck.cli.output.jsonl:JsonlOutput",
    "nagios": "fleetcheck.cli.output.nagios:NagiosOutput",
}


class Output(Protocol):
    def on_event(self, event: Event) -> None:
        """Called for every engine event, in order, on the loop thread."""

    def finish(self, scan: ScanResult) -> None:
        """Called once with the finished scan."""


def make_output(name: str, stream: TextIO) -> Output:
    module, cls = FORMATS[name].split(":")
    output: Output = getattr(importlib.import_module(module), cls)(stream)
    return output
