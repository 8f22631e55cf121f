"""`oom.kills` since the previous scan from the stored /proc/vmstat counter and boot id, when the
kernel log is unreadable (issue 12 §4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from posix_helpers import checks, parse, recorded, replace_section, target_now

from fleetcheck.core.results import HostResult
from fleetcheck.core.states import Reachability

DENIED = recorded("linux_journal_denied.txt")
BOOT_ID = next(ln for ln in DENIED.split("<<<boot_id>>>\n", 1)[1].splitlines() if not ln.startswith("@@"))
WINDOW = timedelta(days=7)


def _host(counter: int, uptime_days: float = 40) -> str:
    text = replace_section(DENIED, "vmstat", f"oom_kill {counter}")
    return replace_section(text, "uptime", f"{uptime_days * 86400} 1000.0", command="cat /proc/uptime")


def _previous(count: int, read: datetime, boot_id: str = BOOT_ID,
              reach: Reachability = Reachability.REACHABLE) -> HostResult:
    facts = {"boot_id": boot_id,
             "oom_kill_counter": {"count": count, "boot_id": boot_id, "read": read.isoformat()}}
    return HostResult("h1", "linux", "192.0.2.10", reach, facts=facts)


def _oom(counter: int, previous: HostResult | None):
    text = _host(counter)
    return checks(parse(text, since=target_now(text) - WINDOW, previous=previous))["oom.kills"]


@pytest.mark.parametrize(("now", "then", "state"), [(3, 3, "OK"), (5, 3, "WARN")])
def test_same_boot_counts_the_kills_since_the_previous_scan(now, then, state):
    start = target_now(DENIED) - WINDOW
    c = _oom(now, _previous(then, start - timedelta(seconds=1)))
    assert c.state.value == state, c.summary
    assert "since the previous scan" in c.summary
    assert f"oom_kill = {now} now, {then} at the previous" in c.details
    assert c.metrics[0].value == now - then
    raws = [e.raw for e in c.evidence]
    assert any(r.startswith(f"oom_kill {now}") for r in raws)  # this scan's reading
    assert f"oom_kill {then}\nboot_id {BOOT_ID}" in raws  # the stored one
    assert "journal not permitted" in c.details  # why the victims are not named


@pytest.mark.parametrize("previous", [
    _previous(3, target_now(DENIED) - WINDOW, boot_id="00000000-0000-4000-8000-000000000000"),  # rebooted
    _previous(3, target_now(DENIED) - WINDOW + timedelta(days=1)),  # the window starts before that reading
    _previous(3, target_now(DENIED) - WINDOW, reach=Reachability.UNREACHABLE),
    _previous(9, target_now(DENIED) - WINDOW),  # the counter went down: not the same boot after all
    None,
])
def test_otherwise_the_boot_counter_logic_stays(previous):
    c = _oom(3, previous)
    assert c.state.value == "UNKNOWN" and "cannot be placed" in c.reason


def test_the_counter_and_boot_id_are_stored_as_facts_for_the_next_scan():
    text = _host(4)
    facts = parse(text, since=target_now(text) - WINDOW).facts
    assert facts["oom_kill_counter"]["count"] == 4 and facts["oom_kill_counter"]["boot_id"] == BOOT_ID
    assert datetime.fromisoformat(facts["oom_kill_counter"]["read"]) == target_now(text)
