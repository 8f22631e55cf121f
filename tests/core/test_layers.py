"""The layer order: data flows one way, no module imports from a layer above its own.

Every `import` in `src/fleetcheck` (also inside functions: a lazy import is still a
dependency) is read with `ast` and its layer compared with the importer's. Modules of
the same layer may import each other unless the pair is listed in SEPARATE (siblings
that must stay independent, e.g. the SSH transport and the probes it runs).
A new package under `fleetcheck/` needs a line in LAYERS: decide where it sits.
A module imported by a computed name (`importlib.import_module(name)`) is an edge
this test cannot see: inside the core that is refused (DECLARED_BY_NAME lists the
one registry allowed, whose names are declared data checked here as edges).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fleetcheck.core.kinds import KINDS

SRC = Path(__file__).resolve().parents[2] / "src"

# Bottom first. A module belongs to the longest prefix that matches it.
LAYERS: list[tuple[str, ...]] = [
    ("fleetcheck", "fleetcheck.core"),  # package roots: the version
    ("fleetcheck.core.states", "fleetcheck.core.family", "fleetcheck.core.ranges", "fleetcheck.core.errors",
     "fleetcheck.core.results", "fleetcheck.core.kinds", "fleetcheck.core.counts", "fleetcheck.core.i18n",
     "fleetcheck.core.frozen"),
    # the checks, their thresholds, and the catalog that imports every check module by name
    ("fleetcheck.core.checks", "fleetcheck.core.thresholds", "fleetcheck.core.catalog"),
    ("fleetcheck.core.inventory", "fleetcheck.core.skips"),  # validate names against the catalog
    ("fleetcheck.core.contracts",),
    ("fleetcheck.core.probes", "fleetcheck.core.ssh",  # transports and probes, side by side
     "fleetcheck.core.snmp", "fleetcheck.core.ipp"),
    ("fleetcheck.core.collectors",),
    ("fleetcheck.core.events", "fleetcheck.core.engine"),
    ("fleetcheck.store",),  # history behind one interface; SQL only inside its backends
    ("fleetcheck.core.session",),
    ("fleetcheck.importers",),  # Ansible / ssh config → inventory text, checked by core.inventory
    ("fleetcheck.report",),  # reports: a front end over results and the store, used by the CLI and TUI
    ("fleetcheck.tui",),  # the dashboard's state, screens and widgets: never import the app (#7 §6)
    ("fleetcheck.tui.app", "fleetcheck.tui.central_app",  # the apps wire the screens (central: on the store)
     "fleetcheck.tui.keys"),  # keys lists all bindings
    ("fleetcheck.cli", "fleetcheck.__main__"),
]
# (importer prefix, imported prefix): same layer, but must not depend on each other.
_TRANSPORTS = ("fleetcheck.core.ssh", "fleetcheck.core.snmp", "fleetcheck.core.ipp")
SEPARATE = [
    ("fleetcheck.core.ssh", "fleetcheck.core.probes"),
    ("fleetcheck.core.probes", "fleetcheck.core.ssh"),
    *((a, b) for a in _TRANSPORTS for b in _TRANSPORTS if a != b),  # each transport stands alone
]
# Known upward imports, each to be removed by the change named (never add one without a reason).
PENDING: list[tuple[str, str]] = []
# Headless code never loads the terminal UI toolkits.
FORBIDDEN_THIRD_PARTY = {"fleetcheck.core": ("textual", "rich"), "fleetcheck.report": ("textual", "rich")}


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    return None if best is None else best[0]


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "fleetcheck").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


# Imports by a computed name hide their edge from this test; inside the core only these
# may do it, and only of the modules they declare (checked below as if imported).
DECLARED_BY_NAME = {
    # a scan of the local machine must not load paramiko: collectors are loaded by the names
    # core/kinds.py declares for them (tests swap in their own collectors the same way)
    "fleetcheck.core.collectors.registry": lambda: [k.collector.split(":")[0] for k in KINDS.values()
                                                    if k.collector],
}
COMPUTED = "computed import"


def _import_call(node: ast.Call) -> ast.expr | None:
    """The name argument of importlib.import_module(...) / import_module(...) / __import__(...)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in ("import_module", "__import__") and node.args:
        return node.args[0]
    return None


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (arg := _import_call(node)) is not None:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((node.lineno, arg.value))  # a literal name is an edge like any import
            elif module in DECLARED_BY_NAME:
                found += [(node.lineno, name) for name in DECLARED_BY_NAME[module]()]
            else:
                found.append((node.lineno, COMPUTED))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the submodule when there is one
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names] or [(node.lineno, base)]
    return found


def _resolve(name: str, known: dict[str, Path]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def violations(modules: dict[str, Path]) -> list[str]:
    bad: list[str] = []
    for module, path in modules.items():
        mine = _layer(module)
        for line, raw in _imports(module, path):
            where = f"{path.relative_to(SRC) if path.is_relative_to(SRC) else path}:{line}"
            for scope, banned in FORBIDDEN_THIRD_PARTY.items():
                if module.startswith(scope) and raw.split(".")[0] in banned:
                    bad.append(f"{where}: {module} imports {raw} (UI toolkit in headless code)")
            if raw == COMPUTED:
                if module.startswith("fleetcheck.core"):
                    bad.append(f"{where}: {module} imports a module by a computed name, an edge this "
                               "test cannot see: import it by name")
                continue
            if not raw.startswith("fleetcheck"):
                continue
            target = _resolve(raw, modules)
            theirs = _layer(target)
            if mine is None or theirs is None:
                continue  # reported by test_every_module_has_a_layer
            if any(module.startswith(a) and target.startswith(b) for a, b in PENDING):
                continue
            if theirs > mine:
                bad.append(f"{where}: {module} imports {target}, a layer above it")
            elif any(module.startswith(a) and target.startswith(b) for a, b in SEPARATE):
                bad.append(f"{where}: {module} imports {target}; these layers stay independent")
    return list(dict.fromkeys(bad))


def test_every_module_has_a_layer() -> None:
    missing = [m for m in _modules() if _layer(m) is None]
    assert missing == [], f"add these to LAYERS in {Path(__file__).name}: {missing}"


def test_no_import_runs_up_a_layer() -> None:
    assert violations(_modules()) == []


@pytest.mark.parametrize(("importer", "source"), [
    ("fleetcheck.core.ssh.fake", "from fleetcheck.core.collectors.base import Collector\n"),
    ("fleetcheck.core.checks.fake", "from fleetcheck.core.probes.posix import sections\n"),
    ("fleetcheck.core.engine", "def f():\n    from fleetcheck.tui import app\n"),
    ("fleetcheck.core.ssh.fake", "from ..probes.posix.probe import PROBE\n"),
    ("fleetcheck.core.results", "import textual\n"),
    ("fleetcheck.tui.screens.fake", "from fleetcheck.tui.app import FleetcheckApp\n"),
    ("fleetcheck.core.snmp.fake", "from fleetcheck.core.ssh.connect import Connector\n"),
    ("fleetcheck.core.catalog", "import importlib\ndef f(n):\n    return importlib.import_module(n)\n"),
    ("fleetcheck.core.thresholds", "from importlib import import_module\nm = import_module(f'x.{y}')\n"),
    ("fleetcheck.core.checks.fake", "m = __import__('fleetcheck.core.probes.posix.probe')\n"),
    ("fleetcheck.core.checks.fake", "import importlib\nimportlib.import_module('fleetcheck.core.engine')\n"),
])
def test_an_upward_import_is_caught(tmp_path: Path, importer: str, source: str) -> None:
    """The checker itself: each of these lines breaks the order and must be reported."""
    modules = _modules()
    fake = tmp_path / "fake.py"
    fake.write_text(source, encoding="utf-8")
    modules = {**{k: v for k, v in modules.items() if k != importer}, importer: fake}
    found = [v for v in violations(modules) if importer in v]
    assert len(found) == 1, found
