"""A host's result kept as bytes once its scan has ended (no Textual here).

Why: a full garbage collection walks every container object alive, and a
result is dozens of them (checks, metrics, evidence, tuples; ~25 per host in
bench/tui_2000.py, over 100 with a real probe's 27 checks). At 10,000 hosts
that walk took 130 ms or more, a stall the user feels; as bytes a result is
one object the collector never looks into. The table needs only a few facts
of each result (state, worst finding, counts), which HostEntry keeps apart;
the detail screen and a report unpack the few or all results they show.

The bytes are made here, from our own objects, and read back only here: they
never come from outside the process.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from types import MappingProxyType
from typing import Any

from fleetcheck.core.frozen import FrozenDict, FrozenList, freeze
from fleetcheck.core.results import HostResult


def _proxy(d: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(d)


def _reduce_proxy(m: MappingProxyType[str, Any]) -> tuple[Any, tuple[Any, ...]]:
    return _proxy, (dict(m),)


def _reduce_frozen(value: FrozenDict | FrozenList) -> tuple[Any, tuple[Any, ...]]:
    """Read-only facts come back read-only (their own pickling makes plain dicts and lists)."""
    return freeze, (dict(value) if isinstance(value, dict) else list(value),)


_TABLE: dict[type, Any] = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy,
                           FrozenDict: _reduce_frozen, FrozenList: _reduce_frozen}


def pack(result: HostResult) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(result)
    return buf.getvalue()


def unpack(data: bytes) -> HostResult:
    result = pickle.loads(data)  # our own bytes, made by pack() in this process
    assert isinstance(result, HostResult)
    return result
