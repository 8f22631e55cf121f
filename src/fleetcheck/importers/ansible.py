"""Ansible inventory → fleetcheck hosts: variables resolved as Ansible would, mapped where they mean
something.

Variable precedence as Ansible's: group `all`, then groups by depth (parents before
children; same depth by name), then the host's own. Groups become tags (or, with
`--group-as site`, the host's first group becomes its site and the others tags).
Values are never copied into comments: a variable may hold a secret.
"""

from __future__ import annotations

import re

from fleetcheck.importers.ansible_source import Source, Var, read
from fleetcheck.importers.model import (
    JINJA,
    Imported,
    Result,
    Value,
    safe_address,
    safe_name,
    safe_path,
    safe_user,
    shown,
)

SETTING = {  # Ansible variable -> fleetcheck host key
    "ansible_host": "address", "ansible_ssh_host": "address",
    "ansible_port": "port", "ansible_ssh_port": "port",
    "ansible_user": "user", "ansible_ssh_user": "user",
    "ansible_ssh_private_key_file": "identity_file", "ansible_private_key_file": "identity_file",
}
CHECKS = {"address": safe_address, "user": safe_user, "identity_file": safe_path}
SSH_CONNECTIONS = {"ssh", "smart", "paramiko", "paramiko_ssh", "ansible.builtin.ssh",
                   "ansible.builtin.paramiko_ssh", "ansible.legacy.ssh"}
WINDOWS_CONNECTIONS = {"winrm", "psrp", "ansible.builtin.winrm", "ansible.builtin.psrp"}
LOCAL_CONNECTIONS = {"local", "ansible.builtin.local"}
SECRET = re.compile(r"pass|secret|token|vault", re.IGNORECASE)
IMPLICIT = ("all", "ungrouped")


def _depths(source: Source) -> dict[str, int]:
    depth = {"all": 0}
    parents = _parents(source)

    def walk(name: str, trail: tuple[str, ...]) -> int:
        if name in depth:
            return depth[name]
        if name in trail:  # a cycle: Ansible refuses it; here it just stops growing
            return 1
        ups = [walk(parent, (*trail, name)) for parent in parents.get(name, [])]
        depth[name] = (max(ups) if ups else 0) + 1
        return depth[name]

    for name in source.groups:
        walk(name, ())
    return depth


def _parents(source: Source) -> dict[str, list[str]]:
    return {child: [g.name for g in source.groups.values() if child in g.children] for child in source.groups}


def _ancestors(source: Source, parents: dict[str, list[str]], host: str) -> list[str]:
    """Every group the host is in, directly or through children, in the order first met."""
    found: list[str] = []
    todo = list(source.host_groups.get(host, []))
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        todo += parents.get(name, [])
    return found


def _variables(source: Source, host: str, groups: list[str], depth: dict[str, int]) -> dict[str, Var]:
    merged: dict[str, Var] = dict(source.groups["all"].vars)
    for name in sorted((g for g in groups if g != "all"), key=lambda g: (depth.get(g, 1), g)):
        merged.update(source.groups[name].vars)
    merged.update(source.host_vars.get(host, {}))
    return merged


def _connection(imported: Imported, variables: dict[str, Var]) -> bool:
    """Set the kind from ansible_connection/ansible_shell_type; False if fleetcheck cannot reach the host."""
    conn = variables.get("ansible_connection")
    shell = variables.get("ansible_shell_type")
    value = (conn.value or "").strip() if conn else ""
    if value in LOCAL_CONNECTIONS:
        imported.kind = "local"
        imported.comments.append(f"ansible_connection=local ({conn.origin if conn else ''}): "
                                 "the machine fleetcheck runs on")
    elif value in WINDOWS_CONNECTIONS:
        imported.kind = "windows"
        imported.comments.append(
            f"ansible_connection={value} ({conn.origin if conn else ''}): fleetcheck reaches Windows over "
            "SSH, not WinRM: this PC needs the OpenSSH server (Windows optional feature 'OpenSSH Server') "
            "and port 22 open")
    elif value and value not in SSH_CONNECTIONS:
        return False
    elif shell is not None and (shell.value or "") in ("powershell", "cmd"):
        imported.kind = "windows"
        imported.comments.append(f"ansible_shell_type={shell.value} ({shell.origin}): Windows over OpenSSH")
    return True


def _settings(imported: Imported, variables: dict[str, Var]) -> list[tuple[str, str]]:
    """Carry the mapped variables over; return what was left behind (names and reasons, no values)."""
    left: list[tuple[str, str]] = []
    winrm = imported.kind == "windows" and "ansible_connection" in variables
    for name, var in variables.items():
        key = SETTING.get(name)
        if key is None:
            if name not in ("ansible_connection", "ansible_shell_type"):
                reason = ("a secret: never imported, give fleetcheck a password by reference "
                          "(password: {env: VAR})" if SECRET.search(name) else "no fleetcheck meaning")
                left.append((name, f"{name} ({var.origin}): {reason}"))
            continue
        if var.value is None:
            left.append((name, f"{name} ({var.origin}): {var.note or 'no value'}"))
            continue
        value = var.value.strip()
        if any(mark in value for mark in JINJA):
            left.append((name, f"{name} ({var.origin}): a Jinja expression, not evaluated"))
            continue
        if key == "port":
            if winrm:
                left.append((name, f"{name} ({var.origin}): the WinRM port, not SSH's"))
            elif value.isdigit() and 1 <= int(value) <= 65535:
                imported.settings[key] = Value(int(value), f"{name}, {var.origin}")
            else:
                left.append((name, f"{name} ({var.origin}): not a port number 1-65535: {shown(value)}"))
            continue
        if key in ("address", "user") and imported.kind == "local":
            left.append((name, f"{name} ({var.origin}): not needed for the local machine"))
            continue
        if not CHECKS[key](value):
            what = key.replace("_", " ")
            left.append((name, f"{name} ({var.origin}): rejected, not a safe {what}: {shown(value)}"))
            continue
        imported.settings[key] = Value(value, f"{name}, {var.origin}")
    return left


def import_ansible(label: str, group_as: str = "tag") -> Result:
    source = read(label)
    result = Result(source=label, how=f"fleetcheck inventory import ansible --group-as {group_as}")
    depth = _depths(source)
    parents = _parents(source)
    bad_groups = {g for g in source.groups if g not in IMPLICIT and not safe_name(g)}
    for name in sorted(bad_groups):
        result.left_out.append(f"{source.groups[name].origin}: group {shown(name)}: not a safe tag or site "
                               "name (letters, digits, '.', '_', '-'); its hosts are kept without it")
    group_left: list[str] = []
    for host, origin in source.host_origin.items():
        if not safe_name(host):
            result.left_out.append(f"{origin}: host {shown(host)}: rejected, not a safe host name "
                                   "(letters, digits, '.', '_', '-'; no shell characters)")
            continue
        groups = _ancestors(source, parents, host)
        imported = Imported(name=host, origin=origin)
        variables = _variables(source, host, groups, depth)
        if not _connection(imported, variables):
            conn = variables["ansible_connection"]
            result.left_out.append(f"{origin}: host {shown(host)}: ansible_connection={shown(conn.value)} "
                                   f"({conn.origin}): fleetcheck reaches hosts over SSH only")
            continue
        own = source.host_vars.get(host, {})
        left = _settings(imported, variables)
        if "address" not in imported.settings and \
                ("ansible_host" in variables or "ansible_ssh_host" in variables):
            why = "; ".join(item for name, item in left if name in ("ansible_host", "ansible_ssh_host"))
            result.left_out.append(f"{origin}: host {shown(host)}: rejected, its address could not be "
                                   f"carried over ({why}) and without it fleetcheck would scan another "
                                   "machine")
            continue
        for name, item in left:
            if own.get(name) is variables[name]:
                imported.comments.append(f"not carried over: {item}")
            elif item not in group_left:  # a group's variable: said once, not on every host
                group_left.append(item)
        named = [g for g in groups if g not in IMPLICIT and g not in bad_groups]
        named.sort(key=lambda g: (depth.get(g, 1), g))
        direct = [g for g in named if g in source.host_groups.get(host, [])]
        if group_as == "site" and direct:
            imported.site = direct[0]
            if direct[0] not in result.sites:
                result.sites.append(direct[0])
            named.remove(direct[0])
        imported.tags = named
        result.hosts.append(imported)
    result.left_out += [f"group variable {item}" for item in group_left]
    result.notes.append("Ansible does not say what kind of machine a host is: every host is `kind: linux` "
                        "unless its connection said otherwise; correct Macs, print servers and printers.")
    if group_as == "site":
        result.notes.append("Each host's first group is its site; its other groups are tags.")
    else:
        result.notes.append("Each Ansible group a host is in (directly or through children) is a tag.")
    return result
