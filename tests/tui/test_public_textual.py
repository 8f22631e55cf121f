"""The dashboard uses Textual's public API only.

A renamed private attribute in a Textual release must not become a crash for
the next user who installs: no `textual._x` import, no `obj._x` access to a
name fleetcheck does not define itself, and no private name of ours that
shadows one of the Textual classes we subclass (overriding an internal by
accident).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import textual

import fleetcheck.tui

TUI = Path(fleetcheck.tui.__file__).parent


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(TUI.parent)), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(TUI.rglob("*.py"))]


def _defined(tree: ast.AST) -> set[str]:
    """Private names a piece of our code defines: functions, classes, attributes it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and _private(node.name):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _private(node.attr):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and _private(node.id):
            names.add(node.id)
    return names


def test_no_private_textual_module_or_name_is_imported() -> None:
    bad = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "textual":
                parts = (node.module or "").split(".") + [a.name for a in node.names]
                bad += [f"{path}:{node.lineno} {node.module}" for p in parts if _private(p)]
            elif isinstance(node, ast.Import):
                bad += [f"{path}:{node.lineno} {a.name}" for a in node.names
                        if a.name.split(".")[0] == "textual" and any(map(_private, a.name.split(".")))]
    assert bad == []


def test_every_private_attribute_used_is_our_own() -> None:
    modules = _modules()
    own = set().union(*(_defined(tree) for _, tree in modules))
    foreign = [f"{path}:{node.lineno} .{node.attr}" for path, tree in modules for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own]
    assert foreign == []


def test_no_private_name_of_ours_shadows_textual() -> None:
    clashes = []
    for path, tree in _modules():
        module = importlib.import_module("fleetcheck." + path.removesuffix(".py").replace("/", "."))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(module, node.name)
            bases = [b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"]
            theirs: set[str] = set()
            for base in bases:
                theirs.update(re.findall(r"\b_[A-Za-z]\w*", inspect.getsource(base)))
            clashes += [f"{path}: {node.name}.{name}" for name in sorted(_defined(node) & theirs)]
    assert clashes == []


def test_the_checks_see_textual_classes() -> None:
    """Guard against a vacuous pass: the table really subclasses a Textual class we can read."""
    from fleetcheck.tui.widgets.host_table import HostTable
    assert any(b.__module__.startswith("textual.") for b in HostTable.__mro__)
    assert Path(inspect.getfile(textual)).exists()
