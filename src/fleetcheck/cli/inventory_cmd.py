"""`fleetcheck inventory check FILE...`: validate inventories and summarise them.

Prints the customer, host counts per kind/site/tag, the threshold overrides in
force and the hosts resolved through the ssh config. Secrets never appear:
password references are named, SNMP communities are not shown at all.
Exit 0 if valid; a bad inventory ends with one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fleetcheck.core.inventory.model import Inventory
    from fleetcheck.core.thresholds import Levels

MAX_NAMES = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="inventory_command", metavar="ACTION", required=True)
    from fleetcheck.core.catalog import help_text

    check = sub.add_parser("check", help="validate inventory files or folders and print a summary",
                           description="Validate inventory files or folders (all merged into one\n"
                           "inventory) and print a summary. Exit 0 if valid, 2 with the first error.",
                           epilog=help_text(), formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("files", nargs="*", metavar="FILE",
                       help="inventory file or folder (default: the bundled local inventory)")
    check.add_argument("--ssh-config", metavar="FILE",
                       help="OpenSSH client config for hosts without address (default ~/.ssh/config)")
    from fleetcheck.cli import inventory_import

    inventory_import.add_arguments(sub)


def run(args: argparse.Namespace) -> int:
    if args.inventory_command == "import":
        from fleetcheck.cli import inventory_import

        return inventory_import.run(args)
    from fleetcheck.cli.common import warn_exposure
    from fleetcheck.core.inventory import default_inventory_paths, load_inventory

    paths = list(args.files) or default_inventory_paths()
    inventory = load_inventory(paths, ssh_config=args.ssh_config)
    warn_exposure(inventory)
    print("\n".join(summary(inventory)))
    return 0


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = f" +{len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    return f"{len(names)} host{'s' if len(names) != 1 else ''}: {shown}{more}"


def _levels_text(levels: Levels) -> str:
    warn = str(levels.warn) if levels.warn is not None else "-"
    crit = str(levels.crit) if levels.crit is not None else "-"
    return f"warn {warn:<7} crit {crit:<7}"


def summary(inventory: Inventory) -> list[str]:
    hosts = inventory.hosts
    lines = [f"valid: {', '.join(inventory.files)}"]
    lines.append(f"customer: {inventory.customer or '(not named)'}")
    lines.append(f"hosts: {len(hosts)}")
    lines.append(f"  by kind: {_counts(Counter(h.kind for h in hosts))}")
    if inventory.sites or any(h.site for h in hosts):
        lines.append(f"  by site: {_counts(Counter(h.site or '(no site)' for h in hosts))}")
    tags = Counter(tag for h in hosts for tag in h.tags)
    lines.append(f"  by tag: {_counts(tags) if tags else '(no tags)'}")

    # (threshold, levels, source) -> hosts it applies to
    overrides: dict[tuple[str, str, str], list[str]] = {}
    for host in hosts:
        for name, levels in sorted(host.thresholds.overrides.items()):
            overrides.setdefault((name, _levels_text(levels), levels.source), []).append(host.name)
    if overrides:
        lines.append("threshold overrides in force:")
        width = max(len(name) for name, _, _ in overrides)
        for (name, levels_text, source), names in sorted(overrides.items()):
            lines.append(f"  {name:<{width}}  {levels_text}  from {source:<16} {_names(names)}")
    else:
        lines.append("threshold overrides in force: none (built-in defaults)")

    skips: dict[tuple[str, str, str], list[str]] = {}  # (pattern, reason, file:line) -> hosts
    for host in hosts:
        for skip in host.skips:
            skips.setdefault((skip.pattern, skip.reason, skip.source), []).append(host.name)
    if skips:
        lines.append("checks skipped on purpose (shown as skipped in every scan):")
        for (pattern, reason, source), names in skips.items():
            lines.append(f"  {pattern}: {reason} (from {source}) {_names(names)}")

    aliased = [h for h in hosts if h.address_from_ssh_config]
    if aliased:
        lines.append("resolved via ssh config:")
        for h in aliased:
            user = f" user {h.user}" if h.user else ""
            jump = f" via {h.jump_host}" if h.jump_host else ""
            lines.append(f"  {h.name} -> {h.address} port {h.port}{user}{jump}")
    with_password = [h for h in hosts if h.password is not None]
    if with_password:
        lines.append("passwords by reference:")
        lines.extend(f"  {h.name}: {h.password.describe()}" for h in with_password if h.password)
    return lines
