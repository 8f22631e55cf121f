"""Which probe reads which host kind (core/kinds.py names it), imported only when needed.

Each probe module is named in an `import` statement (not looked up by a computed
name), so the layer test (tests/core/test_layers.py) sees the edge.
"""

from __future__ import annotations

from collections.abc import Callable

from fleetcheck.core.contracts import Probe
from fleetcheck.core.kinds import KINDS


def _posix() -> Probe:
    from fleetcheck.core.probes.posix.probe import PROBE

    return PROBE


def _windows() -> Probe:
    from fleetcheck.core.probes.windows.probe import PROBE

    return PROBE


# Kind.probe ("module:ATTR" in core/kinds.py) -> the function that imports it
LOADERS: dict[str, Callable[[], Probe]] = {
    "fleetcheck.core.probes.posix.probe:PROBE": _posix,
    "fleetcheck.core.probes.windows.probe:PROBE": _windows,
}


def probe_for_kind(kind: str) -> Probe | None:
    k = KINDS.get(kind)
    if k is None or k.probe is None:
        return None
    return LOADERS[k.probe]()
