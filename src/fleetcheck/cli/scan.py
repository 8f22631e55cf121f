"""`fleetcheck scan`: scan hosts headless, print the results, exit with the Nagios code.

Only argparse is imported at module level: `fleetcheck --help` builds every
sub-command's parser, and the headless path must never load Textual.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from fleetcheck.cli.common import (
    add_engine_arguments,
    add_history_and_ssh_arguments,
    add_inventory_argument,
    duration,
    exit_if_threads_hang,
    open_history,
    open_private,
    print_notices,
    session_options,
    warn_exposure,
)
from fleetcheck.cli.report_cmd import add_report_arguments

if TYPE_CHECKING:
    import asyncio

    from fleetcheck.cli.output import Output
    from fleetcheck.cli.output.progress import StatusLine
    from fleetcheck.core.engine import ScanEngine
    from fleetcheck.core.events import Event
    from fleetcheck.core.inventory.model import Host, Inventory
    from fleetcheck.core.results import ScanResult
    from fleetcheck.core.session import ScanSession, SpoolNotice

EXIT_UNKNOWN = 3
EXIT_INTERRUPTED = 130
CLOSE_TIMEOUT = 2.0  # seconds collectors get to close their connections after the scan
CLOSE_TIMEOUT_CANCELLED = 0.3  # after Ctrl-C: the whole stop must take well under a second
TEARDOWN_WAIT = 0.2  # seconds abandoned collector tasks get to unwind before the loop closes
FORMATS = ("table", "json", "jsonl", "nagios", "prometheus")

EPILOG = """\
exit codes (Nagios plugin convention, the worst host decides):
  0  every host OK
  1  worst host WARN
  2  worst host CRIT (down, host key changed, or a critical finding)
  3  worst host UNKNOWN: something could not be checked (timeout, no login,
     missing permission, scan cancelled), or no host was selected
  2  also: bad inventory or bad arguments: one line on stderr, nothing on
     stdout. Nagios has no separate code for usage errors, so this is the
     same code as CRIT (a broken check configuration should alert someone
     anyway); tell them apart by stdout, which is empty for a usage error.
  1  also, at least: with --db postgresql://, the scan could not be sent to
     the central database and waits in the local spool (one line on stderr
     says why; the next run sends it); a worse code stays
  130 interrupted by a second Ctrl-C (the first one stops the scan and
     prints what finished)

A host's own 'timeout' in the inventory wins over --timeout. Each scan is
saved to $FLEETCHECK_HOME/history.sqlite3 (default: the per-user state
folder; --db PATH elsewhere) so crash checks count events since the last
scan that really read each host's logs. A second scan of the same inventory
while one runs says so on one line and exits 3.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add_inventory_argument(parser)
    parser.add_argument("--format", "-f", choices=FORMATS, default="table",
                        help="output format (default: table)")
    parser.add_argument("--host", action="append", default=[], metavar="NAME",
                        help="scan only this host (repeatable); an unknown name is an error")
    parser.add_argument("--tag", action="append", default=[], metavar="TAG",
                        help="scan only hosts carrying this tag (repeatable: all tags must match)")
    add_engine_arguments(parser)
    parser.add_argument("--scan-timeout", type=duration(), default=None, metavar="S",
                        help="deadline for the whole scan in seconds (default: none)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the output to FILE instead of standard output")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="for cron and systemd timers: nothing on standard output (results go to "
                             "history and -o FILE), no progress line; warnings still on stderr; "
                             "the exit code is unchanged")
    add_history_and_ssh_arguments(parser)
    parser.add_argument("--report", metavar="PATH",
                        help="also write a report for the customer after the scan (see 'fleetcheck report'); "
                             "{date} in PATH becomes the scan's date")
    add_report_arguments(parser, "--report-format")


def select_hosts(inventory: Inventory, names: list[str], tags: list[str]) -> tuple[Host, ...]:
    from fleetcheck.core.errors import FleetcheckError

    known = [h.name for h in inventory.hosts]
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FleetcheckError(f"--host {name!r}: no such host in {', '.join(inventory.files)}{hint}")
    return inventory.select(tuple(names), tuple(tags))


def _nothing_selected(inventory: Inventory, args: argparse.Namespace, out: TextIO) -> int:
    tags = sorted({t for h in inventory.hosts for t in h.tags})
    n = len(inventory.hosts)
    message = (f"no hosts selected: {n} host{'' if n == 1 else 's'} in {', '.join(inventory.files)}, "
               f"none matches {' '.join('--tag ' + t for t in args.tag)}"
               + (f"{' and ' if args.tag else ''}--host {' '.join(args.host)}" if args.host else "")
               + f" (tags in use: {', '.join(tags) or 'none'})")
    if args.format == "nagios":
        out.write(f"FLEETCHECK UNKNOWN - {message}\n")
    print(f"fleetcheck: {message}", file=sys.stderr)
    return EXIT_UNKNOWN


def run(args: argparse.Namespace) -> int:
    from fleetcheck.cli.scanlock import ScanLocked, scan_lock
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.session import open_session
    from fleetcheck.store import customer_key, state_dir

    if not args.no_history:  # a central store's URL with a password is refused before anything runs
        from fleetcheck.store import chosen_db, is_central
        from fleetcheck.store.postgres.conninfo import check_url

        db = chosen_db(args.db)
        if is_central(db):
            check_url(str(db))
    # a person at the terminal can unlock an SSH key (asked once per scan); cron cannot
    prompt = _ask_passphrase if sys.stdin.isatty() else None
    if args.report:  # a report that cannot be written is refused before the scan, not after it
        from fleetcheck.cli.report_cmd import check_target

        args.report = _dated(args.report)
        check_target(args.report, args.force, args.timezone)
    session = open_session(session_options(args, scan_timeout=args.scan_timeout, passphrase_prompt=prompt),
                           select=lambda inv: select_hosts(inv, args.host, args.tag), history=open_history)
    inventory, hosts = session.inventory, session.hosts
    warn_exposure(inventory)
    try:
        if args.format == "prometheus" and args.output:  # node_exporter may read it at any moment
            from fleetcheck.cli.output.prometheus import AtomicTextFile

            out: TextIO = AtomicTextFile(args.output)
        elif args.output:
            out = open_private(args.output)
        elif args.quiet:
            out = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        else:
            out = sys.stdout
    except OSError as exc:
        raise FleetcheckError(f"--output {args.output}: {exc.strerror or exc}") from None
    try:
        if not hosts:
            return _nothing_selected(inventory, args, out)
        with scan_lock(state_dir() / "locks", customer_key(inventory.customer, inventory.files),
                       ", ".join(inventory.files)):
            return _scan_and_print(args, session, out)
    except ScanLocked as exc:
        print(f"fleetcheck: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    except KeyboardInterrupt:  # Ctrl-C outside the scan itself (loading, printing)
        print("fleetcheck: interrupted", file=sys.stderr)
        exit_if_threads_hang(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    finally:
        if out is not sys.stdout:
            out.close()


def _scan_and_print(args: argparse.Namespace, session: ScanSession, out: TextIO) -> int:
    from fleetcheck.cli.output import make_output
    from fleetcheck.cli.output.progress import StatusLine

    acks = None if session.history is None else session.history.acks()
    output = make_output(args.format, out, acks)
    streams_to_terminal = args.format == "jsonl" and out is sys.stdout
    progress = (StatusLine(sys.stderr) if sys.stderr.isatty() and args.format != "nagios"
                and not streams_to_terminal and not args.quiet else None)
    scan, broken_pipe, spooled = _run_loop(session, output, progress)
    if progress is not None:
        progress.close()
    if spooled is not None:  # the central store did not get it yet: the JSON says so too
        from fleetcheck.cli.output.json_report import JsonOutput

        if isinstance(output, JsonOutput):
            output.history = spooled.to_dict()
    if not broken_pipe:
        try:
            output.finish(scan)
            out.flush()
        except BrokenPipeError:
            broken_pipe = True
    if broken_pipe:  # the reader went away (`| head`): stay quiet about it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    code = scan.state.nagios_code
    if spooled is not None and code == 0:  # not yet where it belongs: at least WARNING
        code = 1
    if args.report:
        code = _write_report(args, session, scan, code)
    exit_if_threads_hang(code)
    return code


def _dated(path: str) -> str:
    from datetime import date

    return path.replace("{date}", date.today().isoformat())


def _write_report(args: argparse.Namespace, session: ScanSession, scan: ScanResult, code: int) -> int:
    """Write the report of the scan just made, compared with the customer's previous saved scan.

    A report that fails cannot hide a critical host: the code stays CRIT (2), else becomes
    UNKNOWN (3), with one line on stderr."""
    from fleetcheck.cli.report_cmd import write_report
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.report.source import changes_since_saved
    from fleetcheck.store import StoreError, open_store

    try:
        changes = None
        if not args.no_history:
            store = open_store(args.db, import_legacy=False)
            try:
                changes = changes_since_saved(store, scan)
            finally:
                store.close()
        path = write_report(scan, changes, session.inventory, args.report,
                            args.report_format, args.lang, args.timezone, args.force)
    except (FleetcheckError, StoreError, OSError) as exc:
        print(f"fleetcheck: report not written: {exc}", file=sys.stderr)
        return code if code == 2 else EXIT_UNKNOWN
    if not args.quiet:
        print(f"fleetcheck: report written: {path}", file=sys.stderr)
    return code


def _run_loop(session: ScanSession, output: Output,
              progress: StatusLine | None) -> tuple[ScanResult, bool, SpoolNotice | None]:
    """Run the scan on a private loop; returns the result, whether stdout's reader went away, and
    whether the scan stayed in the local spool (central store unreachable).

    Not asyncio.run(): its shutdown waits for the default executor, and a
    hung thread there would keep the process alive past every deadline.
    """
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_scan(session, output, progress))
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:  # abandoned collector tasks; one that ignores cancellation is left behind
            loop.run_until_complete(asyncio.wait(pending, timeout=TEARDOWN_WAIT))
        loop.set_exception_handler(lambda _loop, _ctx: None)
        loop.close()


async def _scan(session: ScanSession, output: Output,
                progress: StatusLine | None) -> tuple[ScanResult, bool, SpoolNotice | None]:
    import asyncio
    import signal

    engine = session.engine()
    broken = False
    recorder = None if session.history is None else session.history.recorder()

    def sink(event: Event) -> None:
        nonlocal broken
        if progress is not None:
            progress.on_event(event)
        if recorder is not None:
            recorder(event)  # saved host by host: a killed scan keeps what finished
        if broken:
            return
        try:
            output.on_event(event)
        except BrokenPipeError:
            broken = True
            engine.cancel()

    # signal.signal, not loop.add_signal_handler: the loop may be stuck writing to a full pipe,
    # and a second Ctrl-C must still end the process at once.
    loop = asyncio.get_running_loop()
    try:
        previous_handler = signal.signal(signal.SIGINT, _interrupt_handler(engine, loop))
        installed = True
    except ValueError:  # not the main thread: leave Ctrl-C as it is
        installed = False
    try:
        inventory = session.inventory
        scan = await engine.run(session.hosts, sink, customer=inventory.customer, inventories=inventory.files)
        # closing is best effort: a collector that cannot close in time must not hold up the results
        await session.close(CLOSE_TIMEOUT_CANCELLED if scan.cancelled else CLOSE_TIMEOUT)
    finally:
        if installed:  # from here on Ctrl-C is a KeyboardInterrupt again
            signal.signal(signal.SIGINT, previous_handler)
    spooled = None
    if session.history is not None and recorder is not None:
        if recorder.error is not None:
            print(f"fleetcheck: warning: scan not saved to history: {recorder.error}", file=sys.stderr)
        print_notices(session.history)
        spooled = session.history.spooled()
        if spooled is not None:
            print(f"fleetcheck: {spooled.line()}", file=sys.stderr)
        session.history.close()
    return scan, broken, spooled


def _ask_passphrase(key_path: str) -> str | None:
    import getpass

    try:
        return getpass.getpass(f"\nPassphrase for SSH key {key_path} (empty to skip): ") or None
    except (EOFError, OSError):
        return None


def _interrupt_handler(engine: ScanEngine, loop: asyncio.AbstractEventLoop) -> Any:
    """First Ctrl-C: stop the scan, keep what finished. Second: leave now (130).

    Runs as a Python signal handler between bytecodes of the main thread, so
    it only writes with os.write and hands the cancel to the loop.
    """
    presses = 0

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            os.write(2, b"\nfleetcheck: stopping the scan, keeping finished results "
                        b"(Ctrl-C again to quit at once)\n")
            loop.call_soon_threadsafe(engine.cancel)
        else:
            os.write(2, b"\nfleetcheck: interrupted\n")
            os._exit(EXIT_INTERRUPTED)
    return on_sigint
