"""View model, formatting and settings file (pure, no Textual)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.results import CheckResult, HostResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.tui.config import ENV_VAR, config_path, load_config
from fleetcheck.tui.fleet import SORTS, Fleet, QuickView, in_view, next_sort
from fleetcheck.tui.formatting import age_text, interval_text, one_line, state_label

from .fixed_fleet import HOSTS, NOW
from .test_filtering import FLEET


def test_worst_first_order_and_pending_last() -> None:
    ordered = sorted(FLEET, key=SORTS["worst"][1])
    assert [e.name for e in ordered] == ["pc-empfang", "spooler", "drucker-og", "srv-files", "pc-neu"]


def test_address_sort_is_numeric_and_names_go_last() -> None:
    fleet = Fleet.of(HOSTS)
    fleet.entries["pc-lager"].host = Host("pc-lager", "windows", "127.0.0.9")
    order = [e.name for e in fleet.ordered("address")]
    assert order[0] == "pc-lager"  # 127.0.0.9 < 127.0.0.11 numerically, not as text


def test_sort_cycle_visits_every_order_and_returns() -> None:
    seen = ["worst"]
    while (nxt := next_sort(seen[-1])) != "worst":
        seen.append(nxt)
    assert seen == list(SORTS)


@pytest.mark.parametrize("view, expected", [
    (QuickView.ALL, ["pc-empfang", "srv-files", "drucker-og", "spooler", "pc-neu"]),
    (QuickView.PROBLEMS, ["pc-empfang", "drucker-og", "spooler"]),
    (QuickView.PRINTERS, ["drucker-og", "spooler"]),
    (QuickView.STALE, ["pc-neu"]),
    (QuickView.UNREACHABLE, []),
])
def test_quick_views(view: QuickView, expected: list[str]) -> None:
    assert [e.name for e in FLEET if in_view(e, view, NOW, timedelta(minutes=10))] == expected


def test_stale_view_takes_old_results_and_unreachable_view_takes_down_hosts() -> None:
    fleet = Fleet.of(HOSTS[:2])
    ok = HostResult("srv-files", "linux", "x", Reachability.REACHABLE, (CheckResult("a", State.OK, "a"),))
    down = HostResult("pc-empfang", "windows", "x", Reachability.UNREACHABLE, ())
    fleet.record(ok, NOW - timedelta(minutes=30))
    fleet.record(down, NOW)
    stale = [e.name for e in fleet.entries.values()
             if in_view(e, QuickView.STALE, NOW, timedelta(minutes=10))]
    unreachable = [e.name for e in fleet.entries.values()
                   if in_view(e, QuickView.UNREACHABLE, NOW, timedelta(minutes=10))]
    assert stale == ["srv-files"]
    assert unreachable == ["pc-empfang"]
    counts = fleet.counts()
    # the same partition as `fleetcheck scan`: a down host counts as unreachable, not also as CRIT
    assert (counts.ok, counts.crit, counts.unreachable, counts.pending) == (1, 0, 1, 0)


def test_finding_names_the_worst_check_and_hidden_unknowns() -> None:
    fleet = Fleet.of(HOSTS[:1])
    checks = (CheckResult("fs", State.CRIT, "/ 95% used"), CheckResult.unknown("t", "temp", "no sensors"),
              CheckResult.unknown("s", "services", "no systemd"))
    fleet.record(HostResult("srv-files", "linux", "x", Reachability.REACHABLE, checks), NOW)
    assert fleet.entries["srv-files"].finding() == "/ 95% used (+2 UNKNOWN)"
    fleet.record(HostResult("srv-files", "linux", "x", Reachability.REACHABLE, ()), NOW)
    assert "no evidence, so not OK" in fleet.entries["srv-files"].finding()


def test_state_label_always_has_a_word() -> None:
    assert state_label(State.CRIT) == "✖ CRIT"
    assert state_label(State.CRIT, Reachability.UNREACHABLE) == "⊘ CRIT"
    assert state_label(State.UNKNOWN, Reachability.HOST_KEY_UNKNOWN) == "⊘ UNKNOWN"
    assert state_label(None) == "· PENDING"


@pytest.mark.parametrize("seconds, text", [(0, "<1m"), (59, "<1m"), (60, "1m"), (3599, "59m"),
                                           (3600, "1h"), (86400 * 3, "3d")])
def test_age_is_coarse(seconds: int, text: str) -> None:
    assert age_text(NOW - timedelta(seconds=seconds), NOW) == text
    assert age_text(None, NOW) == "—"


def test_interval_and_one_line() -> None:
    assert [interval_text(s) for s in (0, 30, 300, 5400)] == ["off", "30s", "5m", "1.5h"]
    assert one_line("a\nb   c") == "a b c"
    assert one_line("x" * 300, 10) == "x" * 9 + "…"


def test_config_missing_file_means_defaults(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "none.toml")
    assert cfg.path is None and cfg.theme is None and cfg.keys == {}


def test_config_reads_theme_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "tui.toml"
    path.write_text('theme = "ansi-dark"\n[keys]\nrescan-host = "ctrl+r, x"\n', encoding="utf-8")
    cfg = load_config(path, frozenset({"rescan-host"}))
    assert (cfg.theme, cfg.keys, cfg.path) == ("ansi-dark", {"rescan-host": "ctrl+r,x"}, path)


@pytest.mark.parametrize("text, message", [
    ("theme = 3", "theme: must be a string"),
    ("colour = 'x'", "unknown setting 'colour'"),
    ("[keys]\nrescan = 'x'", "keys.rescan: no such binding id"),
    ("[keys]\nrescan-host = ''", "keys.rescan-host: must be a non-empty string"),
    ("theme = ", "cannot read dashboard settings"),
])
def test_config_errors_name_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tui.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FleetcheckError, match=message) as err:
        load_config(path, frozenset({"rescan-host"}))
    assert str(path) in str(err.value)


def test_config_path_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"
    monkeypatch.delenv(ENV_VAR)
    assert config_path().name == "tui.toml" and "fleetcheck" in str(config_path())


def test_running_counts_equal_a_fresh_count_after_every_result() -> None:
    """The header's counts are kept per result, not recounted per batch: they must always
    equal a count from scratch, also when a host's result replaces an earlier one."""
    fleet = Fleet.of(HOSTS)
    reach = (Reachability.REACHABLE, Reachability.UNREACHABLE, Reachability.NOT_CHECKED)
    states = (State.OK, State.WARN, State.CRIT, State.UNKNOWN)
    for i in range(3 * len(HOSTS)):
        host = HOSTS[(i * 5) % len(HOSTS)]
        checks = (CheckResult("x", states[i % 4], "x"),) if i % 4 != 3 else ()
        fleet.record(HostResult(host.name, host.kind, host.address, reach[i % 3], checks), NOW)
        assert fleet.counts() == Fleet(fleet.entries).counts(), i
    assert fleet.counts() != Fleet.of(HOSTS).counts()  # the results did count


def test_control_characters_from_a_host_are_shown_escaped() -> None:
    assert one_line("a\x1b[2Jb\x07c\x9bd\x7f") == "a\\x1b[2Jb\\x07c\\x9bd\\x7f"
