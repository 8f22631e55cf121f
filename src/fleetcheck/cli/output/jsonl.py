"""`--format jsonl`: one engine event per line, written and flushed as it happens.

A consumer (a pipe, a log shipper) sees each host the moment it finishes;
the shapes are documented in docs/json-schema.md.
"""

from __future__ import annotations

import json
from typing import TextIO

from fleetcheck.core.events import Event
from fleetcheck.core.results import ScanResult


class JsonlOutput:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def on_event(self, event: Event) -> None:
        self.stream.write(json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
        self.stream.flush()

    def finish(self, scan: ScanResult) -> None:
        return None  # the scan_finished event was the last line
