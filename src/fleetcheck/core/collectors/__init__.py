"""Collectors fetch raw data from a host and hand it to the checks.

One collector serves one or more host kinds; the engine picks it by kind.
"""

from fleetcheck.core.collectors.base import CollectContext, Collection, Collector, Unreachable

__all__ = ["CollectContext", "Collection", "Collector", "Unreachable"]
