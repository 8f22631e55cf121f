"""The host table's rows, without Textual: which hosts are shown, in which order.

The store keeps each shown host's sort key and the order of the rows. Live
updates only record what changed; `settle()` then re-sorts once (a nearly
sorted list: Timsort runs in about linear time) and reports which rows moved
or changed, so the widget repaints only those of them that are on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fleetcheck.tui.fleet import HostEntry

SortKey = Callable[[HostEntry], Any]


@dataclass
class Settled:
    """What one `settle()` changed."""

    reordered: bool = False
    resized: bool = False  # rows were added or removed
    changed: set[str] = field(default_factory=set)  # rows whose content changed


class RowStore:
    def __init__(self, sort_key: SortKey) -> None:
        self.sort_key = sort_key
        self.order: list[str] = []
        self.entries: dict[str, HostEntry] = {}
        self._keys: dict[str, Any] = {}
        self._unsorted = False
        self._resized = False
        self._changed: set[str] = set()

    def __len__(self) -> int:
        return len(self.order)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def replace(self, entries: Iterable[HostEntry], sort_key: SortKey | None = None) -> None:
        """Show exactly these hosts."""
        if sort_key is not None:
            self.sort_key = sort_key
        key = self.sort_key
        self.entries = {e.key: e for e in entries}
        self._keys = {name: key(e) for name, e in self.entries.items()}
        self.order = list(self.entries)
        self._unsorted = self._resized = True
        self._changed.clear()

    def put(self, entry: HostEntry) -> None:
        """Add the host, or note that its result changed."""
        name = entry.key
        key = self.sort_key(entry)
        if name not in self.entries:
            self.entries[name] = entry
            self.order.append(name)
            self._resized = True
            self._unsorted = True
        elif self._keys[name] != key:
            self._unsorted = True
        self.entries[name] = entry
        self._keys[name] = key
        self._changed.add(name)

    def remove(self, names: Iterable[str]) -> None:
        gone = {n for n in names if n in self.entries}
        if not gone:
            return
        for name in gone:
            del self.entries[name]
            del self._keys[name]
            self._changed.discard(name)
        self.order = [n for n in self.order if n not in gone]  # one pass, not one per row
        self._resized = True

    def resort(self, sort_key: SortKey) -> None:
        self.sort_key = sort_key
        self._keys = {name: sort_key(e) for name, e in self.entries.items()}
        self._unsorted = True

    def touch(self, names: Iterable[str]) -> None:
        """Mark rows as changed without a new result (ages, styles)."""
        self._changed.update(n for n in names if n in self.entries)

    def settle(self) -> Settled:
        """Apply pending re-sorting; say what changed since the last call."""
        out = Settled(resized=self._resized, changed=self._changed)
        if self._unsorted:
            before = self.order[:]
            self.order.sort(key=self._keys.__getitem__)
            out.reordered = before != self.order
        self._unsorted = self._resized = False
        self._changed = set()
        return out
