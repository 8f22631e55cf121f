"""Live progress on stderr while a person watches: one status line, redrawn in place.

Only used when stderr is a terminal; a pipe, a log or cron gets nothing.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from fleetcheck.core.events import Event, HostFinished, HostStarted, ScanStarted
from fleetcheck.core.states import State
from fleetcheck.core.text import clean

REDRAW_EVERY = 0.1  # seconds; a 1000-host scan must not spend its time drawing


class StatusLine:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.running: dict[str, None] = {}
        self.states = {s: 0 for s in State}
        self._drawn = 0.0

    def on_event(self, event: Event) -> None:
        if isinstance(event, ScanStarted):
            self.total = len(event.hosts)
        elif isinstance(event, HostStarted):
            self.running[event.host.name] = None
        elif isinstance(event, HostFinished):
            self.done += 1
            self.running.pop(event.result.name, None)
            self.states[event.result.state] += 1
        else:
            return
        now = time.monotonic()
        if now - self._drawn >= REDRAW_EVERY or self.done == self.total:
            self._drawn = now
            self.draw()

    def text(self) -> str:
        counts = ", ".join(f"{n} {s.value}" for s, n in self.states.items() if n)
        line = f"scanning: {self.done}/{self.total} hosts done"
        if counts:
            line += f" ({counts})"
        if self.running:
            names = [clean(n, 40) for n in list(self.running)[:4]]
            line += f"; running: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
        return line

    def draw(self) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r\x1b[2K" + self.text()[: max(10, width - 1)])
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\x1b[2K")
        self.stream.flush()
