"""Hostile text from a real host never acts on the technician's terminal (#7 §2, #13 §1).

One sshd host of the test fleet ("hostile", tests/ssh/hosts/hostile/bin) reports mount points,
failed unit names and a kernel log line that carry a window-title escape, an OSC 52 clipboard
write, a bidi override, a C1 CSI, Rich markup, a newline, a lone surrogate and a 200 000
character name. Every output format is checked byte by byte, and so is the dashboard's screen.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .fleet import Fleet, FleetKeys, HostSpec, start_fleet

HOSTS = Path(__file__).parent / "hosts"
FORBIDDEN = {
    b"\x1b": "ESC", b"\x07": "BEL", b"\x00": "NUL", b"\x7f": "DEL",
    "\u009b".encode(): "C1 CSI", "\u202e".encode(): "bidi override (RLO)",
}


@pytest.fixture(scope="module")
def hostile(fleet_keys: FleetKeys, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    specs = {"hostile": HostSpec(bin_dir=HOSTS / "hostile" / "bin"),
             "web": HostSpec(bin_dir=HOSTS / "healthy" / "bin")}
    with start_fleet(specs, fleet_keys) as fleet:
        tmp = tmp_path_factory.mktemp("hostile")
        yield fleet, fleet.write_inventory(tmp / "fleet.yaml")


def _scan(inventory: Path, fmt: str, *extra: str) -> tuple[int, bytes]:
    home = inventory.parent
    (home / "ssh_config").touch()
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", "FLEETCHECK_HOME")}
    env.update(HOME=str(home), PYTHONIOENCODING="utf-8")
    cmd = [sys.executable, "-m", "fleetcheck", "scan", "--no-history", "--format", fmt, "--timeout", "30",
           "--ssh-config", str(home / "ssh_config"), *extra, str(inventory)]
    res = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    assert b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")
    return res.returncode, res.stdout


def assert_harmless(data: bytes) -> str:
    text = data.decode("utf-8")  # strict: a lone surrogate or a raw 0x9b byte fails here
    found = [name for raw, name in FORBIDDEN.items() if raw in data]
    assert not found, f"raw {found} reached the output"
    assert not re.search("[\x80-\x9f\u200e\u200f\u2066-\u2069\u202a-\u202e]", text)
    return text


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "nagios"])
def test_every_output_format_shows_hostile_text_escaped(hostile: tuple[Fleet, Path], fmt: str) -> None:
    _fleet, inventory = hostile
    code, out = _scan(inventory, fmt)
    text = assert_harmless(out)
    assert code == 2  # CRIT: the failed units and the full filesystem, whatever their names say
    assert len(out) < 250_000  # a 200 000-character unit name is capped, not printed whole
    if fmt in ("table", "nagios"):
        flat = re.sub(r"\s+", "", text)  # the table wraps long findings
        # the original stays visible, escaped, so the technician sees what the host sent
        assert "title\\x1b]0;PWNED\\x07.service" in flat
        assert "/mnt/c\\x1b]52;c;cHduZWQ=\\x07" in flat
        assert "\\u202e" in flat
        assert "[boldgreen]OK[/].service" in flat  # Rich markup stays literal
        assert len(out) < 60_000
    if fmt == "nagios":
        assert text.count("|") == 1  # only the separator before the perfdata


def _checks(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    host = next(h for h in doc["hosts"] if h["name"] == "hostile")
    return {c["id"]: c for c in host["checks"]}


def test_a_hostile_value_changes_no_verdict_and_the_evidence_keeps_it_escaped(
        hostile: tuple[Fleet, Path]) -> None:
    _fleet, inventory = hostile
    _code, out = _scan(inventory, "json")
    checks = _checks(json.loads(assert_harmless(out)))
    failed = checks["services.failed"]
    # a newline and a lone surrogate in unit names: still CRIT, never "could not parse"
    assert failed["state"] == "CRIT", failed
    assert "line\\nOK all fine.service" in failed["summary"]
    assert len(failed["summary"]) <= 500
    raw = "\n".join(e["raw"] for e in failed["evidence"])
    assert "sur\\ud800rogate.service" in raw and "c1\\u009b31mred.service" in raw
    assert checks["fs.used:/mnt/c\\x1b]52;c;cHduZWQ=\\x07"]["state"] == "CRIT"
    assert checks["fs.used:/mnt/t\\x1b]0;PWNED\\x07"]["state"] == "OK"
    assert checks["kernel.errors"]["state"] in ("WARN", "CRIT")
    assert "\\x1b]52;c;cHduZWQ=\\x07" in "".join(e["raw"] for e in checks["kernel.errors"]["evidence"])
    assert all(len(c["summary"]) <= 500 for c in checks.values())


def test_nagios_perfdata_labels_follow_the_plugin_guidelines(hostile: tuple[Fleet, Path]) -> None:
    _fleet, inventory = hostile
    _code, out = _scan(inventory, "nagios", "--host", "hostile")
    first = assert_harmless(out).splitlines()[0]
    _status, perf = first.split(" | ")
    labels = [token.rsplit("=", 1)[0] for token in re.findall(r"(?:'[^']*'|\S)+", perf)]
    assert labels
    for label in labels:
        assert re.fullmatch(r"'[^'=|\\]+'|[A-Za-z0-9_.:/-]+", label), label
    assert any(re.fullmatch(r"metric_[0-9a-f]{12}", la) for la in labels)  # the escaped mounts, replaced
    assert "'fs.used:/mnt/[bold red]CRIT[/].used_pct'" in labels


def test_the_dashboard_screen_shows_hostile_text_escaped(hostile: tuple[Fleet, Path]) -> None:
    from fleetcheck.core.collectors.ssh import SshCollector, SshOptions
    from fleetcheck.core.engine import EngineOptions
    from fleetcheck.core.inventory import load_inventory
    from fleetcheck.tui.app import FleetcheckApp

    _fleet, inventory_path = hostile
    inventory = load_inventory([str(inventory_path)])

    async def scenario() -> tuple[str, str]:
        collector = SshCollector(SshOptions(use_ssh_config=False, allow_agent=False))
        app = FleetcheckApp(inventory, {k: collector for k in collector.kinds}, flush_every=0.01,
                            options=EngineOptions(host_timeout=30))
        async with app.run_test(size=(200, 400)) as pilot:
            for _ in range(300):
                await pilot.pause(0.1)
                entry = app.fleet.entries["hostile"]
                if entry.result is not None and not entry.scanning:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            table_screen = app.export_screenshot()
            await pilot.press("g", "enter")
            await pilot.pause(0.3)
            detail_screen = app.export_screenshot()
        await collector.close()
        return table_screen, detail_screen

    table_svg, detail_svg = asyncio.run(scenario())
    for svg in (table_svg, detail_svg):
        assert_harmless(svg.encode("utf-8"))
    table, detail = _screen_text(table_svg), _screen_text(detail_svg)
    assert "hostile" in table and "\\x1b]52;c;cHduZWQ=\\x07" in table
    assert "title\\x1b]0;PWNED\\x07.service" in detail
    assert "[bold green]OK[/].service" in detail  # markup shown as text, not applied
    assert "\\u202eboot [bold red]OK[/]" in detail


def _screen_text(svg: str) -> str:
    """The characters on screen, from Textual's SVG screenshot (one <text> per styled run)."""
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)).replace("\xa0", " ")
