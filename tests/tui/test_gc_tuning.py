"""The dashboard's GC pacing: start-up frozen, young collections per batch, the idle
collection frees old cycles and never unfreezes.

Run in a child interpreter: freezing the test process's objects would change every
later test's memory behaviour.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc, weakref
from fleetcheck.tui import gc_tuning

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a

released = []
gc_tuning.after_batch(lambda: released.append(1))
assert gc.get_freeze_count() == 0 and not released, "not tuned: after_batch leaves GC alone"
gc_tuning.tune_for_interactive()
frozen = gc.get_freeze_count()
assert frozen > 0, "start-up objects are frozen"
assert gc.get_threshold()[2] >= 10**9, "no automatic full collection"
young = weakref.ref(cycle())  # garbage before the batch ends: the young collection frees it
alive = cycle()
kept = weakref.ref(alive)
painted = [cycle()]  # a line on screen: the release drops it before the collection
line = weakref.ref(painted[0])
now = [100.0]
gc_tuning._clock = lambda: now[0]
gc_tuning.after_batch(painted.clear)
assert young() is None
assert line() is None, "a released line dies young, never in the old generation"
painted.append(cycle())
now[0] += gc_tuning.RELEASE_EVERY / 2  # the next batch, soon after: only the youngest generation
gc_tuning.after_batch(painted.clear)
assert len(painted) == 1, "no release (no full repaint) on every batch"
now[0] += gc_tuning.RELEASE_EVERY
gc_tuning.after_batch(painted.clear)
assert not painted
assert gc.get_freeze_count() == frozen, "survivors of a batch are not frozen"
del alive  # garbage now, in an old generation: only a full collection finds it
gc.collect(1)
assert kept() is not None
gc_tuning.reclaim()
assert kept() is None, "the idle collection frees it: nothing on screen was frozen"
assert gc.get_freeze_count() == frozen, "reclaim never unfreezes: the start-up objects stay out of every walk"
print("ok")
"""


def test_only_start_up_is_frozen_and_the_idle_collection_frees_old_cycles() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
