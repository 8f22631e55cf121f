"""Every result of every recorded host carries evidence: non-OK ones and OK ones (issue 12 §2).

The sshd fleet's hosts are held to the same rule in tests/ssh (test_linux_fleet, test_windows_fleet).
"""

from __future__ import annotations

import pytest
from posix_helpers import DATA, checks, parse, recorded
from windows_helpers import RECORDINGS, make_run, recording_bytes
from windows_helpers import parse as parse_windows

POSIX = sorted(p.name for p in DATA.glob("*.txt"))
WINDOWS = sorted(p.name for p in RECORDINGS.iterdir() if p.is_dir())


def _bare(results):
    return [f"{c.state.value} {c.id}: {c.summary}" for c in results
            if not c.evidence or not all(e.source and e.raw.strip() for e in c.evidence)]


@pytest.mark.parametrize("name", POSIX)
def test_every_posix_result_has_evidence(name):
    kind = "macos" if name.startswith("macos") else "linux"
    assert _bare(parse(recorded(name), kind=kind).checks) == []


@pytest.mark.parametrize("name", WINDOWS)
def test_every_windows_result_has_evidence(name):
    assert _bare(parse_windows(make_run(*recording_bytes(name))).checks) == []


def test_no_crash_recorder_says_what_was_looked_for():
    c = checks(parse(recorded("linux_no_systemd.txt")))["apps.crashes"]
    assert c.state.value == "UNKNOWN"
    assert "no tool coredumpctl" in c.reason and "no directory /var/crash" in c.reason
    assert any("no directory /var/crash" in e.raw for e in c.evidence)
    assert c.fix == "install apport, which records crashes without systemd"
