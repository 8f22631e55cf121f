"""`fleetcheck ack HOST CHECK --note ...` and `fleetcheck unack HOST CHECK`: known problems.

An acknowledgement annotates a finding (host + check id, e.g. `fs.used:/var`)
with a note, who made it and an optional expiry. It never hides the finding
and never changes the exit code: scans show it beside the problem and count
acknowledged problems apart in the summary line.
"""

from __future__ import annotations

import argparse
import sys

from fleetcheck.cli.common import add_db_argument
from fleetcheck.cli.history_cmd import add_customer_argument, pick_customer, when


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", metavar="HOST", help="host name as in the inventory")
    parser.add_argument("check", metavar="CHECK", help="check id as shown by a scan, e.g. fs.used:/var")
    if parser.prog.endswith(" ack"):
        parser.add_argument("--note", required=True, help="why this is known and accepted (shown with it)")
        parser.add_argument("--until", type=when, metavar="DATE",
                            help="the acknowledgement ends then (default: until `unack`)")
        parser.add_argument("--by", metavar="NAME", help="who acknowledges (default: the login name)")
    add_customer_argument(parser)
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from fleetcheck.cli.common import print_store_notices
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.text import clean
    from fleetcheck.store import open_store

    store = open_store(args.db)
    try:
        print_store_notices(store)
        ckey = pick_customer(store, args.customer)
        if ckey is None:
            raise FleetcheckError("--customer is needed: the history holds several customers (or none)")
        if args.command == "unack":
            if not store.unack(ckey, args.host, args.check):
                raise FleetcheckError(f"{clean(args.host)} {clean(args.check)}: no acknowledgement to remove")
            print(f"removed the acknowledgement of {clean(args.host)} {clean(args.check)}")
            return 0
        note = args.note.strip()
        if not note or "\n" in note:
            raise FleetcheckError("--note: one line of text, not empty")
        ack = store.ack(ckey, args.host, args.check, note, args.by, args.until)
        until = f" until {ack.until:%Y-%m-%d %H:%M} UTC" if ack.until else ""
        print(f"acknowledged {clean(ack.host)} {clean(ack.check_id)} by {clean(ack.who)}{until}: "
              f"{clean(ack.note)}", file=sys.stdout)
        return 0
    finally:
        store.close()
