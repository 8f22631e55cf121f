"""services.failed: systemctl output in its JSON and plain-text shapes, and the verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetcheck.core.checks.services import (
    SYSTEMD_NOT_RUNNING,
    FailedUnit,
    check_failed_units,
    parse_failed_units,
    systemd_not_running,
    units_unreadable,
)
from fleetcheck.core.i18n import msg
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
COMMAND = "systemctl list-units --state=failed --no-legend --plain --no-pager --output=json"
DEFAULT = Thresholds()

NGINX = FailedUnit("nginx.service", "loaded", "failed", "failed", "A high performance web server")
LOGROTATE = FailedUnit("logrotate.service", "loaded", "failed", "failed", "Rotate log files")

JSON_NEW = ('[{"unit":"nginx.service","load":"loaded","active":"failed","sub":"failed",'
            '"description":"A high performance web server"},'
            '{"unit":"logrotate.service","load":"loaded","active":"failed","sub":"failed",'
            '"description":"Rotate log files"}]\n')
PLAIN = ("nginx.service     loaded failed failed A high performance web server\n"
         "logrotate.service loaded failed failed Rotate log files\n")
# systemd < 246 ignores --output=json for list-units; without --plain a marker column appears.
OLD_WITH_LEGEND = """  UNIT              LOAD   ACTIVE SUB    DESCRIPTION
● nginx.service     loaded failed failed A high performance web server
● logrotate.service loaded failed failed Rotate log files

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.

2 loaded units listed.
"""
OLD_C_LOCALE = ("* nginx.service     loaded failed failed A high performance web server\n"
                "* logrotate.service loaded failed failed Rotate log files\n")


@pytest.mark.parametrize("text", [JSON_NEW, PLAIN, OLD_WITH_LEGEND, OLD_C_LOCALE])
def test_parse_sniffs_json_or_table(text: str) -> None:
    assert parse_failed_units(text) == [NGINX, LOGROTATE]


@pytest.mark.parametrize("text", ["", "\n", "[]\n", "0 loaded units listed.\n"])
def test_parse_nothing_failed(text: str) -> None:
    assert parse_failed_units(text) == []


def test_parse_unit_without_description() -> None:
    assert parse_failed_units("foo.mount not-found failed failed\n") == [
        FailedUnit("foo.mount", "not-found", "failed", "failed", "")]


@pytest.mark.parametrize("text", [
    "[{\"unit\": ",                                  # truncated JSON
    "{\"unit\": \"x\"}",                             # not a table line, not a list
    "[{\"load\": \"loaded\"}]",                      # row without unit
    "Failed to connect to bus: No such file or directory",
])
def test_parse_rejects_what_it_does_not_understand(text: str) -> None:
    with pytest.raises(ValueError):
        parse_failed_units(text)


def evidence(stdout: str) -> Evidence:
    return Evidence.of(COMMAND, f"exit 0\n{stdout}", T0)


def test_no_failed_units_is_ok_with_evidence() -> None:
    ev = evidence("[]")
    [result] = check_failed_units([], DEFAULT, ev)
    assert (result.id, result.state) == ("services.failed", State.OK)
    assert result.summary == "no failed systemd units (crit > 0)"
    assert result.evidence == (ev,)
    assert result.metrics[0].value == 0


def test_failed_units_are_named_and_crit_by_default() -> None:
    [result] = check_failed_units([NGINX, LOGROTATE], DEFAULT, evidence(JSON_NEW))
    assert result.state is State.CRIT
    assert result.summary == "2 failed systemd units: nginx.service, logrotate.service > crit 0"
    assert "nginx.service: loaded/failed/failed A high performance web server" in result.details


def test_override_makes_one_failure_a_warning() -> None:
    th = Thresholds({"services.failed": Levels(Range.parse("0"), Range.parse("3"), "host")})
    [one] = check_failed_units([NGINX], DEFAULT, evidence(PLAIN))
    [softened] = check_failed_units([NGINX], th, evidence(PLAIN))
    assert (one.state, softened.state) == (State.CRIT, State.WARN)
    assert softened.summary == "1 failed systemd unit: nginx.service > warn 0"


def test_long_lists_are_shortened_in_the_summary() -> None:
    units = [FailedUnit(f"u{i}.service") for i in range(8)]
    [result] = check_failed_units(units, DEFAULT, evidence("..."))
    assert "u4.service and 3 more" in result.summary
    assert result.details.count("\n") == 7


def test_no_systemd_and_unreadable_are_unknown_never_ok() -> None:
    ev = Evidence.of("/run/systemd/system", "absent", T0, "file")
    [none] = systemd_not_running(ev)
    assert (none.id, none.state, none.reason) == ("services.failed", State.UNKNOWN, SYSTEMD_NOT_RUNNING)
    [broken] = units_unreadable(msg("local.systemctl.exit", status=1, error="Access denied"), ev)
    assert broken.state is State.UNKNOWN
    assert broken.reason == "systemctl exited 1: Access denied"
