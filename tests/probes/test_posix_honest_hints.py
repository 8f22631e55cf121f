"""Answers already readable without the kernel log, and fix hints derived from what the probe saw
(issue 12 §3, §4)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from posix_helpers import checks, parse, recorded, replace_section, target_now

DENIED = recorded("linux_journal_denied.txt")
NO_SYSTEMD = recorded("linux_no_systemd.txt")
DMESG_REFUSED = "dmesg: read kernel buffer failed: Operation not permitted"


def _oom(text: str, counter: int, uptime_s: float, window_days: float = 7):
    text = replace_section(text, "vmstat", f"oom_kill {counter}")
    text = replace_section(text, "uptime", f"{uptime_s} 1000.0", command="cat /proc/uptime")
    return checks(parse(text, since=timedelta(days=window_days)))["oom.kills"]


@pytest.mark.parametrize(("counter", "uptime_days", "state"), [
    (0, 2, "OK"),     # boot inside the window: the counter is the window's count
    (2, 2, "WARN"),
    (0, 40, "OK"),    # none since a boot before the window: none in it either
])
def test_oom_kills_from_the_vmstat_counter_when_the_journal_is_denied(counter, uptime_days, state):
    c = _oom(DENIED, counter, uptime_days * 86400)
    assert c.state.value == state, c.summary
    assert "(/proc/vmstat oom_kill)" in c.summary
    assert "journal not permitted" in c.details  # why the victims are not named
    assert any(e.raw.startswith(f"oom_kill {counter}") for e in c.evidence)


def test_oom_kills_before_the_window_cannot_be_placed():
    c = _oom(DENIED, 3, 40 * 86400)
    assert c.state.value == "UNKNOWN"
    assert "counts 3 OOM kills since boot" in c.reason and "cannot be placed" in c.reason


def test_no_journal_and_dmesg_refused_suggests_root_or_dmesg_restrict_not_a_journal_group():
    refused = replace_section(NO_SYSTEMD, "dmesg", "", exit_status=1, stderr=[DMESG_REFUSED],
                              command="dmesg -x --time-format iso --level=emerg,alert,crit,err,warn")
    c = checks(parse(refused.replace("uid=0\n", "uid=1000\n")))["kernel.errors"]
    assert c.state.value == "UNKNOWN" and DMESG_REFUSED in c.reason
    assert "dmesg_restrict=0" in c.fix and "journal" not in c.fix


def test_journal_denied_host_keeps_the_journal_group_hint_for_the_kernel_log():
    c = checks(parse(DENIED))["kernel.errors"]
    assert "systemd-journal" in c.fix and "dmesg_restrict=0" in c.fix



def _clock(text: str, skew_s: float = 0.0):
    from fleetcheck.core.contracts import ProbeRun
    from fleetcheck.core.inventory.model import Host
    from fleetcheck.core.probes.posix.probe import PROBE

    now = target_now(text)
    scanner = now + timedelta(seconds=skew_s)
    run = ProbeRun(PROBE.command(), text.encode(), b"", 0, False, scanner, scanner)
    parsed = PROBE.parse(run, Host("h1", "linux", "192.0.2.10"), now - timedelta(days=7))
    return checks(parsed)["clock.sync"]


NO_SYNC_TOOL = replace_section(replace_section(NO_SYSTEMD, "chronyc", "@@missing chronyc", exit_status=127),
                               "time_daemons", "", exit_status=None)


def test_no_sync_tool_and_no_daemon_is_judged_on_the_measured_skew():
    ok = _clock(NO_SYNC_TOOL, 2)
    assert ok.state.value == "OK" and "judged on the skew" in ok.summary
    assert "chronyc: not installed" in ok.details and "no ntpd, chronyd, openntpd" in ok.details
    far = _clock(NO_SYNC_TOOL, 900)
    assert far.state.value == "WARN" and "900 s off" in far.summary and "install chrony" in far.fix


def test_a_running_daemon_without_a_query_tool_gets_no_install_hint():
    running = replace_section(NO_SYNC_TOOL, "time_daemons", "ntpd", exit_status=None)
    c = _clock(running, 900)
    assert c.state.value == "WARN" and "running: ntpd" in c.details and c.fix is None


@pytest.mark.parametrize(("key", "body", "state", "words"), [
    ("ntpq", "     remote           refid      st t when poll reach   delay   offset  jitter\n"
             "==============================================================================\n"
             "*192.0.2.1      .GPS.            1 u   33   64  377    0.512    0.021   0.010\n", "OK",
     "clock synchronised (ntpq)"),
    ("ntpctl", "4/4 peers valid, clock unsynced\n", "WARN", "clock is NOT synchronised"),
])
def test_ntpd_and_openntpd_are_asked(key, body, state, words):
    c = _clock(replace_section(NO_SYNC_TOOL, key, body))
    assert c.state.value == state and c.summary.startswith(words)


def test_a_cut_off_probe_is_not_judged_on_skew():
    cut = NO_SYSTEMD.split("<<<chronyc>>>")[0]
    assert _clock(cut).state.value == "UNKNOWN"


def _variants():
    """Every recorded Linux host as root and as an unprivileged user, with the kernel log refused."""
    from posix_helpers import DATA

    for path in sorted(DATA.glob("linux_*.txt")):
        text = path.read_text()
        for uid in ("0", "1000"):
            as_user = re.sub(r"^uid=\d+$", f"uid={uid}", text, count=1, flags=re.M)
            yield path.name, uid, as_user
            if "<<<dmesg>>>" in text:
                yield path.name + "+dmesg refused", uid, replace_section(
                    as_user, "dmesg", "", exit_status=1, stderr=[DMESG_REFUSED], command=DMESG_CMD)


DMESG_CMD = "dmesg -x --time-format iso --level=emerg,alert,crit,err,warn"


def test_fix_hints_are_derived_from_what_the_probe_saw():
    """A fix names an action that could change the outcome on that host (issue 12 §3): never
    root to a scan that runs as root, never a journal group or systemd-timesyncd where no systemd
    runs, never installing a tool the host has."""
    wrong = []
    for name, uid, text in _variants():
        result = parse(text)
        systemd = result.facts.get("systemd")
        for c in result.checks:
            fix = (c.fix or "").lower()
            if uid == "0" and any(w in fix for w in ("run as root", "scan as root", "run the scan as root")):
                wrong.append((name, uid, c.id, c.fix))
            if systemd is False and ("systemd-journal" in fix or "systemd-timesyncd" in fix
                                     or "journalctl" in fix):
                wrong.append((name, uid, c.id, c.fix))
            if "install smartmontools" in fix and "@@missing smartctl" not in text:
                wrong.append((name, uid, c.id, c.fix))
    assert wrong == []
