"""`fleetcheck history`: saved scans, what changed, one host over time, and pruning.

`history` lists saved scans (newest first) and what changed in the newest
one since the scan before it; with `--host`, that host's state over time.
`history prune --older-than 400d` deletes old scans. Everything that came
from a host or an inventory is printed through `core.text.clean`.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from fleetcheck.cli.common import add_db_argument

if TYPE_CHECKING:
    from fleetcheck.store import Changes, HostPoint, ScanInfo, Store

_AGE = re.compile(r"^(\d+)([dhw])$")
_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def age(text: str) -> timedelta:
    """An argparse type: an age such as `400d`, `12w`, `36h`."""
    m = _AGE.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"expected an age such as 400d, 12w or 36h, got {text!r}")
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


def when(text: str) -> datetime:
    """An argparse type: `2026-11-01`, `2026-11-01T02:15` (UTC unless an offset is given) or an age."""
    if _AGE.match(text.strip()):
        return datetime.now(UTC) - age(text)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date (2026-11-01), a time (2026-11-01T02:15) "
                                         f"or an age (30d, 12h, 2w), got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_customer_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer", metavar="NAME",
                        help="the customer (as written in its inventory; needed when the database holds "
                             "several)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_customer_argument(parser)
    parser.add_argument("--host", metavar="NAME", help="one host's state over time")
    parser.add_argument("--since", type=when, metavar="DATE", help="only scans since DATE (or an age: 30d)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N scans (default: 20)")
    add_db_argument(parser)
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    prune = sub.add_parser("prune", help="delete scans older than an age",
                           description="Delete saved scans older than an age, and the evidence only "
                                       "they used.")
    prune.add_argument("--older-than", type=age, required=True, metavar="AGE",
                       help="e.g. 400d (days), 12w (weeks), 36h (hours)")
    add_db_argument(prune, inner=True)


def run(args: argparse.Namespace) -> int:
    from fleetcheck.cli.common import print_store_notices
    from fleetcheck.store import open_store

    store = open_store(args.db)
    try:
        print_store_notices(store)
        if args.action == "prune":
            return _prune(store, args.older_than, sys.stdout)
        return _show(store, args, sys.stdout)
    finally:
        print_store_notices(store)
        store.close()


def pick_customer(store: Store, name: str | None) -> str | None:
    """The customer key for `--customer NAME` (None: every customer). Unknown or ambiguous: an error."""
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.text import clean

    known = store.customers()
    if name is None:
        return known[0][0] if len(known) == 1 else None
    exact = [k for k, n in known if n == name]
    loose = exact or [k for k, n in known if n and n.casefold() == name.casefold()]
    if len(loose) == 1:
        return loose[0]
    names = ", ".join(repr(clean(n or k)) for k, n in known) or "none yet"
    raise FleetcheckError(f"--customer {clean(name)!r}: no such customer in the history (known: {names})")


def _when(ts: datetime | None) -> str:
    return "—" if ts is None else ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _scan_line(info: ScanInfo, with_customer: bool) -> str:
    from fleetcheck.core.text import clean

    state = info.state.value if info.state else "—"
    who = f"  {clean(info.customer or info.customer_key)}" if with_customer else ""
    return (f"#{info.id:<5} {_when(info.started)}  {info.status.value:<11} {state:<7} "
            f"{info.hosts:>4} hosts{who}")


def _show(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    ckey = pick_customer(store, args.customer)
    if args.host is not None:
        from fleetcheck.core.errors import FleetcheckError

        if ckey is None:
            raise FleetcheckError("--host needs --customer: the history holds several customers")
        return _show_host(store.host_history(ckey, args.host, args.limit, args.since), args.host, out)
    scans = store.list_scans(ckey, args.since, args.limit)
    if not scans:
        out.write(f"no saved scans in {store.location}\n")
        return 0
    out.write(f"{len(scans)} saved scan{'s' if len(scans) != 1 else ''} in {store.location}, newest first:\n")
    for info in scans:
        out.write(_scan_line(info, ckey is None) + "\n")
    newest = {}
    for info in scans:  # the newest scan of each customer shown
        newest.setdefault(info.customer_key, info)
    for info in newest.values():
        write_changes(store.changes(info.id), out)
        _write_acks(store, info.customer_key, out)
    return 0


def _write_acks(store: Store, ckey: str, out: TextIO) -> None:
    from fleetcheck.core.text import clean

    acks = store.acks(ckey)
    if acks:
        out.write(f"  acknowledged ({len(acks)}, still shown and counted):\n")
    for a in acks:
        until = f", until {_when(a.until)}" if a.until else ""
        out.write(f"    {clean(a.host)} {clean(a.check_id)}: {clean(a.note)} ({clean(a.who)}{until})\n")


def _show_host(points: list[HostPoint], host: str, out: TextIO) -> int:
    from fleetcheck.core.text import clean

    if not points:
        out.write(f"no saved results of host {clean(host)!r}\n")
        return 0
    out.write(f"{clean(host)}: {len(points)} saved result{'s' if len(points) != 1 else ''}, newest first:\n")
    for p in points:
        reach = "" if p.reachability.value == "reachable" else f" ({p.reachability.value})"
        out.write(f"{_when(p.scan_started)}  {p.state.value:<7}{reach}  "
                  f"{p.unknown_count} could not run\n")
        for check_id, state, summary in p.problems:
            out.write(f"    {state.value:<7} {clean(check_id)}: {clean(summary)}\n")
    return 0


def write_changes(ch: Changes, out: TextIO) -> None:
    """What changed, in plain words (also used after a scan and by reports' plain-text forms)."""
    from fleetcheck.core.text import clean

    who = clean(ch.new.customer or ch.new.customer_key)
    if ch.old is None:
        out.write(f"\n{who}: first saved scan ({_when(ch.new.started)}), nothing to compare with\n")
        return
    out.write(f"\n{who}: changes from {_when(ch.old.started)} to {_when(ch.new.started)}:\n")
    if ch.empty:
        out.write("  nothing changed\n")
        return
    sections = [
        ("new crashes and unexpected reboots", [f"{f.state.value:<7} {clean(f.host)} {clean(f.check_id)}: "
                                               f"{clean(f.summary)}" for f in ch.new_crashes]),
        ("new problems", [f"{f.state.value:<7} {clean(f.host)} {clean(f.check_id)}: {clean(f.summary)}"
                          + (f" (was {f.before.value})" if f.before else "") for f in ch.new_problems]),
        ("resolved", [f"{clean(f.host)} {clean(f.check_id)} (was {f.before.value if f.before else '—'}): "
                      f"{clean(f.summary)}" for f in ch.resolved]),
        ("became unreachable", [f"{clean(c.host)}: {clean(c.reason)}" for c in ch.became_unreachable]),
        ("reachable again", [f"{clean(c.host)} (was {c.before.value if c.before else '—'})"
                             for c in ch.came_back]),
        ("new hosts", [clean(h) for h in ch.new_hosts]),
        ("not in this scan", [clean(h) for h in ch.missing_hosts]),
    ]
    for title, lines in sections:
        if lines:
            out.write(f"  {title} ({len(lines)}):\n")
            out.writelines(f"    {line}\n" for line in lines)


def _prune(store: Store, older_than: timedelta, out: TextIO) -> int:
    cutoff = datetime.now(UTC) - older_than
    n = store.prune(cutoff)
    out.write(f"deleted {n} scan{'s' if n != 1 else ''} that started before {_when(cutoff)} "
              f"from {store.location}\n")
    return 0
