"""`--format json`: the whole scan as one document (schema "fleetcheck.scan/1", docs/json-schema.md)."""

from __future__ import annotations

import json
from typing import TextIO

from fleetcheck.core.events import Event
from fleetcheck.core.results import ScanResult


class JsonOutput:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.history: dict[str, object] | None = None  # set when the scan stayed in the local spool

    def on_event(self, event: Event) -> None:
        return None  # written once, complete, at the end

    def finish(self, scan: ScanResult) -> None:
        # indented for a person at a terminal; compact (C encoder, ~5x faster) for programs
        indent = 2 if self.stream.isatty() else None
        doc = scan.to_dict()
        if self.history is not None:
            doc["history"] = self.history
        self.stream.write(json.dumps(doc, ensure_ascii=False, indent=indent) + "\n")
        self.stream.flush()
