"""Real findings in German: recorded probe outputs parsed and judged, then rendered in `de`."""

from __future__ import annotations

import pytest
from posix_helpers import checks, parse, recorded

from fleetcheck.core.i18n import render_check
from fleetcheck.core.i18n.messages import MESSAGES

RECORDINGS = ["linux_healthy.txt", "linux_crashing.txt", "linux_smart_failing.txt", "linux_no_systemd.txt",
              "linux_journal_denied.txt", "linux_busybox.txt", "macos_healthy.txt", "macos_crashing.txt"]


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_judged_finding_of_a_recording_has_a_code_and_renders_in_german(name: str) -> None:
    kind = "macos" if name.startswith("macos") else "linux"
    found = checks(parse(recorded(name), kind))
    coded = {cid: c for cid, c in found.items() if c.code}
    # nearly every result carries a code; results added since (BusyBox fallbacks) may still be English
    assert len(coded) >= 0.75 * len(found), sorted(set(found) - set(coded))
    for cid, c in coded.items():
        assert c.code in MESSAGES
        german = render_check(c, "de")
        english = render_check(c, "en")
        assert english.summary == c.summary, cid  # the stored English text is the rendering
        assert german.summary and "\n" not in german.summary
        if c.reason_code:
            assert german.reason and german.reason != c.reason, cid


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
