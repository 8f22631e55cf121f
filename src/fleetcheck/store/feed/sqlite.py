"""The SQLite history's feed: `PRAGMA data_version` read once a second (see feed/__init__.py)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from fleetcheck.core.results import utcnow
from fleetcheck.core.text import clean
from fleetcheck.store.feed import Emit, FeedDown, FeedUp, ScanSaved

POLL = 1.0  # seconds between two looks at the counter
RETRY = 2.0  # seconds between two tries to open a file that could not be read


class SqliteFeed:
    def __init__(self, path: str | Path, poll: float = POLL) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        self.poll = poll
        self.how = f"polling the file's data_version every {poll:g} s"

    def run(self, emit: Emit, stop: threading.Event) -> None:
        down = False
        while not stop.is_set():
            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
                try:
                    last = conn.execute("PRAGMA data_version").fetchone()[0]
                    down = False
                    emit(FeedUp(utcnow()))
                    while not stop.wait(self.poll):
                        version = conn.execute("PRAGMA data_version").fetchone()[0]
                        if version != last:
                            last = version
                            emit(ScanSaved(utcnow()))
                finally:
                    conn.close()
            except sqlite3.Error as exc:
                if not down:
                    down = True
                    emit(FeedDown(utcnow(), clean(f"{self.path}: {exc}")))
                stop.wait(RETRY)
