"""The PostgreSQL store's feed: LISTEN on the channel each scan's save transaction notifies.

One connection of its own (autocommit), not from the store's pool: a
listening session must stay open. When the server goes away (restart,
network), the feed says so once and reconnects with a growing pause (up to
5 s); on reconnecting it emits `FeedUp`, so the dashboard reads what was
saved while nobody listened (notifications sent then are lost by design).
"""

from __future__ import annotations

import threading

from fleetcheck.core.results import utcnow
from fleetcheck.core.text import clean
from fleetcheck.store.feed import Emit, FeedDown, FeedUp, parse_payload
from fleetcheck.store.postgres.backend import CHANNEL
from fleetcheck.store.postgres.conninfo import check_url, location, redact

WAIT = 0.5  # seconds notifies() blocks before looking at `stop`
RETRY_FIRST, RETRY_MAX = 0.5, 5.0  # seconds between reconnection attempts


class PostgresFeed:
    how = "LISTEN/NOTIFY"

    def __init__(self, dsn: str) -> None:
        self.dsn = check_url(dsn)  # never one with a password in it (conninfo.py)
        self.location = location(dsn)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        import psycopg

        retry = RETRY_FIRST
        down = False
        while not stop.is_set():
            try:
                # TCP keepalives: a silently vanished server (cable, paused VM) is noticed in ~20 s
                with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5, keepalives=1,
                                     keepalives_idle=5, keepalives_interval=5, keepalives_count=3) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    down, retry = False, RETRY_FIRST
                    emit(FeedUp(utcnow()))
                    while not stop.is_set():
                        for note in conn.notifies(timeout=WAIT):
                            emit(parse_payload(note.payload, utcnow()))
            except psycopg.Error as exc:
                if not down:
                    down = True
                    reason = redact(" ".join(str(exc).split())) or type(exc).__name__
                    emit(FeedDown(utcnow(), clean(f"{self.location}: {reason}")))
                stop.wait(retry)
                retry = min(RETRY_MAX, retry * 2)
