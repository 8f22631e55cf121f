"""The dashboard header counts hosts as `fleetcheck scan` does, and N/A / skipped checks apart."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style

from fleetcheck.core.checks import not_applicable
from fleetcheck.core.i18n import msg
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, Evidence, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.fleet import Fleet
from fleetcheck.tui.widgets.summary import Summary, render_summary

# a virtual machine: what makes a temperature check N/A
KVM = {"virt": "virt.vm", "vm": "kvm", "signals": "systemd-detect-virt: kvm"}

NOW = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
EV = Evidence.of("systemd-detect-virt", "kvm", NOW)


def test_header_counts_na_apart_and_never_as_a_host_state() -> None:
    hosts = [Host("vm1", "linux", "192.0.2.1"), Host("vm2", "linux", "192.0.2.2"), Host("pc", "linux", "x")]
    fleet = Fleet.of(hosts)
    ok = CheckResult("mem.used", State.OK, "fine", evidence=(EV,))
    na = not_applicable("temp", msg("temp.na", **KVM), msg("temp.na.reason", **KVM), EV)
    fleet.record(HostResult("vm1", "linux", "192.0.2.1", Reachability.REACHABLE, (ok, na)), NOW)
    fleet.record(HostResult("vm2", "linux", "192.0.2.2", Reachability.REACHABLE, (na,)), NOW)
    counts = fleet.counts()
    assert (counts.ok, counts.unknown, counts.pending, counts.na_checks) == (1, 1, 1, 2)
    text = render_summary(Summary("Acme", "scanning 2/3", "paused", counts, "all", "worst first", ""),
                          {None: Style()}, None).plain
    assert "✔ OK 1" in text and "? UNKNOWN 1" in text and "– N/A checks 2" in text and "pending 1" in text
    assert "skipped" not in text  # shown only when there are any
