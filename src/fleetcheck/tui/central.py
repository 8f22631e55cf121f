"""The central view's model (pure, no Textual): which customers are shown, how old their
latest scan is, whether the database answers, and the header's first line.

Rows come from the store (`store/central.py`): each customer's newest complete
scan, one row per host, keyed by customer and host (two customers may both
have a "pc-01"). A row's time is when its host was checked at the customer's
site, so the age column says how old the data is, and a row older than
`stale_after` is shown stale: said in its finding, and an OK is never green.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from rich.style import Style
from rich.text import Text

from fleetcheck.core.inventory.model import Host
from fleetcheck.store.central import CustomerScan
from fleetcheck.store.model import ScanInfo
from fleetcheck.tui.fleet import HostEntry
from fleetcheck.tui.formatting import age_text, clock_text, one_line

STALE_AFTER = timedelta(hours=26)  # nightly scans (`fleetcheck schedule`) plus two hours' slack
STALE_NAMES = 3  # stale customers named in the header


@dataclass
class CentralStatus:
    location: str  # the database, without a password
    how: str  # how news arrives: "LISTEN/NOTIFY", "polling the file's data_version every 1 s"
    customer_filter: str | None = None  # --customer
    stale_after: timedelta = STALE_AFTER
    scans: dict[str, ScanInfo] = field(default_factory=dict)  # customer key -> newest complete scan shown
    names: dict[str, str] = field(default_factory=dict)  # customer key -> what the rows show
    known: int = 0  # customers the store has (last full read), shown or not
    read_at: datetime | None = None  # last successful read
    down_since: datetime | None = None  # the database did not answer (feed or read) since then
    down_reason: str = ""
    down_what: str = "UNREACHABLE"  # or "NOT READABLE": it answers but a read failed (a role without SELECT)

    def went_down(self, since: datetime, reason: str, what: str = "UNREACHABLE") -> None:
        if self.down_since is None:
            self.down_since = since
        if self.down_since == since or what == "UNREACHABLE":  # the feed knows best if it is gone
            self.down_what, self.down_reason = what, reason

    def came_back(self) -> None:
        self.down_since, self.down_reason, self.down_what = None, "", "UNREACHABLE"

    def stale_customers(self, now: datetime) -> list[tuple[str, datetime]]:
        """(name, when its newest complete scan finished), oldest first."""
        out = [(self.names[k], info.finished or info.started) for k, info in self.scans.items()
               if now - (info.finished or info.started) > self.stale_after]
        return sorted(out, key=lambda x: x[1])

    def first_line(self, now: datetime, tz: tzinfo | None, alarm: Style | None) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        n = len(self.scans)
        who = f"customer {one_line(self.customer_filter)}" if self.customer_filter else "central"
        text.append(f"{who} · {n} customer{'' if n == 1 else 's'}", style="bold")
        if self.known > n and not self.customer_filter:  # saved, but never a complete scan
            text.append(f" (+{self.known - n} without a complete scan)", style=alarm or "")
        if self.customer_filter and not n and self.read_at is not None:
            text.append(": no complete scan in the store yet", style=alarm or "")
        stale = self.stale_customers(now)
        if stale:
            names = ", ".join(f"{one_line(name, 30)} {age_text(when, now)}"
                              for name, when in stale[:STALE_NAMES])
            more = f" and {len(stale) - STALE_NAMES} more" if len(stale) > STALE_NAMES else ""
            text.append(f" ({len(stale)} STALE, no scan for > {span_text(self.stale_after)}: "
                        f"{names}{more})", style=alarm or "")
        if self.down_since is not None:
            read = (f"rows show what was read at {clock_text(self.read_at, tz)}" if self.read_at
                    else "nothing read")
            since = clock_text(self.down_since, tz)
            text.append(f" │ DATABASE {self.down_what} since {since} ({one_line(self.down_reason)}); {read}",
                        style=alarm or "")
        elif self.read_at is None:
            text.append(f" │ reading {self.location}…")
        else:
            text.append(f" │ live ({self.how}) from {self.location}, read {clock_text(self.read_at, tz)}")
        return text

    def entries(self, read: CustomerScan) -> list[HostEntry]:
        """One row per host of the customer's newest complete scan; remembers the scan."""
        name = read.customer or read.customer_key
        self.scans[read.customer_key] = read.info
        self.names[read.customer_key] = name
        scan_time = read.info.finished or read.scan.finished
        out = []
        for r in read.scan.hosts:
            host = Host(r.name, r.kind, r.address, site=r.site, tags=r.tags)
            out.append(HostEntry(host, r, r.finished or scan_time, customer=name,
                                 customer_key=read.customer_key))
        return out


def span_text(span: timedelta) -> str:
    seconds = span.total_seconds()
    return f"{seconds / 3600:g} h" if seconds >= 3600 else f"{seconds / 60:g} min"


def keys_of(entries: Iterable[HostEntry]) -> set[str]:
    return {e.key for e in entries}
