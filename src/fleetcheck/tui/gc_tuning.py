"""Garbage-collector settings for the interactive dashboard.

A collection stalls the UI for as long as it walks objects, and a full
(generation 2) collection walks every container object alive: at 10,000
hosts that was ~400,000 objects and 130 ms or more. So:

- start-up work (imports, inventory, the app) is frozen once: never walked again;
- automatic collections beyond the youngest generation are off (the other
  thresholds are out of reach); while a scan streams, the youngest generation
  is collected after each painted batch (what that batch made: a few ms), and
  every RELEASE_EVERY seconds the middle one too, which moves what survives it
  to the old generation. Textual caches each painted line in a reference
  cycle with itself (Strip.divide), so a line still on screen at that moment
  would die in the old generation, where only a full collection finds it
  (~55 lines each time; 60,000 objects a 10,000-host scan when it was done
  every batch). So the table, its scrollbar and the header drop their painted
  lines first (a public `refresh()`; the next frame paints them anew, the rows
  from the table's own cache) and their cycles die young. That full repaint is
  why it is every few seconds and not every batch: over a slow link it costs
  a screenful of output;
- once the scans have ended and been saved, the app packs the results into
  bytes (packing.py: one object per host instead of dozens) and then runs
  `reclaim()`, a full collection of what is not frozen, which now walks only
  the app's own widgets and the scan's garbage; it runs again on the
  half-minute tick while nothing streams.

Nothing is frozen after start-up: a line frozen while on screen would become
garbage no collection looks at. The earlier scheme froze
every batch's survivors and needed an unfreeze and a full collection of
everything per scan (125 ms at 10,000 hosts) to give that memory back.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

THRESHOLDS = (20_000, 1_000_000_000, 1_000_000_000)  # only the youngest generation on its own
RELEASE_EVERY = 2.0  # seconds between middle-generation collections while a scan streams
_paced = False  # set by tune_for_interactive(); tests and headless commands leave GC alone
_clock = time.monotonic
_released_at: float | None = None


def tune_for_interactive() -> None:
    """Call once after start-up work (imports, inventory), before the app runs."""
    global _paced
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _paced = True


def after_batch(release: Callable[[], object] = lambda: None) -> None:
    """Call when a batch of results has been painted: the youngest generation is collected;
    every RELEASE_EVERY seconds `release` drops the painted lines (see above) and the middle
    generation is collected too."""
    global _released_at
    if not _paced:
        return
    now = _clock()
    if _released_at is None or now - _released_at >= RELEASE_EVERY:
        _released_at = now
        release()
        gc.collect(1)
    else:
        gc.collect(0)


def reclaim() -> None:
    """When idle and the results are packed: a full collection of everything not frozen."""
    if _paced:
        gc.collect()
