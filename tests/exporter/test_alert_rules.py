"""The example alerting rules (docs/prometheus/fleetcheck.rules.yml): valid, unit-tested, rightly named.

`promtool check rules` and `promtool test rules` (Debian's prometheus package, see
dev/test.sh) run on the shipped files; the rules' metric names are checked against
the names the exposition code really produces, and docs/prometheus.md must show the
file as it is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from fleetcheck.cli.output.prometheus import metric_name

DOCS = Path(__file__).resolve().parents[2] / "docs"
RULES = DOCS / "prometheus" / "fleetcheck.rules.yml"
RULE_TESTS = DOCS / "prometheus" / "fleetcheck.rules.test.yml"
PROMTOOL = shutil.which("promtool")


def promtool(*args: str, cwd: Path) -> str:
    assert PROMTOOL is not None, "promtool missing: dev/test.sh installs the prometheus package"
    done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60, cwd=cwd, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_rules_are_valid_and_pass_their_unit_tests(tmp_path: Path) -> None:
    out = promtool("check", "rules", str(RULES), cwd=tmp_path)
    assert "SUCCESS: 5 rules found" in out
    out = promtool("test", "rules", str(RULE_TESTS), cwd=RULE_TESTS.parent)
    assert "SUCCESS" in out


def test_rule_unit_tests_can_fail(tmp_path: Path) -> None:
    """A broken rule is caught: the unit tests are not vacuous."""
    unreachable = "fleetcheck_host_up == 0 and fleetcheck_host_state == 2"
    broken = RULES.read_text(encoding="utf-8").replace(unreachable, "fleetcheck_host_up == 0")
    assert broken != RULES.read_text(encoding="utf-8")
    (tmp_path / RULES.name).write_text(broken, encoding="utf-8")
    shutil.copy(RULE_TESTS, tmp_path / RULE_TESTS.name)
    done = subprocess.run([PROMTOOL or "promtool", "test", "rules", RULE_TESTS.name], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path, check=False)
    assert done.returncode != 0 and "FleetcheckHostUnreachable" in done.stdout + done.stderr


def test_every_alert_has_a_severity_and_a_summary() -> None:
    doc = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    rules = [r for group in doc["groups"] for r in group["rules"]]
    assert {r["alert"] for r in rules} == {"FleetcheckHostCritical", "FleetcheckHostUnreachable",
                                           "FleetcheckPrinterSupplyLow", "FleetcheckNewCrash",
                                           "FleetcheckScannerSilent"}
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning") and rule["annotations"]["summary"]


@pytest.mark.parametrize(("name", "unit", "family"), [
    ("supply Black Toner", "%", "supply"),  # printer supplies: one name per supply
    ("unexpected", "", "crash"), ("errors", "", "crash"), ("kills", "", "crash"),
    ("crashes", "", "crash"), ("restarts", "", "crash"), ("disk_error_events", "", "crash"),
])
def test_rules_use_the_names_the_exposition_makes(name: str, unit: str, family: str) -> None:
    """The checks' metric names (core/checks) mapped by --format prometheus match the rules' selectors."""
    text = RULES.read_text(encoding="utf-8")
    selectors = {"supply": r'\{__name__=~"(fleetcheck_check_supply_\.\+_ratio)"\}',
                 "crash": r'\{__name__=~"(fleetcheck_check_\([a-z_|]+\))"'}
    found = re.search(selectors[family], text)
    assert found is not None, family
    assert re.fullmatch(found.group(1), metric_name(name, unit)[0]), (found.group(1), metric_name(name, unit))


def test_docs_show_the_rules_file_as_it_is() -> None:
    doc = (DOCS / "prometheus.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    assert RULES.read_text(encoding="utf-8") in blocks, f"copy {RULES.name} into docs/prometheus.md"
