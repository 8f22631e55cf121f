"""Being told when another process saved a scan: the central dashboard's live feed (no UI here).

A feed runs in a thread of its own and hands `FeedEvent`s to a callback
(the dashboard posts them to its event loop): `FeedUp` when it is connected
(first, or again after an outage: whatever was saved meanwhile must be read),
`ScanSaved` for each save it hears of, `FeedDown` when the database went away
(it keeps trying to reconnect until `stop` is set).

- PostgreSQL (`feed/postgres.py`): LISTEN on the channel the store notifies in
  each scan's save transaction; nothing is polled.
- SQLite (`feed/sqlite.py`): SQLite has no notifications; the feed reads the
  file's `PRAGMA data_version` once a second (a counter in the open file,
  no table read), and says "something changed" when another connection
  committed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class FeedUp:
    at: datetime


@dataclass(frozen=True)
class ScanSaved:
    """A scan was saved; `scan_id`/`customer_key` None: something changed, look at everything."""

    at: datetime  # when the feed heard of it
    scan_id: int | None = None
    customer_key: str | None = None


@dataclass(frozen=True)
class FeedDown:
    since: datetime
    reason: str  # one line


FeedEvent = FeedUp | ScanSaved | FeedDown
Emit = Callable[[FeedEvent], object]


class ScanFeed(Protocol):
    location: str  # shown to the user, without a password
    how: str  # "LISTEN/NOTIFY", "polling the file's data_version every 1 s"

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Until `stop` is set: emit events; never raises (outages are `FeedDown`)."""
        ...


def open_feed(db: str) -> ScanFeed:
    from fleetcheck.store.postgres.conninfo import is_postgres

    if is_postgres(db):
        from fleetcheck.store.feed.postgres import PostgresFeed

        return PostgresFeed(db)
    from fleetcheck.store.feed.sqlite import SqliteFeed

    return SqliteFeed(db)


def parse_payload(payload: str, at: datetime) -> ScanSaved:
    """The store's notification: JSON with the scan's id and customer key. Anything else is
    still a save we heard of: then everything is looked at."""
    try:
        data = json.loads(payload)
    except ValueError:
        return ScanSaved(at)
    if not isinstance(data, dict):
        return ScanSaved(at)
    scan_id = next((v for k in ("scan_id", "scan", "id") if isinstance(v := data.get(k), int)), None)
    ckey = data.get("customer_key")
    return ScanSaved(at, scan_id, ckey if isinstance(ckey, str) else None)
