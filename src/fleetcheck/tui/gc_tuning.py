"""Garbage-collector settings for the interactive dashboard.

A collection stalls the UI for as long as it walks objects, and a full
(generation 2) collection walks every container object alive: at 10,000
hosts that was ~400,000 objects and 130 ms or more. So:

- start-up work (imports, inventory, the app) is frozen once: never walked again;
- automatic full collections are off (the third threshold is out of reach);
  while a scan streams, the young generations are collected after each painted
  batch (what that batch made: a few ms). Textual caches each painted line in
  a reference cycle with itself (Strip.divide), so a line still on screen at
  that collection would move to the old generation and die there, where only a
  full collection finds it (~55 lines a batch, 60,000 objects a 10,000-host
  scan). So the table and the header drop their painted lines first (a public
  `refresh()`; the next frame paints them anew from the table's own cache) and
  their cycles die young;
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
from collections.abc import Callable

THRESHOLDS = (20_000, 10, 1_000_000_000)  # young, middle; full: never on its own
_paced = False  # set by tune_for_interactive(); tests and headless commands leave GC alone


def tune_for_interactive() -> None:
    """Call once after start-up work (imports, inventory), before the app runs."""
    global _paced
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _paced = True


def after_batch(release: Callable[[], object] = lambda: None) -> None:
    """Call when a batch of results has been painted: `release` drops the painted lines
    (see above), then the young generations are collected."""
    if _paced:
        release()
        gc.collect(1)


def reclaim() -> None:
    """When idle and the results are packed: a full collection of everything not frozen."""
    if _paced:
        gc.collect()
