"""Remote probes: the constant script sent to a host and the parser of its answer.

`posix/` (Linux, macOS) and `windows/` each have a `probe.py` that orchestrates;
the contract they implement (`Probe`, `ProbeRun`) is in `core/contracts.py`.
"""

from fleetcheck.core.probes.base import probe_for_kind

__all__ = ["probe_for_kind"]
