"""Which collector serves which host kind, imported only when a scan needs it.

A scan of `inventories/local.yaml` must not pay for paramiko or SNMP
libraries, so a collector module is imported only when the inventory has
hosts of one of its kinds. A module that is not there (not written yet, or
its library is missing) leaves its kinds without a collector; the engine then
reports those hosts as not checked, with the reason recorded here.
Which collector serves which kind is declared in core/kinds.py.

A collector class is built with `cls.from_options(options)` (its typed part of
`CollectorOptions`) when it defines that class method, else with `cls()`; one
instance serves all its kinds.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from fleetcheck.core.collectors.base import Collector
from fleetcheck.core.collectors.options import CollectorOptions
from fleetcheck.core.i18n import Message, msg
from fleetcheck.core.kinds import HOST_KINDS, KINDS

__all__ = ["COLLECTORS", "CollectorOptions", "build_collectors", "close_collectors"]

# kind -> (module, class), from the kind registry (core/kinds.py)
COLLECTORS: dict[str, tuple[str, str]] = {
    k.name: (k.collector.split(":")[0], k.collector.split(":")[1]) for k in KINDS.values() if k.collector
}


def _load(module: str, name: str) -> tuple[type[Any] | None, Message | None]:
    """The collector class, or None and why it is not available."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None, None  # not part of this version: the engine's default reason fits
        return None, msg("engine.unloadable", error=str(exc))
    except ImportError as exc:
        return None, msg("engine.unloadable", error=str(exc))
    cls = getattr(mod, name, None)
    if cls is None:
        return None, None
    return cls, None


def build_collectors(options: CollectorOptions | None = None, kinds: Iterable[str] | None = None,
                     unavailable: dict[str, Message] | None = None) -> dict[str, Collector]:
    """{kind: collector} for `kinds` (default: every kind fleetcheck knows).

    Kinds left without a collector are missing from the result; when the
    reason is more specific than "no collector for this kind" (a library
    failed to import) it is put into `unavailable` for the engine to report.
    """
    opts = options or CollectorOptions()
    wanted = HOST_KINDS if kinds is None else tuple(dict.fromkeys(kinds))
    built: dict[tuple[str, str], Collector | None] = {}
    out: dict[str, Collector] = {}
    for kind in wanted:
        target = COLLECTORS.get(kind)
        if target is None:
            continue
        if target not in built:
            cls, why = _load(*target)
            instance: Collector | None = None
            if cls is not None:
                factory = getattr(cls, "from_options", None)
                instance = factory(opts) if callable(factory) else cls()
            elif why is not None and unavailable is not None:
                for k, t in COLLECTORS.items():
                    if t == target:
                        unavailable[k] = why
            built[target] = instance
        collector = built[target]
        if collector is not None:
            out[kind] = collector
    return out


async def close_collectors(collectors: dict[str, Collector]) -> None:
    """Close each distinct collector once (several kinds share one)."""
    seen: set[int] = set()
    for collector in collectors.values():
        if id(collector) in seen:
            continue
        seen.add(id(collector))
        await collector.close()
