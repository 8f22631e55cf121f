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
