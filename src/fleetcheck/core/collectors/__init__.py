"""Collectors fetch raw data from a host and hand it to the checks.

One collector serves one or more host kinds; the engine picks it by kind.
What a collector returns or raises (`Collection`, `Unreachable`) is in `core/contracts.py`.
"""

from fleetcheck.core.collectors.base import CollectContext, Collector

__all__ = ["CollectContext", "Collector"]
