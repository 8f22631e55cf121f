"""The check catalog (core/catalog.py): one entry per family, docs/checks.md generated from it,
thresholds and skip patterns read from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fleetcheck.cli.main import main
from fleetcheck.core import catalog
from fleetcheck.core.family import Category
from fleetcheck.core.kinds import HOST_KINDS
from fleetcheck.core.thresholds import Thresholds, defaults, known_threshold

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "checks.md"


def test_docs_checks_md_table_is_the_catalog():
    text = DOC.read_text(encoding="utf-8")
    assert catalog.with_table(text) == text, "docs/checks.md is stale: run python dev/gen_checks_doc.py"


def test_a_family_missing_from_the_doc_is_noticed():
    text = DOC.read_text(encoding="utf-8")
    stale = text.replace("| `printer.restarts` |", "| `printer.restart` |")
    assert stale != text and catalog.with_table(stale) != stale


def test_every_entry_is_complete():
    for fam in catalog.families().values():
        assert fam.title_en and fam.title_de and fam.title_en != fam.id
        assert isinstance(fam.category, Category)
        assert fam.kinds and fam.kinds <= set(HOST_KINDS), fam.id


def test_german_titles_are_the_ones_a_customer_reads():
    fams = catalog.families()
    assert fams["fs.used"].title("de") == "Dateisystem-Belegung"
    assert fams["boot.unexpected"].title("de") == "Unerwartete Neustarts"
    assert fams["printer.supply"].title("de") == "Tonerstand"
    assert fams["fs.used"].title("en") == "File system usage"


def test_thresholds_come_from_the_families_that_declare_them():
    assert Thresholds().levels("fs.used_pct") is catalog.families()["fs.used"].thresholds["fs.used_pct"]
    assert known_threshold("printer.supply_pct:black") and not known_threshold("fs.usedpct")
    assert str(defaults()["temp.celsius"].crit) == "85"


def test_transport_findings_cannot_be_skipped():
    assert not catalog.pattern_known("host.*") and not catalog.pattern_known("probe.output")
    assert catalog.pattern_known("printer.supply:*") and catalog.pattern_known("disk.*")
    assert catalog.pattern_known("temp*") and not catalog.pattern_known("tmep*")


def test_crash_category_is_what_happened():
    crash = {f.id for f in catalog.families().values() if f.category is Category.CRASH}
    assert {"boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes", "disk.errors"} <= crash
    assert "fs.used" not in crash


def test_importing_the_catalog_imports_no_check_until_asked():
    code = ("import sys, fleetcheck.core.catalog, fleetcheck.core.skips, fleetcheck.core.thresholds; "
            "print(sorted(m for m in sys.modules if m.startswith(('fleetcheck.core.checks', 'paramiko'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(["checks", *argv])
    return code, capsys.readouterr().out


def test_fleetcheck_checks_lists_the_catalog_for_one_kind_in_german(capsys):
    code, out = _cli(capsys, "--kind", "printer", "--lang", "de")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    assert ids == [f.id for f in catalog.families().values() if "printer" in f.kinds]
    assert "Tonerstand  [printer.supply_pct 20: / 10:]" in out and "fs.used" not in ids


def test_fleetcheck_checks_json_carries_thresholds(capsys):
    code, out = _cli(capsys, "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == set(catalog.families())
    assert rows["fs.used"]["thresholds"]["fs.used_pct"] == {"warn": "80", "crit": "90"}
    assert rows["host.reachability"]["skippable"] is False
    assert rows["boot.unexpected"]["title"]["de"] == "Unerwartete Neustarts"


def test_fleetcheck_checks_rejects_an_unknown_kind(capsys):
    with pytest.raises(SystemExit) as exc:
        _cli(capsys, "--kind", "toaster")
    assert exc.value.code == 2


def test_every_check_module_that_declares_families_is_in_the_catalog():
    """The catalog names each check module in an import (no lookup by name): a new module
    with FAMILIES must be added there, or its families would be unknown to skips and docs."""
    import ast
    import importlib

    checks_dir = ROOT / "src" / "fleetcheck" / "core" / "checks"
    known = {id(f) for f in catalog.families().values()}
    for path in sorted(checks_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declares = any(isinstance(n, ast.AnnAssign | ast.Assign)
                       and "FAMILIES" in ast.unparse(n).split("=")[0] for n in tree.body)
        if not declares:
            continue
        parts = path.relative_to(ROOT / "src").with_suffix("").parts
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        missing = [f.id for f in module.FAMILIES if id(f) not in known]
        assert missing == [], f"{module.__name__}: add it to core/catalog.py's imports"


def test_inventory_check_help_lists_the_catalog(capsys):
    """`fleetcheck inventory check --help` names every skippable check and every threshold with its
    defaults, generated from the catalog: a new family shows up there without an edit."""
    with pytest.raises(SystemExit) as done:
        main(["inventory", "check", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    ids_part, _, th_part = out.partition("thresholds an inventory may set")
    listed_ids = ids_part.partition("check ids a skip: entry may name")[2].partition(":\n")[2]
    assert [x.strip() for x in listed_ids.replace("\n", " ").split(",")] == list(catalog.skippable_ids())
    listed = th_part.partition(":\n")[2].replace("\n", " ").split(",")
    assert {x.strip().split("=")[0] for x in listed} == set(catalog.default_thresholds())
    assert "fs.used_pct=80/90" in out and "printer.supply_pct=20:/10:" in out
    assert max(len(line) for line in out.splitlines()) <= 80
