"""Default thresholds and their per-host/per-tag overrides.

Threshold names are dotted (`fs.used_pct`); an override may target one item
with `name:item` (`fs.used_pct:/var`), which wins over the plain name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fleetcheck.core.ranges import Range


@dataclass(frozen=True, slots=True)
class Levels:
    warn: Range | None
    crit: Range | None
    source: str = "default"  # default | inventory | tag:<name> | host


def _levels(warn: str | None, crit: str | None) -> Levels:
    return Levels(
        Range.parse(warn) if warn is not None else None,
        Range.parse(crit) if crit is not None else None,
    )


# Calibrated on Checkmk's defaults (see docs/checks.md); percentages are
# "used", so a range alerts above its end.
DEFAULTS: dict[str, Levels] = {
    "fs.used_pct": _levels("80", "90"),
    "fs.inodes_used_pct": _levels("80", "90"),
    "fs.free_gib": _levels(None, None),  # opt-in absolute floor, e.g. warn "20:" crit "10:"
    "cpu.load15_per_core": _levels("5", "10"),
    "mem.used_pct": _levels("80", "90"),
    "swap.used_pct": _levels("80", "90"),
    "temp.celsius": _levels("70", "85"),
    "services.failed": _levels(None, "0"),
    "boot.unexpected": _levels(None, "0"),
    "kernel.errors": _levels("0", None),
    "oom.kills": _levels("0", None),
    "apps.crashes": _levels("0", "5"),
    "reboot.pending_days": _levels("7", None),
    "av.signature_age_days": _levels("3", "7"),
    "updates.age_days": _levels("35", "60"),
    "printer.supply_pct": _levels("20:", "10:"),
    "printer.restarts": _levels("0", "2"),  # like boot.unexpected: WARN at 1, CRIT at 3 in the window
    "printer.new_jams": _levels("0", None),
}


@dataclass(frozen=True)
class Thresholds:
    """The effective thresholds for one host: defaults overlaid with overrides."""

    overrides: Mapping[str, Levels] = field(default_factory=dict)

    def levels(self, name: str, item: str | None = None) -> Levels:
        if item is not None and f"{name}:{item}" in self.overrides:
            return self.overrides[f"{name}:{item}"]
        if name in self.overrides:
            return self.overrides[name]
        try:
            return DEFAULTS[name]
        except KeyError:
            raise KeyError(f"no default thresholds for {name!r}") from None

    def overlay(self, more: Mapping[str, Levels]) -> Thresholds:
        merged = dict(self.overrides)
        merged.update(more)
        return Thresholds(merged)


def known_threshold(name: str) -> bool:
    """Whether `name` (optionally `name:item`) names a threshold fleetcheck uses."""
    return name.split(":", 1)[0] in DEFAULTS
