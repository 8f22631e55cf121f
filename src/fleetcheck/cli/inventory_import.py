"""`fleetcheck inventory import ansible|ssh-config`: inventories people already have, as fleetcheck YAML.

The result is checked by the inventory loader before anything is written; a file
is written atomically and never over an existing one without --force.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser("import", help="write a fleetcheck inventory from Ansible or an ssh config",
                         description="Write a fleetcheck inventory from an inventory you already have. "
                         "Comments in it say where each host and setting came from and what was not "
                         "carried over. See docs/inventory.md.")
    kinds = imp.add_subparsers(dest="import_source", metavar="SOURCE", required=True)
    ansible = kinds.add_parser("ansible", help="an Ansible inventory (INI, or YAML for .yml/.yaml)",
                               description="Import an Ansible inventory: INI (hosts, hosts.ini) or YAML "
                               "(*.yml, *.yaml).")
    ansible.add_argument("source", metavar="INVENTORY", help="the Ansible inventory file")
    ansible.add_argument("--group-as", choices=("tag", "site"), default="tag",
                         help="Ansible groups become tags (default), or each host's first group its site")
    ssh = kinds.add_parser("ssh-config", help="an OpenSSH client config (default ~/.ssh/config)",
                           description="Import the concrete Host entries of an OpenSSH client config.")
    ssh.add_argument("source", metavar="CONFIG", nargs="?", default=None,
                     help="the ssh config file (default ~/.ssh/config)")
    for parser in (ansible, ssh):
        parser.add_argument("--output", "-o", metavar="FILE",
                            help="write the inventory to FILE (default: standard output)")
        parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace) -> int:
    from fleetcheck.importers.render import checked
    from fleetcheck.report.output import write_atomic

    if args.import_source == "ansible":
        from fleetcheck.importers.ansible import import_ansible

        result = import_ansible(args.source, args.group_as)
    else:
        from fleetcheck.importers.sshconfig import import_ssh_config

        result = import_ssh_config(args.source)
    text = checked(result, args.output or "imported.yaml")
    if args.output:
        write_atomic(args.output, text.encode("utf-8"), force=args.force)
        print(f"wrote {args.output}: {len(result.hosts)} hosts, {len(result.left_out)} entries not carried "
              "over (see the comments at its top)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
