"""Which probe reads which host kind."""

from __future__ import annotations

import importlib

from fleetcheck.core.contracts import Probe

# kind -> "module:attribute" of a Probe instance; imported only when needed.
_PROBES = {
    "linux": "fleetcheck.core.probes.posix.probe:PROBE",
    "macos": "fleetcheck.core.probes.posix.probe:PROBE",
    "printserver": "fleetcheck.core.probes.posix.probe:PROBE",
    "windows": "fleetcheck.core.probes.windows.probe:PROBE",
}


def probe_for_kind(kind: str) -> Probe | None:
    target = _PROBES.get(kind)
    if target is None:
        return None
    module, attr = target.split(":")
    probe: Probe = getattr(importlib.import_module(module), attr)
    return probe
