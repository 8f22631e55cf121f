"""The dashboard's GC pacing: batches freeze what survives, the idle collection frees cycles.

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

gc_tuning.after_batch()
assert gc.get_freeze_count() == 0, "not tuned: after_batch leaves GC alone"
gc_tuning.tune_for_interactive()
young = weakref.ref(cycle())  # garbage before the batch ends: the young collection frees it
alive = cycle()
kept = weakref.ref(alive)
gc_tuning.after_batch()
assert young() is None
frozen = gc.get_freeze_count()
assert frozen > 0
del alive  # now garbage, but frozen: only the full collection finds it
gc.collect()
assert kept() is not None
gc_tuning.reclaim()
assert kept() is None
assert gc.get_freeze_count() > 0  # what lives is frozen again for the next scan
print("ok")
"""


def test_batches_freeze_survivors_and_the_idle_collection_frees_their_cycles() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
