"""Read-only dict and list for values kept in results (a host's facts).

A result is not changed after it is built: front ends, the history store and
reports all read the same object, some from other threads. These are plain
dict and list subclasses, so `isinstance(x, dict)`, `json.dumps` and equality
with ordinary dicts and lists keep working; every mutating method raises.
"""

from __future__ import annotations

from typing import Any, NoReturn


def _refuse(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(f"{type(self).__name__} is read-only: results are not changed after they are built")


class FrozenDict(dict[str, Any]):
    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _refuse

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        return (dict, (dict(self),))  # a copy or unpickled value is an ordinary dict again

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("unhashable type: 'FrozenDict'")


class FrozenList(list[Any]):
    __setitem__ = __delitem__ = append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[type[list[Any]], tuple[list[Any]]]:
        return (list, (list(self),))


def freeze(value: Any) -> Any:
    """`value` with every dict and list in it (at any depth) made read-only."""
    if isinstance(value, dict):
        return FrozenDict((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple) and not isinstance(value, FrozenList):
        return FrozenList(freeze(v) for v in value)
    return value
