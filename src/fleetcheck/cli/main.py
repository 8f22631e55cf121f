"""`fleetcheck` entry point: parses arguments and dispatches to a sub-command.

Sub-command modules are imported only when chosen, so `fleetcheck scan`
pays for neither Textual nor paramiko unless it needs them.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from fleetcheck import __version__
from fleetcheck.core.errors import FleetcheckError

# name -> module that defines add_arguments(parser) and run(args) -> int
COMMANDS = {
    "scan": ("fleetcheck.cli.scan", "scan hosts headless and print results (exit code = Nagios state)"),
    "inventory": ("fleetcheck.cli.inventory_cmd", "validate inventory files and summarise them"),
    "trust": ("fleetcheck.cli.trust", "show a host's SSH key fingerprint and record it in known_hosts"),
    "report": ("fleetcheck.cli.report_cmd",
               "write a report for the customer (HTML, PDF, Markdown, CSV, JSON)"),
    "tui": ("fleetcheck.cli.tui_cmd", "open the live dashboard (the default without a sub-command)"),
    "history": ("fleetcheck.cli.history_cmd", "list saved scans and what changed; prune old ones"),
    "ack": ("fleetcheck.cli.ack_cmd", "acknowledge a known problem (annotates it, never hides it)"),
    "unack": ("fleetcheck.cli.ack_cmd", "remove an acknowledgement"),
    "checks": ("fleetcheck.cli.checks_cmd", "list every check family: title, host kinds, default thresholds"),
    "schedule": ("fleetcheck.cli.schedule", "print a systemd timer or crontab line for a nightly scan"),
    "db": ("fleetcheck.cli.db_cmd", "upgrade the history database's schema; grant PostgreSQL roles"),
    "exporter": ("fleetcheck.cli.exporter.command",
                 "serve /probe?host=NAME for Prometheus: scan a host on each scrape"),
}

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> Parser:
    parser = Parser(prog="fleetcheck", description="Honest health scans of a customer's PCs, servers "
                    "and printers. Without a sub-command, opens the live dashboard.")
    parser.add_argument("--version", action="version", version=f"fleetcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (module, help_text) in COMMANDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # a sub-command this build does not ship (yet) is simply not offered
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
    return parser


# What fleetcheck itself writes beyond ASCII, as ASCII, for a stdout that cannot encode it
# (`LANG=C` cron, PYTHONIOENCODING=ascii); anything else is shown as a backslash escape.
ASCII_FALLBACK = {"—": "-", "–": "-", "…": "...", "≥": ">=", "≤": "<=", "∞": "inf", "·": "-", "✔": "+",
                  "✖": "X", "▲": "!", "⊘": "X", "│": "|", "→": "->", "°": " deg", "±": "+/-"}


def _ascii_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(ASCII_FALLBACK.get(ch) or ch.encode("ascii", "backslashreplace").decode()
                   for ch in bad), exc.end


codecs.register_error("fleetcheck-ascii", _ascii_replace)


def ascii_fallback(*streams: object) -> None:
    """A stream that cannot write fleetcheck's own '—' or '✔' gets ASCII instead of a crash."""
    for stream in streams:
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "—✔…äß".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="fleetcheck-ascii")


def main(argv: Sequence[str] | None = None) -> int:
    ascii_fallback(sys.stdout, sys.stderr)
    args = build_parser().parse_args(argv)
    command = args.command or "tui"
    if args.command is None:
        # bare `fleetcheck`: the dashboard on the default inventory
        args = build_parser().parse_args(["tui"])
    module = importlib.import_module(COMMANDS[command][0])
    try:
        code: int = module.run(args)
        return code
    except FleetcheckError as exc:
        print(f"fleetcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fleetcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `fleetcheck history | head`: the reader has enough; no traceback, and none at exit
        # when Python flushes stdout again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a process ended by SIGPIPE


if __name__ == "__main__":
    raise SystemExit(main())
