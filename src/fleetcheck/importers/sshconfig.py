"""OpenSSH client config → fleetcheck hosts, one per concrete `Host` name.

Read here rather than with paramiko: paramiko's parser has no `Include` and keeps no
line numbers, and an import must say where each value came from. Values follow
OpenSSH's rule, the first value given for a keyword wins, across every `Host` block
whose patterns match the name (wildcard blocks such as `Host *` included). `Match`
blocks depend on the moment of connecting (user, exec, network): they are skipped
with a note. Relative `Include` paths are taken from the config's folder, as OpenSSH
does for ~/.ssh/config.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import shlex
from dataclasses import dataclass, field

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.importers.ansible_source import read_text
from fleetcheck.importers.model import (
    Imported,
    Result,
    Value,
    safe_address,
    safe_jump,
    safe_name,
    safe_path,
    safe_user,
    shown,
)

DEFAULT = "~/.ssh/config"
MAX_DEPTH = 16  # OpenSSH's own limit on nested Include
_KEYWORD = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)\Z")
MAPPED = {"hostname": "address", "port": "port", "user": "user", "identityfile": "identity_file",
          "proxyjump": "jump_host"}
CHECKS = {"address": safe_address, "user": safe_user, "identity_file": safe_path, "jump_host": safe_jump}
# settings that change how a connection is made; fleetcheck does not apply them from here
NOTED = {"proxycommand", "hostkeyalias", "localforward", "remoteforward", "dynamicforward",
         "certificatefile", "hostkeyalgorithms", "userknownhostsfile", "stricthostkeychecking"}


@dataclass
class Block:
    patterns: list[str]  # [] for lines before the first Host (they apply to every host)
    origin: str
    match: bool = False
    lines: list[tuple[str, list[str], str]] = field(default_factory=list)  # Keyword, args, file:line

    def applies(self, name: str) -> bool:
        if self.match:
            return False
        if not self.patterns:
            return True
        hit = False
        for pattern in self.patterns:
            negated = pattern.startswith("!")
            if fnmatch.fnmatchcase(name, pattern[1:] if negated else pattern):
                if negated:
                    return False
                hit = True
        return hit


def _read(path: str, label: str, blocks: list[Block], result: Result, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FleetcheckError(f"{label}: Include nested deeper than {MAX_DEPTH}")
    for number, raw in enumerate(read_text(path).splitlines(), 1):
        where = f"{label}:{number}"
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _KEYWORD.match(line)
        if found is None:
            raise FleetcheckError(f"{where}: expected 'Keyword value', got {shown(line)}")
        keyword = found.group(1).lower()
        try:
            args = shlex.split(found.group(2), comments=True)
        except ValueError as exc:
            raise FleetcheckError(f"{where}: cannot split the line: {exc}") from None
        if keyword == "host":
            blocks.append(Block(args, where))
        elif keyword == "match":
            blocks.append(Block(args, where, match=True))
            result.left_out.append(f"{where}: Match {shown(' '.join(args))}: skipped, its conditions are "
                                   "decided when connecting; the settings in it are not imported")
        elif keyword == "include":
            base = os.path.dirname(path)
            for arg in args:
                pattern = os.path.join(base, os.path.expanduser(arg))
                files = sorted(glob.glob(pattern))
                if not files and not glob.has_magic(pattern):
                    result.left_out.append(f"{where}: Include {shown(arg)}: no such file")
                for file in files:
                    shown_name = os.path.relpath(file, base) if not os.path.isabs(arg) else file
                    _read(file, os.path.join(os.path.dirname(label), shown_name), blocks, result, depth + 1)
        else:
            blocks[-1].lines.append((found.group(1), args, where))


def _first(blocks: list[Block], name: str) -> dict[str, tuple[list[str], str]]:
    values: dict[str, tuple[list[str], str]] = {}
    for block in blocks:
        if block.applies(name):
            for written, args, where in block.lines:
                values.setdefault(written.lower(), (args, f"{written}, {where}"))
    return values


def _host(name: str, origin: str, blocks: list[Block]) -> tuple[Imported, list[str]]:
    imported = Imported(name=name, origin=origin)
    left: list[str] = []
    values = _first(blocks, name)
    for keyword, (args, origin_text) in values.items():
        written, _, where = origin_text.partition(", ")
        key = MAPPED.get(keyword)
        if key is None:
            if keyword in NOTED:
                left.append(f"{written} ({where}): fleetcheck connects to the address written here and "
                            "does not apply it")
            continue
        value = " ".join(args)
        if key == "address":
            value = value.replace("%h", name).replace("%%", "%")
        if "%" in value or "${" in value:
            left.append(f"{written} ({where}): a %-token or ${{}} variable, not expanded")
            continue
        if key == "jump_host" and value.lower() == "none":
            continue
        if key == "port":
            if value.isdigit() and 1 <= int(value) <= 65535:
                imported.settings["port"] = Value(int(value), origin_text)
            else:
                left.append(f"Port ({where}): not a port number 1-65535: {shown(value)}")
            continue
        if key == "identity_file":
            value = args[0] if args else ""
        if not CHECKS[key](value):
            what = key.replace("_", " ")
            left.append(f"{written} ({where}): rejected, not a safe {what}: {shown(value)}")
            continue
        imported.settings[key] = Value(value, origin_text)
    if "address" not in imported.settings and "hostname" not in values:
        imported.settings["address"] = Value(name, f"the Host name itself, {origin}")
    return imported, left


def import_ssh_config(label: str | None = None) -> Result:
    label = label or DEFAULT
    path = os.path.expanduser(label)
    if not os.path.isfile(path):
        raise FleetcheckError(f"{label}: no such file")
    result = Result(source=label, how="fleetcheck inventory import ssh-config")
    blocks = [Block([], f"{label}:1")]
    _read(path, label, blocks, result, 0)
    seen: set[str] = set()
    for block in blocks:
        if block.match:
            continue
        for pattern in block.patterns:
            if pattern in seen or pattern.startswith("!") or fnmatch.fnmatchcase("", pattern) \
                    or any(ch in pattern for ch in "*?["):
                continue
            seen.add(pattern)
            if not safe_name(pattern):
                result.left_out.append(f"{block.origin}: Host {shown(pattern)}: rejected, not a safe host "
                                       "name (letters, digits, '.', '_', '-'; no shell characters)")
                continue
            imported, left = _host(pattern, block.origin, blocks)
            if "address" not in imported.settings:  # HostName given but unusable: never guess another
                why = "; ".join(item for item in left if item.lower().startswith("hostname"))
                result.left_out.append(f"{block.origin}: Host {shown(pattern)}: rejected, its HostName could "
                                       f"not be carried over ({why})")
                continue
            imported.comments += [f"not carried over: {item}" for item in left]
            result.hosts.append(imported)
    result.notes.append("Host patterns with wildcards (`Host *`, `Host *.lan`) are not hosts: their settings "
                        "are applied to the names they match, as ssh does.")
    result.notes.append("An ssh config does not say what kind of machine a host is: every host is "
                        "`kind: linux`; correct Windows PCs, Macs and print servers.")
    return result
