"""Real findings in German: recorded probe outputs parsed and judged, then rendered in `de`."""

from __future__ import annotations

import pytest
from posix_helpers import checks, parse, recorded
from windows_helpers import RECORDINGS as WINDOWS_DIR
from windows_helpers import make_run, recording_bytes
from windows_helpers import parse as parse_windows

from fleetcheck.core.i18n import render_check
from fleetcheck.core.i18n.messages import MESSAGES
from fleetcheck.core.results import CheckResult

RECORDINGS = ["linux_healthy.txt", "linux_crashing.txt", "linux_smart_failing.txt", "linux_no_systemd.txt",
              "linux_journal_denied.txt", "linux_busybox.txt", "macos_healthy.txt", "macos_crashing.txt",
              "linux_printserver.txt"]


WINDOWS = sorted(d.name for d in WINDOWS_DIR.iterdir() if d.is_dir())


def _assert_coded_in_german(found: dict[str, CheckResult]) -> None:
    """Every result carries codes for all its texts, and each renders in German."""
    assert found
    uncoded = sorted(cid for cid, c in found.items()
                     if not c.code or (c.reason and not c.reason_code) or (c.fix and not c.fix_code))
    assert uncoded == []
    for cid, c in found.items():
        assert c.code in MESSAGES
        german = render_check(c, "de")
        english = render_check(c, "en")
        assert english.summary == c.summary, cid  # the stored English text is the rendering
        assert (english.reason, english.fix) == (c.reason, c.fix), cid
        assert german.summary and "\n" not in german.summary
        assert german.summary != c.summary, cid
        if c.reason:
            assert german.reason and german.reason != c.reason, cid
        if c.fix:
            assert german.fix and german.fix != c.fix, cid


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_finding_of_a_posix_recording_has_a_code_and_renders_in_german(name: str) -> None:
    kind = "macos" if name.startswith("macos") else "linux"
    _assert_coded_in_german(checks(parse(recorded(name), kind)))


@pytest.mark.parametrize("name", WINDOWS)
def test_every_finding_of_a_windows_recording_has_a_code_and_renders_in_german(name: str) -> None:
    found = {c.id: c for c in parse_windows(make_run(*recording_bytes(name))).checks}
    _assert_coded_in_german(found)


def test_a_healthy_linux_host_in_german() -> None:
    found = checks(parse(recorded("linux_healthy.txt")))
    summaries = {cid: render_check(c, "de").summary for cid, c in found.items()}
    assert summaries["mem.used"].startswith("Arbeitsspeicher zu ")
    assert " % belegt (" in summaries["mem.used"] and "verfügbar" in summaries["mem.used"]
    fs = next(s for cid, s in summaries.items() if cid.startswith("fs.used:"))
    assert "belegt" in fs and "frei" in fs and "," in fs.split("%")[0]  # decimal comma
    assert summaries["cpu.load"].startswith("15-Minuten-Last ")
    assert "je Kern" in summaries["cpu.load"]
    assert summaries["system.uptime"].startswith("läuft seit ")


def test_a_crashing_linux_host_in_german() -> None:
    found = checks(parse(recorded("linux_crashing.txt")))
    german = {cid: render_check(c, "de").summary for cid, c in found.items()}
    crashes = [s for cid, s in german.items() if cid.split(":")[0] in ("boot.unexpected", "kernel.errors",
                                                                       "oom.kills", "apps.crashes")]
    assert crashes and all("im Zeitraum" in s for s in crashes)
