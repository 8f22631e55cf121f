"""Garbage-collector settings for the interactive dashboard.

Measured with bench/tui_2000.py: with CPython's defaults a full (generation 2)
collection walks every object (~250k with 2000 hosts' results) and froze the
UI for 100-250 ms several times during a scan. Freezing what exists at
start-up and a larger first threshold fixed that at 2000 hosts, but at 10,000
hosts a generation-1 pass over the results that streamed in still took up to
180 ms. So while a scan streams, the app collects the young generation after
each batch has been painted (the objects that batch made: a few ms) and
freezes the survivors, so no collection during the scan walks them again.

Frozen objects are still freed by reference counting, but a reference cycle
among them is not (Textual's line caches make such cycles all the time: ~9 MB
a scan at 2000 hosts). So once a scan has ended and the dashboard has been
idle for a moment, `reclaim()` unfreezes everything and runs one full
collection: memory stays flat across rescans (bench --rescans), and the one
long pause per scan falls where nothing is streaming.
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 20, 100)
_paced = False  # set by tune_for_interactive(); tests and headless commands leave GC alone


def tune_for_interactive() -> None:
    """Call once after start-up work (imports, inventory), before the app runs."""
    global _paced
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _paced = True


def after_batch() -> None:
    """Call when a batch of results has been painted: collect what is young, freeze the rest."""
    if _paced:
        gc.collect(0)
        gc.freeze()


def reclaim() -> None:
    """Once per scan, when idle: collect everything, including cycles among frozen objects."""
    if _paced:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
