"""One check family's declaration: what the catalog (core/catalog.py) knows about it.

Each check module declares its families beside its code; this module only holds the
shape, so it imports nothing above `ranges` and any module can use it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from fleetcheck.core.ranges import Range


@dataclass(frozen=True, slots=True)
class Levels:
    warn: Range | None
    crit: Range | None
    source: str = "default"  # default | inventory | tag:<name> | host


def levels(warn: str | None, crit: str | None) -> Levels:
    """Default levels from Nagios range strings; None means that level is not set."""
    return Levels(
        Range.parse(warn) if warn is not None else None,
        Range.parse(crit) if crit is not None else None,
    )


class Category(StrEnum):
    """What a finding of the family means to a reader; reports group by it."""

    CRASH = "crash"  # something happened: a crash, an unexpected restart, logged errors
    FAILURE = "failure"  # something is broken or switched off now
    CAPACITY = "capacity"  # something runs full or out: space, memory, load, toner


# Host kinds (core/kinds.py) a family applies to, as shorthands for the declarations.
POSIX_KINDS = frozenset({"local", "linux", "macos", "printserver"})
LINUX_KINDS = frozenset({"local", "linux", "printserver"})
MACOS_KINDS = frozenset({"local", "macos"})
WINDOWS_KINDS = frozenset({"windows", "printserver"})  # a print server may run Windows (`os: windows`)
PRINTER_KINDS = frozenset({"printer"})
COMPUTER_KINDS = POSIX_KINDS | WINDOWS_KINDS
ALL_KINDS = COMPUTER_KINDS | PRINTER_KINDS


@dataclass(frozen=True, slots=True)
class Family:
    """A check family: the part of a check id before `:` (`fs.used` of `fs.used:/var`)."""

    id: str
    title_en: str
    title_de: str
    category: Category
    kinds: frozenset[str]
    # Default thresholds this family is judged by, by threshold name (`fs.used_pct`).
    thresholds: Mapping[str, Levels] = field(default_factory=lambda: MappingProxyType({}))
    # Host-level findings (why nothing could be checked) cannot be skipped in the inventory.
    skippable: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en
