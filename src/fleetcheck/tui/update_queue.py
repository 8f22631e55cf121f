"""Row updates waiting to be shown, applied a time budget at a time (no Textual here).

A rescan of 10,000 hosts marks every row "scanning" at once, and the stale
view's tick re-checks every host: done in one go that was 100 ms and more on
the UI's loop. The main screen queues such updates here and applies them in
chunks until its budget for the frame is spent; the rest follow in the next
frames, keys and paints in between. A host queued again before it was shown
keeps its place: the row is built from the host's newest state anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from itertools import islice

from fleetcheck.tui.fleet import HostEntry

CHUNK = 100  # rows per call of the apply function: the budget is checked between chunks


class UpdateQueue:
    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._pending: dict[str, HostEntry] = {}
        self._clock = clock

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, entries: Iterable[HostEntry]) -> None:
        pending = self._pending
        for entry in entries:
            pending.setdefault(entry.key, entry)

    def clear(self) -> None:
        """Everything queued is shown by other means (a rebuild from the fleet)."""
        self._pending.clear()

    def drain(self, apply: Callable[[list[HostEntry]], object], budget: float) -> bool:
        """Apply queued rows, oldest first, a chunk at a time, until `budget` seconds are
        spent (at least one chunk); True when nothing is left."""
        pending = self._pending
        end = self._clock() + budget
        while pending:
            chunk = [pending[key] for key in islice(pending, CHUNK)]
            for entry in chunk:
                del pending[entry.key]
            apply(chunk)
            if self._clock() >= end:
                break
        return not pending
