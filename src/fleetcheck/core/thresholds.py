"""Default thresholds and their per-host/per-tag overrides.

Threshold names are dotted (`fs.used_pct`); an override may target one item
with `name:item` (`fs.used_pct:/var`), which wins over the plain name. The defaults
are declared by each check family beside its code and collected by core/catalog.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fleetcheck.core.family import Levels as Levels


def defaults() -> Mapping[str, Levels]:
    """Every default threshold by name, read from the catalog (each family declares its own
    beside its check). Imported late: the check modules import this module."""
    from fleetcheck.core.catalog import default_thresholds

    return default_thresholds()


def __getattr__(name: str) -> Mapping[str, Levels]:
    # `DEFAULTS` stays importable as before, built from the catalog on first use.
    if name == "DEFAULTS":
        return defaults()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
            return defaults()[name]
        except KeyError:
            raise KeyError(f"no default thresholds for {name!r}") from None

    def overlay(self, more: Mapping[str, Levels]) -> Thresholds:
        merged = dict(self.overrides)
        merged.update(more)
        return Thresholds(merged)


def known_threshold(name: str) -> bool:
    """Whether `name` (optionally `name:item`) names a threshold fleetcheck uses."""
    return name.split(":", 1)[0] in defaults()
