"""One scan of an inventory at a time: a nightly timer must not start a second scan over a slow first one.

An advisory `flock` on a file named after the inventory's identity (its
customer, else its files' paths) in the state folder's `locks/`. The kernel
drops the lock when the process ends, however it ends (SIGKILL included), so
a stale lock file never blocks the next night.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class ScanLocked(Exception):
    """Another process scans the same inventory; the message is one line."""


@contextmanager
def scan_lock(folder: Path, identity: str, label: str) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = folder / f"scan-{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise ScanLocked(f"another scan of {label} is still running ({holder}); "
                             "not starting a second one") from None
        stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {stamp}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
