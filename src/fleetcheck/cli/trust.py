"""`fleetcheck trust HOST [INVENTORY...] [--yes]`: record a host's SSH key after confirmation.

Shows the key type and SHA256 fingerprint the host offers and asks (or takes
--yes); what may be recorded, and where, is decided in core/ssh/trust.py.
Exit 0 recorded or already trusted, 1 declined, 2 error.
"""

from __future__ import annotations

import argparse
import sys

from fleetcheck.cli.common import duration


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", metavar="HOST",
                        help="inventory host name, or [user@]address[:port] / ssh config alias (jump hosts)")
    parser.add_argument("inventories", nargs="*", metavar="INVENTORY",
                        help="inventory files or folders (default: the bundled local inventory)")
    parser.add_argument("--yes", "-y", action="store_true", help="record without asking (for scripts)")
    parser.add_argument("--ssh-config", metavar="FILE", help="OpenSSH client config (default ~/.ssh/config)")
    parser.add_argument("--known-hosts", metavar="FILE",
                        help="known_hosts file to record in (default: the host's from the inventory)")
    parser.add_argument("--timeout", type=duration(), default=15.0, metavar="S",
                        help="seconds for the connection and key exchange (default 15)")


def run(args: argparse.Namespace) -> int:
    from fleetcheck.core.inventory import default_inventory_paths, load_inventory
    from fleetcheck.core.ssh.config import SshConfig
    from fleetcheck.core.ssh.trust import fetch_offer, record, resolve

    paths = list(args.inventories) or default_inventory_paths()
    inventory = load_inventory(paths, ssh_config=args.ssh_config)
    target = resolve(args.host, inventory, SshConfig.load(args.ssh_config), args.known_hosts)
    offer = fetch_offer(args.host, target, args.timeout)  # refuses revoked and changed keys
    if offer.already_trusted:
        known = offer.check.known[0].where
        print(f"{args.host} ({offer.where}) is already trusted: {offer.offered} ({known})")
        return 0
    print(f"{args.host} ({offer.where}) offers the host key {offer.offered}")
    if not args.yes and not _confirm(f"Record it in {offer.record_in}? Compare the fingerprint with the one "
                                     "the host's admin gives you. [y/N] "):
        print("not recorded")
        return 1
    record(offer)
    print(f"recorded in {offer.record_in}")
    return 0


def _confirm(question: str) -> bool:
    print(question, end="", flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print()
    return answer.strip().lower() in ("y", "yes")
