"""Threshold overrides from an inventory, and their resolution per host.

Layers apply in order (lowest first): built-in defaults (the catalog), then the
inventory's top-level `thresholds`, `defaults.thresholds`, each of the
host's tags in the host's tag order, and finally the host's own
`thresholds`. A layer may set only `warn` or only `crit`; the other side
falls through from the layer underneath. `name:item` overrides start from
the fully resolved plain `name` and win over it, as `Thresholds.levels` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from yaml.nodes import Node, ScalarNode

from fleetcheck.core.inventory.fields import FLOAT_TAG, INT_TAG, STR_TAG
from fleetcheck.core.inventory.yamlsrc import describe, did_you_mean, fail, free_mapping, mapping
from fleetcheck.core.ranges import Range, RangeError
from fleetcheck.core.thresholds import Levels, Thresholds, defaults

RANGE_WHAT = "a Nagios range like 80, \"20:\", \"~:5\" or \"@10:20\""


@dataclass(frozen=True, slots=True)
class Override:
    """One layer's setting for one threshold; None means "not set here"."""

    warn: Range | None
    crit: Range | None


# (source, overrides) with source "inventory", "tag:NAME" or "host"
Layer = tuple[str, Mapping[str, Override]]


def parse_range(label: str, node: Node, path: str) -> Range:
    if not (isinstance(node, ScalarNode) and node.tag in (STR_TAG, INT_TAG, FLOAT_TAG)):
        fail(label, node, path, f"must be {RANGE_WHAT}, got {describe(node)}")
    try:
        return Range.parse(str(node.value))
    except RangeError as exc:
        fail(label, node, path, f"{exc}; expected {RANGE_WHAT}")


def _check_name(label: str, key: Node, path: str, name: str) -> None:
    base, _, item = name.partition(":")
    if base not in defaults():
        fail(label, key, path, f"unknown threshold {base!r}{did_you_mean(base, defaults())}; "
             f"known thresholds: {', '.join(sorted(defaults()))}")
    if ":" in name and not item.strip():
        fail(label, key, path, f"empty item after ':' in {name!r} (write {base}:ITEM, e.g. fs.used_pct:/var)")


def parse_thresholds(label: str, node: Node, path: str) -> dict[str, Override]:
    """`{name[:item]: {warn: RANGE, crit: RANGE}}` -> overrides, validated."""
    out: dict[str, Override] = {}
    what = "a mapping of threshold names to {warn: RANGE, crit: RANGE}"
    for name, (key, value) in free_mapping(label, node, path, what).items():
        here = f"{path}[{name}]"
        _check_name(label, key, here, name)
        sides = mapping(label, value, here, ("warn", "crit"), "{warn: RANGE, crit: RANGE}")
        if not sides:
            fail(label, value, here, "give warn, crit or both")
        warn = parse_range(label, sides["warn"][1], f"{here}.warn") if "warn" in sides else None
        crit = parse_range(label, sides["crit"][1], f"{here}.crit") if "crit" in sides else None
        out[name] = Override(warn, crit)
    return out


def _fold(start: Levels, name: str, layers: Sequence[Layer]) -> Levels | None:
    """`start` with every layer's override of `name` applied; None if no layer sets it."""
    levels, touched = start, False
    for source, overrides in layers:
        ov = overrides.get(name)
        if ov is None:
            continue
        touched = True
        levels = Levels(
            ov.warn if ov.warn is not None else levels.warn,
            ov.crit if ov.crit is not None else levels.crit,
            source,
        )
    return levels if touched else None


def resolve(layers: Sequence[Layer]) -> Thresholds:
    """The effective thresholds of one host: only names some layer overrides are stored."""
    names = sorted({name for _, overrides in layers for name in overrides})
    resolved: dict[str, Levels] = {}
    for name in (n for n in names if ":" not in n):
        folded = _fold(defaults()[name], name, layers)
        if folded is not None:
            resolved[name] = folded
    for name in (n for n in names if ":" in n):
        base = name.split(":", 1)[0]
        folded = _fold(resolved.get(base, defaults()[base]), name, layers)
        if folded is not None:
            resolved[name] = folded
    return Thresholds(resolved)
