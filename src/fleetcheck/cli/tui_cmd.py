"""`fleetcheck tui` (and bare `fleetcheck`): the live dashboard.

Only argparse is imported at module level; Textual is imported inside run(),
so `fleetcheck --help` and headless scans never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

from fleetcheck.cli.common import (
    add_engine_arguments,
    add_history_and_ssh_arguments,
    add_inventory_argument,
)

COLLECTOR_THREAD_PREFIX = "fleetcheck-collect"

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
Full scans are saved to the history folder like `fleetcheck scan` does.
"""


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds (0 = off), got {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"expected seconds (0 = off), got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add_inventory_argument(parser)
    add_engine_arguments(parser)
    parser.add_argument("--interval", type=_interval, default=300.0, metavar="S",
                        help="rescan everything every S seconds, 0 = never (default: 300; p pauses)")
    parser.add_argument("--theme", metavar="NAME",
                        help="colour theme, e.g. ansi-dark for odd terminals (default: textual-dark)")
    add_history_and_ssh_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from fleetcheck.core.collectors.registry import CollectorOptions, build_collectors
    from fleetcheck.core.engine import EngineOptions
    from fleetcheck.core.history import History
    from fleetcheck.core.inventory import default_inventory_paths, load_inventory
    from fleetcheck.tui.app import FleetcheckApp
    from fleetcheck.tui.config import load_config
    from fleetcheck.tui.gc_tuning import tune_for_interactive
    from fleetcheck.tui.keys import binding_ids

    config = load_config(known_ids=binding_ids())
    paths = list(args.inventories) or default_inventory_paths()
    inventory = load_inventory(paths, ssh_config=args.ssh_config)
    unavailable: dict[str, str] = {}
    collectors = build_collectors(CollectorOptions(ssh_config=args.ssh_config, concurrency=args.concurrency),
                                  {h.kind for h in inventory.hosts}, unavailable)
    history = None if args.no_history else History(args.history_dir)
    customer = inventory.customer
    app = FleetcheckApp(
        inventory, collectors,
        options=EngineOptions(concurrency=args.concurrency, host_timeout=args.timeout),
        interval=args.interval, config=config, theme=args.theme,
        history=None if history is None else (lambda name: history.load_history(customer, name, limit=20)),
        on_scan_done=None if history is None else history.save,
        previous=None if history is None else (lambda h: history.previous_host_result(h.name, customer)),
        unavailable=unavailable,
    )
    tune_for_interactive()  # keeps full garbage collections from stalling the UI
    code = app.run() or 0
    _exit_if_threads_hang(code)
    return code


def _exit_if_threads_hang(code: int) -> None:
    """A collector thread stuck in a blocking call would keep Python from exiting: leave anyway."""
    stuck = [t for t in threading.enumerate() if t.name.startswith(COLLECTOR_THREAD_PREFIX)]
    for t in stuck:
        t.join(timeout=0.1)
    if any(t.is_alive() for t in stuck):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
