"""`fleetcheck trust HOST [INVENTORY...] [--yes]`: record a host's SSH key after confirmation.

Connects for the key exchange only (no login, nothing run), shows the key
type and SHA256 fingerprint, asks (or takes --yes) and appends the key to
the host's known_hosts file (the inventory's, else ~/.ssh/known_hosts).
A different key already recorded for the host is never replaced: that is
what an interception looks like, so the user must remove it deliberately.
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
    import time

    from fleetcheck.core.contracts import Unreachable
    from fleetcheck.core.errors import FleetcheckError
    from fleetcheck.core.inventory import default_inventory_paths, load_inventory
    from fleetcheck.core.kinds import ssh_kinds
    from fleetcheck.core.ssh.config import SshConfig, Target
    from fleetcheck.core.ssh.connect import ConnectOptions, Connector
    from fleetcheck.core.ssh.hostkey import check_host_key
    from fleetcheck.core.ssh.keys import KeyStore
    from fleetcheck.core.ssh.knownhosts import KnownHostsCache, Verdict, append_entry, fingerprint, host_token

    paths = list(args.inventories) or default_inventory_paths()
    inventory = load_inventory(paths, ssh_config=args.ssh_config)
    config = SshConfig.load(args.ssh_config)
    host = next((h for h in inventory.hosts if h.name == args.host), None)
    if host is not None:
        if host.kind not in ssh_kinds():
            raise FleetcheckError(f"host {host.name} is a '{host.kind}', not scanned over SSH")
        target = config.resolve(host)
    else:
        # not an inventory host: a jump host or an address; record where the inventory's hosts look
        files = {h.known_hosts for h in inventory.hosts if h.known_hosts}
        target = config.resolve_spec(args.host, (files.pop(),) if len(files) == 1 else ())
    if args.known_hosts:
        target = Target(target.label, target.hostname, target.port, target.user, target.identity_files,
                        (args.known_hosts,), target.jump, target.proxy_command)
    where = host_token(target.hostname, target.port)
    record_in = target.known_hosts[0]

    cache = KnownHostsCache()
    connector = Connector(KeyStore(), cache, ConnectOptions(connect_timeout=args.timeout,
                                                                             banner_timeout=args.timeout))
    try:
        transport, _ = connector.handshake(target, time.monotonic() + args.timeout, args.host, verify=False)
    except Unreachable as exc:
        raise FleetcheckError(f"cannot get the host key of {args.host} ({where}): {exc.reason}") from None
    finally:
        connector.close()
    try:
        key = transport.get_remote_server_key()
        key_type, blob = key.get_name(), key.asbytes()
    finally:
        transport.close()
    offered = f"{key_type} {fingerprint(blob)}"
    check = check_host_key(target, cache, key_type, blob)
    if check.verdict is Verdict.MATCH:
        print(f"{args.host} ({where}) is already trusted: {offered} ({check.known[0].where})")
        return 0
    if check.verdict is Verdict.REVOKED:
        raise FleetcheckError(f"{args.host} ({where}) offers {offered}, which is revoked at "
                              f"{check.known[0].where}; not recording it")
    if check.verdict is Verdict.CHANGED:
        old = "; ".join(f"{k.key_type} {k.fingerprint} at {k.where}" for k in check.known)
        raise FleetcheckError(f"refusing to record: known_hosts already has a different key for {args.host} "
                              f"({where}): {old}; the server now offers {offered}. This is what an "
                              "interception looks like. If the host was reinstalled, verify the new "
                              "fingerprint with its admin and remove the old line first")
    print(f"{args.host} ({where}) offers the host key {offered}")
    if not args.yes and not _confirm(f"Record it in {record_in}? Compare the fingerprint with the one the "
                                     "host's admin gives you. [y/N] "):
        print("not recorded")
        return 1
    try:
        append_entry(record_in, target.hostname, target.port, key_type, blob)
    except OSError as exc:
        raise FleetcheckError(f"cannot record the key in {record_in}: {exc.strerror or exc}") from None
    print(f"recorded in {record_in}")
    return 0


def _confirm(question: str) -> bool:
    print(question, end="", flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print()
    return answer.strip().lower() in ("y", "yes")
