"""Remote probes: the constant script sent to a host and the parser of its answer."""

from fleetcheck.core.probes.base import Probe, ProbeRun, probe_for_kind

__all__ = ["Probe", "ProbeRun", "probe_for_kind"]
