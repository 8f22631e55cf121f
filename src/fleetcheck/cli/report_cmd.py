"""`fleetcheck report`: a report for the customer from a saved scan (HTML, PDF, Markdown, CSV, JSON).

Only argparse at module level: `fleetcheck --help` builds every parser.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from fleetcheck.core.errors import FleetcheckError

if TYPE_CHECKING:
    from fleetcheck.core.inventory.model import Inventory
    from fleetcheck.core.results import ScanResult
    from fleetcheck.store import Changes

FORMATS = ("html", "pdf", "md", "csv", "json")
LANGUAGES = ("de", "en")

EPILOG = """\
Without --scan, the newest saved scan of the customer is used (--latest). The
customer is --customer, else the inventory's. The previous saved scan of the
same customer is compared with it ("changes since the previous scan"). The
inventory's optional report: section names your company and technician.
See docs/reports.md.

exit codes: 0 written; 2 bad arguments, no such scan, or --out exists
(add --force to overwrite it).
"""


def add_report_arguments(parser: argparse.ArgumentParser, format_flag: str = "--format") -> None:
    """--format/--lang/--timezone/--force, shared with `scan --report` (there: --report-format)."""
    parser.add_argument(format_flag, dest="report_format", choices=FORMATS, default=None,
                        help="report format (default: from the file name's suffix, else html)")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="report language (default: the inventory's report.language, else en)")
    parser.add_argument("--timezone", metavar="ZONE", default=None,
                        help="time zone for dates in the report (default: this machine's)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing report file")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("inventories", nargs="*", metavar="INVENTORY",
                        help="inventory for the report: section and the secrets to keep out "
                             "(default: the one the scan was made from, if it is still there)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--scan", metavar="ID", help="a saved scan's number (fleetcheck history) or a scan "
                       "file (scan --format json -o FILE)")
    which.add_argument("--latest", action="store_true", help="the newest saved scan (the default)")
    parser.add_argument("--customer", metavar="NAME", help="whose scans (default: the inventory's customer)")
    parser.add_argument("--out", "-o", metavar="PATH", required=True, help="the report file to write")
    add_report_arguments(parser)
    from fleetcheck.cli.common import DB_HELP

    parser.add_argument("--db", metavar="PATH|URL", help=DB_HELP)
    parser.add_argument("--ssh-config", metavar="FILE", help=argparse.SUPPRESS)


def format_of(fmt: str | None, out: str) -> str:
    if fmt:
        return fmt
    suffix = out.rsplit(".", 1)[-1].lower() if "." in out else ""
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix) if suffix in (*FORMATS, "htm", "markdown") \
        else "html"


def check_target(out: str, force: bool, timezone: str | None) -> None:
    """Refuse early (before a scan runs) what would make the report fail at the end."""
    from pathlib import Path

    from fleetcheck.report.output import ReportExists
    from fleetcheck.report.source import zone

    zone(timezone)
    if not force and Path(out).exists():
        raise ReportExists(f"{out}: exists; add --force to overwrite it")
    parent = Path(out).parent
    if not parent.is_dir():
        raise FleetcheckError(f"{out}: folder {parent} does not exist")


def write_report(scan: ScanResult, changes: Changes | None, inventory: Inventory | None, out: str,
                 fmt: str | None, lang: str | None, timezone: str | None, force: bool) -> str:
    """Render and write; returns the path written. Shared by `report` and `scan --report`."""
    from fleetcheck.core.results import utcnow
    from fleetcheck.report import Meta, render
    from fleetcheck.report.output import write_atomic
    from fleetcheck.report.source import zone
    from fleetcheck.report.text import secrets_of

    settings = inventory.report if inventory is not None else None
    language = lang or (settings.language if settings is not None else None) or "en"
    meta = Meta(customer=(inventory.customer if inventory is not None else None) or scan.customer,
                company=settings.company if settings else None,
                technician=settings.technician if settings else None,
                contact=settings.contact if settings else None, generated=utcnow())
    data = render(scan, format_of(fmt, out), language, zone(timezone), changes=changes, meta=meta,
                  secrets=secrets_of(inventory))
    return str(write_atomic(out, data, force=force))


def run(args: argparse.Namespace) -> int:
    from fleetcheck.core.inventory import load_inventory
    from fleetcheck.report import source
    from fleetcheck.store import StoreError, customer_key, open_store

    inventory = load_inventory(args.inventories, ssh_config=args.ssh_config) if args.inventories else None
    try:
        store = open_store(args.db)
    except StoreError as exc:
        raise FleetcheckError(str(exc)) from None
    try:
        for notice in store.notices:
            print(f"fleetcheck: {notice}", file=sys.stderr)
        if args.scan:
            src = source.from_scan_id(args.scan, store)
        elif args.customer:
            src = source.latest(customer_key(args.customer, []), f"customer {args.customer!r}", store)
        elif inventory is None:  # neither said whose: the newest saved scan, whoever it was of
            newest = store.list_scans(limit=1)
            if not newest:
                raise FleetcheckError(f"no saved scan in {store.location}")
            who = f"customer {newest[0].customer!r}" if newest[0].customer else "its inventory"
            src = source.latest(newest[0].customer_key, who, store)
        else:
            who = f"customer {inventory.customer!r}" if inventory.customer else ", ".join(inventory.files)
            src = source.latest(customer_key(inventory.customer, inventory.files), who, store)
    except StoreError as exc:
        raise FleetcheckError(str(exc)) from None
    finally:
        store.close()
    if inventory is None:
        inventory, notice = source.inventory_for([], src.scan, args.ssh_config)
        if notice:
            print(f"fleetcheck: {notice}", file=sys.stderr)
    path = write_report(src.scan, src.changes, inventory, args.out, args.report_format, args.lang,
                        args.timezone, args.force)
    print(f"report written: {path}")
    return 0
