"""Reading YAML as position-carrying nodes, and reporting errors at them.

The loader builds everything from `yaml.compose` nodes (never from
`safe_load`) so each error can name `file:line:column` of the offending
value. Positions are 1-based; field paths look like `hosts[3].port`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fleetcheck.core.errors import InventoryError

NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"

FAST_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)

# Bounds on what a small hostile file can make the loader do (like YAML anchors' "billion laughs"):
MAX_DEPTH = 64  # nesting of lists/mappings; an inventory needs about 6
MERGE_LIMIT = 10_000  # mappings visited plus keys produced by '<<' merges for one mapping

# YAML reserves '@' and a trailing ':' ; both occur in Nagios ranges.
_RANGE_HINT = ' (Nagios ranges such as "20:" or "@10:20" must be quoted in YAML)'


def position(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def fail(label: str, node: Node, path: str, message: str) -> NoReturn:
    line, col = position(node)
    where = f"{path}: " if path else ""
    raise InventoryError(f"{label}:{line}:{col}: {where}{message}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(node: Node) -> str:
    """The offending value as a user sees it, for `got ...` in messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing (null)"
    text = str(node.value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text) if node.tag == "tag:yaml.org,2002:str" else text


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def compose(label: str, text: str) -> Node | None:
    """Parse `text` into a node tree; a YAML syntax error becomes one InventoryError line."""
    if FAST_LOADER is not None:
        try:  # libyaml composes 4x faster; same nodes and marks
            return yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:
            pass  # re-parse below for the pure-Python parser's clearer, stable messages
    try:
        _check_depth(label, text)  # the pure-Python composer recurses once per level
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if exc.context and exc.problem and exc.context_mark is not None:
            problem += f" ({exc.context} starting at line {exc.context_mark.line + 1})"
        if "mapping values are not allowed" in problem or "'@'" in problem or "expected ','" in problem:
            problem += _RANGE_HINT
        elif "'\\t'" in problem:
            problem += " (indent YAML with spaces, not tabs)"
        elif "expected <block end>" in problem:
            problem += " (check the indentation)"
        raise InventoryError(f"{label}:{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        raise InventoryError(f"{label}: YAML error: {' '.join(str(exc).split())}") from None


def _check_depth(label: str, text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, at its line (the event parser does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1:1"
                raise InventoryError(f"{label}:{where}: lists and mappings are nested more than "
                                     f"{MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _key_text(label: str, key: Node, path: str) -> str:
    if not isinstance(key, ScalarNode) or key.tag == NULL_TAG:
        fail(label, key, path, f"keys must be plain names, got {describe(key)}")
    return str(key.value)


def _merged_pairs(label: str, node: MappingNode, path: str, outer: tuple[int, ...] = (),
                  budget: list[int] | None = None) -> list[tuple[Node, Node]]:
    """Pairs of `node` with YAML merge keys (`<<: *anchor`) applied, explicit keys last (they win).

    Bounded: nested merges (`<<: [*m, *m, ...]` at every level) grow exponentially, so more
    than MERGE_LIMIT mappings visited or keys produced is an error at the merge key.
    """
    budget = budget if budget is not None else [MERGE_LIMIT]
    merged: list[tuple[Node, Node]] = []
    own: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag != MERGE_TAG:
            own.append((key, value))
            continue
        sources = value.value if isinstance(value, SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, MappingNode):
                fail(label, source, path, "'<<' must merge a mapping (an anchor like *defaults)")
            if id(source) in (*outer, id(node)):
                fail(label, key, path, "'<<' merges a mapping into itself")
            budget[0] -= 1 + len(source.value)
            if budget[0] < 0:
                fail(label, key, path, f"'<<' merges expand to more than {MERGE_LIMIT} keys and mappings "
                     "(merge keys nested inside merged mappings)")
            merged.extend(_merged_pairs(label, source, path, (*outer, id(node)), budget))
    return merged + own


def mapping(
    label: str, node: Node, path: str, allowed: Iterable[str], what: str = "a mapping"
) -> dict[str, tuple[Node, Node]]:
    """The key -> (key node, value node) pairs of a mapping, rejecting duplicate and unknown keys."""
    if not isinstance(node, MappingNode):
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    allowed = tuple(allowed)
    seen: dict[str, Node] = {}
    for key, _ in node.value:  # duplicates among the keys written here (merged ones may repeat)
        if key.tag == MERGE_TAG:
            continue
        name = _key_text(label, key, path)
        if name in seen:
            line, _col = position(seen[name])
            fail(label, key, _join(path, name), f"duplicate key (first given at line {line})")
        seen[name] = key
    out: dict[str, tuple[Node, Node]] = {}
    for key, value in _merged_pairs(label, node, path):
        name = _key_text(label, key, path)
        if name not in allowed:
            fail(label, key, _join(path, name),
                 f"unknown key{did_you_mean(name, allowed)}; allowed here: {', '.join(allowed)}")
        out[name] = (key, value)
    return out


def free_mapping(label: str, node: Node, path: str, what: str) -> dict[str, tuple[Node, Node]]:
    """Like `mapping`, for mappings whose keys are user-chosen names (tags, thresholds)."""
    if not isinstance(node, MappingNode):
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    out: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            fail(label, key, path, "'<<' merge keys are not supported here")
        name = _key_text(label, key, path)
        if name in out:
            line, _col = position(out[name][0])
            fail(label, key, f"{path}[{name}]", f"duplicate key (first given at line {line})")
        out[name] = (key, value)
    return out


def sequence(label: str, node: Node, path: str, what: str = "a list") -> list[Node]:
    if not isinstance(node, SequenceNode):
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    return list(node.value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
