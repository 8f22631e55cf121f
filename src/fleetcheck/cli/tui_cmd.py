"""`fleetcheck tui` (and bare `fleetcheck`): the live dashboard.

Only argparse is imported at module level; Textual is imported inside run(),
so `fleetcheck --help` and headless scans never load it.
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import TYPE_CHECKING

from fleetcheck.cli.common import (
    add_engine_arguments,
    add_history_and_ssh_arguments,
    add_inventory_argument,
    duration,
    exit_if_threads_hang,
    open_history,
    session_options,
)

if TYPE_CHECKING:
    from fleetcheck.tui.app import FleetcheckApp

EPILOG = """\
keys: arrows/j/k move, g/G top/bottom, Enter detail, Esc back, / filter
(words, state:crit, kind:printer, site:, tag:, !negate), 1-5 quick views
(all, problems, unreachable, printers, stale), s sort, r rescan host,
R rescan all, p pause auto-rescan, +/- interval, e export, y copy address,
? help, ctrl+p command palette, q quit.

settings (optional): $FLEETCHECK_TUI_CONFIG, else tui.toml in the user config
folder (Linux: ~/.config/fleetcheck/tui.toml):
    theme = "ansi-dark"
    [keys]
    rescan-host = "ctrl+r"
Binding ids are listed in ? help. Themes: textual-dark (default), ansi-dark and
ansi-light (use the terminal's own colours), and every theme in the palette.
Full scans are saved to the history database like `fleetcheck scan` does.

central view: without an inventory and with --db postgresql://… (or
FLEETCHECK_DB), or with --central, it shows every customer's newest complete
scan from the database, live as scanners save new ones; it never scans.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add_inventory_argument(parser)
    add_engine_arguments(parser)
    parser.add_argument("--interval", type=duration(allow_zero=True), default=300.0, metavar="S",
                        help="rescan everything every S seconds, 0 = never (default: 300; p pauses)")
    parser.add_argument("--theme", metavar="NAME",
                        help="colour theme, e.g. ansi-dark for odd terminals (default: textual-dark)")
    add_history_and_ssh_arguments(parser)
    central = parser.add_argument_group("central view (no inventory; rows from the database)")
    central.add_argument("--central", action="store_true",
                         help="the central view on any history database (implied by --db postgresql://… "
                              "without an inventory)")
    central.add_argument("--customer", metavar="NAME", help="only this customer (its name or key)")
    central.add_argument("--stale-after", type=duration(maximum=366 * 86400.0), metavar="S",
                         default=26 * 3600.0,
                         help="a customer's scan older than S seconds is shown STALE (default: 93600 = 26 h)")


def db_of(args: argparse.Namespace) -> str | None:
    from fleetcheck.store import chosen_db

    db = chosen_db(args.db)
    return None if db is None else str(db)


def wants_central(args: argparse.Namespace) -> bool:
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.store import is_central

    central = bool(args.central or (not args.inventories and is_central(db_of(args))))
    if central and args.inventories:
        raise FleetcheckError("--central shows the database, not an inventory: give one or the other")
    if central and args.no_history:
        raise FleetcheckError("--central reads the history database: --no-history leaves nothing to show")
    if not central and args.customer is not None:
        raise FleetcheckError("--customer belongs to the central view (--db postgresql://… or --central)")
    return central


def run(args: argparse.Namespace) -> int:
    from fleetcheck.tui.gc_tuning import tune_for_interactive

    app = make_central_app(args) if wants_central(args) else make_app(args)
    tune_for_interactive()  # keeps full garbage collections from stalling the UI
    code = app.run() or 0
    exit_if_threads_hang(code)
    return code


def make_central_app(args: argparse.Namespace) -> FleetcheckApp:
    """The central view: the store's feed and reader, no inventory, no collectors."""
    from datetime import timedelta
    from pathlib import Path

    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.text import clean
    from fleetcheck.store import default_db_path, is_central, open_store
    from fleetcheck.store.central import CentralReader, row_history
    from fleetcheck.store.feed import open_feed
    from fleetcheck.tui.central_app import CentralApp
    from fleetcheck.tui.config import load_config
    from fleetcheck.tui.keys import binding_ids

    db = db_of(args) or str(default_db_path())
    if not is_central(db) and not Path(db).expanduser().is_file():  # a typo must not create a file
        raise FleetcheckError(f"--db {clean(db)}: no history database there (the central view reads one; "
                              "scans create it)")
    config = load_config(known_ids=binding_ids())
    open_store(db, import_legacy=False).close()  # a database that cannot be opened: one line, exit 2
    reader = CentralReader(lambda: open_store(db, import_legacy=False), args.customer)
    return CentralApp(open_feed(db), reader,
                      stale_after=timedelta(seconds=args.stale_after), config=config, theme=args.theme,
                      history=partial(row_history, lambda: open_store(db, import_legacy=False)))


def make_app(args: argparse.Namespace, keep_connections: bool = True) -> FleetcheckApp:
    """The dashboard wired by the session builder (also for tests and bench/tui_rescan.py).

    Rescans (r, R, the interval) reuse each host's SSH connection instead of a new handshake.
    """
    from fleetcheck.core.session import open_session
    from fleetcheck.report.source import changes_since_saved
    from fleetcheck.tui.app import FleetcheckApp
    from fleetcheck.tui.config import load_config
    from fleetcheck.tui.keys import binding_ids

    config = load_config(known_ids=binding_ids())
    session = open_session(session_options(args, keep_connections=keep_connections), history=open_history)
    history = session.history
    return FleetcheckApp(
        session.inventory, session.collectors,
        options=session.engine_options,
        interval=args.interval, config=config, theme=args.theme,
        history=None if history is None else history.host_scans,
        on_scan_done=None if history is None else history.save,
        windows=None if history is None else history.windows,
        previous=None if history is None else history.previous,
        unavailable=session.unavailable,
        report_changes=None if history is None else partial(changes_since_saved, history.store),
    )
