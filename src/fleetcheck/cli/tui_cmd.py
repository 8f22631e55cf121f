"""`fleetcheck tui` (and bare `fleetcheck`): the live dashboard.

Only argparse is imported at module level; Textual is imported inside run(),
so `fleetcheck --help` and headless scans never load it.
"""

from __future__ import annotations

import argparse
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


def run(args: argparse.Namespace) -> int:
    from fleetcheck.tui.gc_tuning import tune_for_interactive

    app = make_app(args)
    tune_for_interactive()  # keeps full garbage collections from stalling the UI
    code = app.run() or 0
    exit_if_threads_hang(code)
    return code


def make_app(args: argparse.Namespace, keep_connections: bool = True) -> FleetcheckApp:
    """The dashboard wired by the session builder (also for tests and bench/tui_rescan.py).

    Rescans (r, R, the interval) reuse each host's SSH connection instead of a new handshake.
    """
    from functools import partial

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
