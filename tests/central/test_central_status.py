"""The central view's header line when the database is gone or refuses reads (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetcheck.tui.central import CentralStatus

T = datetime(2026, 12, 4, 10, 40, tzinfo=UTC)


def line(status: CentralStatus) -> str:
    return status.first_line(T + timedelta(minutes=5), UTC, None).plain


def test_unreachable_wins_over_a_failed_read_and_old_rows_are_said_to_be_old() -> None:
    s = CentralStatus("postgresql://dash@db/fleet", "LISTEN/NOTIFY", read_at=T)
    s.went_down(T + timedelta(seconds=5), "permission denied for table scans", "NOT READABLE")
    assert "DATABASE NOT READABLE since 10:40:05 (permission denied for table scans); rows show what " \
           "was read at 10:40:00" in line(s)
    s.went_down(T + timedelta(seconds=9), "connection refused")  # the feed lost the server
    assert "DATABASE UNREACHABLE since 10:40:05 (connection refused)" in line(s)
    s.went_down(T + timedelta(seconds=12), "Timeout", "NOT READABLE")  # a read failing meanwhile
    assert "DATABASE UNREACHABLE since 10:40:05 (connection refused)" in line(s)
    s.came_back()
    assert "live (LISTEN/NOTIFY) from postgresql://dash@db/fleet" in line(s)


def test_nothing_read_yet_says_so() -> None:
    s = CentralStatus("history.sqlite3", "polling")
    assert "reading history.sqlite3…" in line(s)
    s.went_down(T, "unable to open database file")
    assert "DATABASE UNREACHABLE since 10:40:00 (unable to open database file); nothing read" in line(s)
