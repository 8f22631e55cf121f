"""Filter query semantics (pure, no Textual)."""

from __future__ import annotations

import pytest

from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.filtering import FilterError, parse_query
from fleetcheck.tui.fleet import HostEntry

from .fixed_fleet import NOW


def entry(name: str, kind: str = "linux", address: str = "127.0.0.1", site: str | None = None,
          tags: tuple[str, ...] = (), state: State | None = None) -> HostEntry:
    host = Host(name, kind, address, site=site, tags=tags)
    e = HostEntry(host)
    if state is not None:
        check = (CheckResult.unknown("x", "x", "r") if state is State.UNKNOWN
                 else CheckResult("x", state, "x"))
        e.result = HostResult(name, kind, address, Reachability.REACHABLE, (check,))
        e.checked_at = NOW
    return e


FLEET = [
    entry("pc-empfang", "windows", "10.0.0.12", "Front Desk", ("empfang", "reception"), State.CRIT),
    entry("srv-files", "linux", "10.0.0.11", "hq", ("server",), State.OK),
    entry("drucker-og", "printer", "10.0.0.50", "hq", ("og",), State.WARN),
    entry("spooler", "printserver", "fe80::1", "hq", (), State.UNKNOWN),
    entry("pc-neu", "windows", "10.0.1.7", None, ()),
]


def names(text: str) -> list[str]:
    q = parse_query(text)
    return [e.name for e in FLEET if q.matches(e)]


@pytest.mark.parametrize("text, expected", [
    ("", ["pc-empfang", "srv-files", "drucker-og", "spooler", "pc-neu"]),
    ("pc", ["pc-empfang", "pc-neu"]),                      # name substring
    ("PC-EMP", ["pc-empfang"]),                             # case-insensitive
    ("10.0.0.1", ["pc-empfang", "srv-files"]),              # address substring
    ("reception", ["pc-empfang"]),                          # tag
    ("front", ["pc-empfang"]),                              # site
    ('"front desk"', ["pc-empfang"]),                       # quoted phrase
    ("state:crit", ["pc-empfang"]),
    ("state:CRIT,warn", ["pc-empfang", "drucker-og"]),      # either value
    ("state:pending", ["pc-neu"]),                          # no result yet
    ("state:unknown", ["spooler"]),
    ("kind:printer", ["drucker-og", "spooler"]),            # printer covers print servers
    ("kind:printserver", ["spooler"]),
    ("kind:windows state:crit", ["pc-empfang"]),            # AND across terms
    ("kind:windows !state:crit", ["pc-neu"]),               # negation
    ("!kind:printer hq", ["srv-files"]),
    ("site:hq", ["srv-files", "drucker-og", "spooler"]),
    ("tag:serv", ["srv-files"]),
    ("name:og", ["drucker-og"]),
    ("addr:10.0.1", ["pc-neu"]),
    ("ip:10.0.1", ["pc-neu"]),                              # alias of addr
    ("fe80::1", ["spooler"]),                               # IPv6 stays free text
    ("nomatch", []),
])
def test_filter_semantics(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text, message", [
    ("state:broken", "'broken' is no state"),
    ("kind:", "give a value after 'kind:'"),
    ('"unclosed', "cannot read the filter"),
])
def test_filter_errors_say_why(text: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_query(text)


def test_empty_query_is_empty() -> None:
    assert parse_query("   ").empty
    assert not parse_query("pc").empty
