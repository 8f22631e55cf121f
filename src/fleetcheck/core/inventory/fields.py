"""Typed values from YAML scalar nodes, each failing with the node's position.

Values are read from the scalar's text, not from PyYAML's YAML 1.1 typing,
so `10:20` stays the text it looks like (YAML 1.1 would make it 620).
"""

from __future__ import annotations

import math
import os
import re

from yaml.nodes import Node, ScalarNode

from fleetcheck.core.inventory.model import SecretRef
from fleetcheck.core.inventory.yamlsrc import describe, fail, mapping, sequence

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"

_TRUE = {"yes", "true", "on", "y"}
_FALSE = {"no", "false", "off", "n"}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def text(label: str, node: Node, path: str, what: str = "a text") -> str:
    """Any non-empty scalar, as written (so `name: 0815` stays '0815')."""
    if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    value = str(node.value).strip()
    if not value:
        fail(label, node, path, f"must be {what}, got an empty text")
    if "\n" in value or "\r" in value:
        fail(label, node, path, f"must be {what} on one line")
    return value


def notes(label: str, node: Node, path: str) -> str:
    """Free text; several lines allowed."""
    if not isinstance(node, ScalarNode):
        fail(label, node, path, f"must be a text, got {describe(node)}")
    return "" if node.tag == "tag:yaml.org,2002:null" else str(node.value).strip()


def integer(label: str, node: Node, path: str, low: int, high: int, what: str) -> int:
    raw = str(node.value) if isinstance(node, ScalarNode) else ""
    if not (isinstance(node, ScalarNode) and node.tag == INT_TAG and re.fullmatch(r"\+?\d+", raw)):
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    value = int(raw)
    if not low <= value <= high:
        fail(label, node, path, f"must be {what}, got {value}")
    return value


def port(label: str, node: Node, path: str) -> int:
    return integer(label, node, path, 1, 65535, "an integer 1-65535")


def seconds(label: str, node: Node, path: str) -> float:
    """A positive duration in seconds (`30`, `2.5`)."""
    what = "a number of seconds greater than 0"
    if not (isinstance(node, ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG)):
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    try:
        value = float(str(node.value).replace("_", ""))
    except ValueError:
        fail(label, node, path, f"must be {what}, got {describe(node)}")
    if not (math.isfinite(value) and value > 0):
        fail(label, node, path, f"must be {what}, got {node.value}")
    return value


def boolean(label: str, node: Node, path: str) -> bool:
    raw = str(node.value).lower() if isinstance(node, ScalarNode) else ""
    if isinstance(node, ScalarNode) and node.tag == BOOL_TAG and raw in _TRUE | _FALSE:
        return raw in _TRUE
    fail(label, node, path, f"must be true or false, got {describe(node)}")


def file_path(label: str, node: Node, path: str) -> str:
    """A local file path; `~` expands to the home directory."""
    return os.path.expanduser(text(label, node, path, "a file path"))


def text_list(label: str, node: Node, path: str, what: str) -> tuple[str, ...]:
    """A list of names (`[a, b]`); a single name is accepted as a list of one."""
    if isinstance(node, ScalarNode):
        return (text(label, node, path, what),)
    items = sequence(label, node, path, f"a list of {what}s")
    return tuple(text(label, item, f"{path}[{i}]", what) for i, item in enumerate(items))


def secret_ref(label: str, node: Node, path: str) -> SecretRef:
    """`{env: VAR}` or `{keyring: ENTRY}`; an inline password is refused, never echoed."""
    if isinstance(node, ScalarNode):
        fail(label, node, path,
             "passwords are accepted only by reference, not inline: write `password: {env: VARIABLE}` "
             "(an environment variable) or `password: {keyring: ENTRY}` (a keyring entry)")
    fields = mapping(label, node, path, ("env", "keyring"), "{env: VARIABLE} or {keyring: ENTRY}")
    if len(fields) != 1:
        fail(label, node, path, "give exactly one of env or keyring")
    (key, (_k, value)), = fields.items()
    name = text(label, value, f"{path}.{key}", "a name")
    if key == "env" and not _ENV_NAME.match(name):  # may be a pasted secret: not echoed
        fail(label, value, f"{path}.env", "must be an environment variable name (letters, digits, '_')")
    return SecretRef(env=name) if key == "env" else SecretRef(keyring=name)
