"""Arguments every scanning front end shares (`scan`, `tui`), parsed the same way."""

from __future__ import annotations

import argparse
import math
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from fleetcheck.core.inventory.model import Inventory
    from fleetcheck.core.session import ScanHistory, SessionOptions
    from fleetcheck.store import Store

DB_HELP = ("history database: a file, or a PostgreSQL URL postgresql://USER@HOST/DB (no password in it; "
           "see docs/postgresql.md) (default: $FLEETCHECK_DB, else $FLEETCHECK_HOME/history.sqlite3, else "
           "history.sqlite3 in the user state folder)")
MAX_DURATION = 7 * 86400.0  # seconds: longer is a typo, and paramiko's timers overflow on 1e308


def duration(allow_zero: bool = False, maximum: float = MAX_DURATION) -> Callable[[str], float]:
    """The one argparse type for every duration in seconds: finite, > 0 (or 0 when it means
    "off"), at most `maximum`; inf, nan and negative values are refused with one line."""
    floor = "0 or more" if allow_zero else "more than 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero) or value > maximum:
            raise argparse.ArgumentTypeError(
                f"expected seconds, {floor} and at most {maximum:g}, got {text!r}")
        return value
    parse.__name__ = "duration"
    return parse


def positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    """An argparse type: a number greater than zero (NaN refused)."""
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if not value > 0:  # also refuses NaN
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value
    parse.__name__ = kind.__name__
    return parse


def add_inventory_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inventories", nargs="*", metavar="INVENTORY",
                        help="inventory file or folder (default: the bundled local inventory)")


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=positive(int), default=32, metavar="N",
                        help="hosts scanned at the same time (default: 32)")
    parser.add_argument("--timeout", type=duration(), default=60.0, metavar="S",
                        help="deadline per host in seconds (default: 60)")


def add_db_argument(parser: argparse.ArgumentParser, inner: bool = False) -> None:
    """`inner`: on a sub-command's own parser, so an unset --db there keeps the outer one's value."""
    parser.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS if inner else None,
                        help=DB_HELP)


def add_history_and_ssh_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-history", action="store_true",
                        help="do not save scans, nor read earlier ones")
    add_db_argument(parser)
    parser.add_argument("--ssh-config", metavar="FILE",
                        help="OpenSSH client config (default: ~/.ssh/config)")


def session_options(args: argparse.Namespace, **more: Any) -> SessionOptions:
    """The session settings every scanning front end takes from its shared arguments."""
    from fleetcheck.core.session import SessionOptions

    return SessionOptions(inventories=tuple(args.inventories), ssh_config=args.ssh_config,
                          concurrency=args.concurrency, host_timeout=args.timeout,
                          history=not args.no_history, db=args.db, **more)


def open_history(db: str | None, inventory: Inventory) -> ScanHistory | None:
    """The session's history factory: an unusable database is a warning, never the scan's end."""
    from fleetcheck.store import StoreError
    from fleetcheck.store.session import ScanHistory as StoreHistory

    try:
        history = StoreHistory.open(db, inventory.customer, inventory.files)
    except (StoreError, OSError) as exc:
        print(f"fleetcheck: warning: history not available, scanning without it: {exc}", file=sys.stderr)
        return None
    print_notices(history)
    return history


def print_notices(history: ScanHistory) -> None:
    for notice in history.take_notices():
        print(f"fleetcheck: {notice}", file=sys.stderr)


def print_store_notices(store: Store) -> None:
    for notice in store.notices:
        print(f"fleetcheck: {notice}", file=sys.stderr)
    store.notices.clear()


def exit_if_threads_hang(code: int) -> None:
    """A collector thread stuck in a blocking call would keep Python from exiting: leave anyway."""
    from fleetcheck.core.engine import COLLECTOR_THREAD_PREFIX

    stuck = [t for t in threading.enumerate() if t.name.startswith(COLLECTOR_THREAD_PREFIX)]
    for t in stuck:
        t.join(timeout=0.1)  # idle pool workers end right away
    if any(t.is_alive() for t in stuck):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def warn_exposure(inventory: Inventory) -> None:
    """One stderr warning per inventory or key file that gives a secret away (never fatal)."""
    from fleetcheck.core.inventory.exposure import exposure_warnings

    for line in exposure_warnings(inventory):
        print(f"fleetcheck: warning: {line}", file=sys.stderr)


def open_private(path: str) -> TextIO:
    """A file for scan output, created 0600: it holds the same evidence as the 0600 history."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(fd, "w", encoding="utf-8")
