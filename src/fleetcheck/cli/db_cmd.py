"""`fleetcheck db upgrade` and `fleetcheck db grant`: the history database's schema and roles.

`db upgrade` brings the schema to this version's (PostgreSQL: as the
database's owner, once per release; scanners never migrate, they may only
insert; SQLite files also migrate themselves when opened). `db grant` lets a
PostgreSQL role write one customer's scans (a scanner) or read every
customer (the central dashboard, reports). See docs/postgresql.md.
"""

from __future__ import annotations

import argparse

from fleetcheck.cli.common import add_db_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create or migrate the schema to this version's",
                        description="Create or migrate the history database's schema (PostgreSQL: run as "
                                    "the database's owner; SQLite: the file is migrated in place).")
    add_db_argument(up)
    grant = sub.add_parser("grant", help="let a PostgreSQL role write one customer's scans, or read all",
                           description="Give an existing PostgreSQL role the privileges and row-level "
                                       "security grant it needs: --customer NAME for a scanner (reads and "
                                       "writes that customer's rows only), --reader for the central "
                                       "dashboard and reports (reads every customer, writes nothing).")
    grant.add_argument("role", metavar="ROLE", help="an existing role (CREATE ROLE ... LOGIN)")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="NAME", help="the customer as written in its inventory")
    who.add_argument("--reader", action="store_true", help="read every customer")
    add_db_argument(grant)


def run(args: argparse.Namespace) -> int:
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.store import chosen_db, customer_key, is_central

    db = chosen_db(args.db)
    if args.action == "grant":
        if not is_central(db):
            raise FleetcheckError("db grant: roles exist only in PostgreSQL; give --db postgresql://...")
        from fleetcheck.store.postgres.admin import grant

        ckey = None if args.reader else customer_key(args.customer, ())
        print(grant(str(db), args.role, ckey))
        return 0
    if is_central(db):
        from fleetcheck.store.postgres.admin import upgrade_message

        print(upgrade_message(str(db)))
        return 0
    from fleetcheck.store import default_db_path
    from fleetcheck.store.sqlite.backend import SqliteStore
    from fleetcheck.store.sqlite.schema import VERSION

    store = SqliteStore(str(db) if db is not None else default_db_path())
    found = store.schema_found
    store.close()
    if found == VERSION:
        print(f"{store.location}: schema is at version {VERSION}, nothing to do")
    else:
        print(f"{store.location}: schema upgraded from version {found} to {VERSION}")
    return 0
