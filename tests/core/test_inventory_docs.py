"""docs/inventory.md is the user-facing contract: it must match what the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

from fleetcheck.core.inventory import load_inventory
from fleetcheck.core.inventory.document import DEFAULTS_KEYS, TOP_KEYS
from fleetcheck.core.inventory.hosts import HOST_KEYS
from fleetcheck.core.inventory.settings import IPP_KEYS, SNMP_KEYS
from fleetcheck.core.thresholds import DEFAULTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "inventory.md").read_text(encoding="utf-8")


def table_rows(heading: str, index: int = 0) -> dict[str, list[str]]:
    """Rows of the `index`-th table under `heading`, keyed by their first cell (backticks stripped)."""
    section = DOC.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    tables = re.findall(r"(?m)^(?:\|.*\n)+", section)
    rows: dict[str, list[str]] = {}
    for line in tables[index].splitlines()[2:]:  # skip the header and the ---- line
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_every_threshold_documented_with_its_defaults() -> None:
    rows = table_rows("### Threshold names and defaults")
    assert set(rows) == set(DEFAULTS)
    for name, levels in DEFAULTS.items():
        warn = levels.warn.text if levels.warn else "–"
        crit = levels.crit.text if levels.crit else "–"
        assert rows[name][:2] == [warn, crit], name


def test_every_key_documented() -> None:
    assert set(table_rows("## Top level")) == set(TOP_KEYS)
    assert set(table_rows("## Hosts")) == set(HOST_KEYS)
    assert set(table_rows("### `snmp` and `ipp`", 0)) == set(SNMP_KEYS)
    assert set(table_rows("### `snmp` and `ipp`", 1)) == set(IPP_KEYS)
    for key in DEFAULTS_KEYS:
        assert f"`{key}`" in DOC.split("### `defaults`", 1)[1].split("###", 1)[0]


def test_documented_minimal_example_loads(tmp_path: Path) -> None:
    example = DOC.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "minimal.yaml"
    path.write_text(example, encoding="utf-8")
    assert [h.name for h in load_inventory([path]).hosts] == ["empfang-pc", "drucker-og"]
