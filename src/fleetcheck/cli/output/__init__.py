"""Output formats of `fleetcheck scan`, one module each, imported only when chosen.

Every format consumes the engine's events while the scan runs (`on_event`)
and the finished ScanResult at the end (`finish`); `table` and `json` write
at the end, `jsonl` streams each event as it arrives, `nagios` prints one
status line plus perfdata.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol, TextIO

from fleetcheck.core.events import Event
from fleetcheck.core.results import ScanResult

# format name -> "module:class"; the class takes the output stream
FORMATS: dict[str, str] = {
    "table": "fleetcheck.cli.output.table:TableOutput",
    "json": "fleetcheck.cli.output.json_report:JsonOutput",
    "jsonl": "fleetcheck.cli.output.jsonl:JsonlOutput",
    "nagios": "fleetcheck.cli.output.nagios:NagiosOutput",
    "prometheus": "fleetcheck.cli.output.prometheus:PrometheusOutput",
}


class Output(Protocol):
    def on_event(self, event: Event) -> None:
        """Called for every engine event, in order, on the loop thread."""

    def finish(self, scan: ScanResult) -> None:
        """Called once with the finished scan."""


ANNOTATED = ("table", "nagios")  # formats that show acknowledgements (the JSON is the scan as found)


def make_output(name: str, stream: TextIO, acks: Mapping[tuple[str, str], str] | None = None) -> Output:
    """`acks`: (host, check id) -> who acknowledged that problem and why, shown beside it."""
    module, cls = FORMATS[name].split(":")
    factory = getattr(importlib.import_module(module), cls)
    output: Output = factory(stream, acks) if name in ANNOTATED else factory(stream)
    return output
