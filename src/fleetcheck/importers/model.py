"""What an import produces: hosts with their origin, and what could not be carried over."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from fleetcheck.core.text import clean

# Conservative on purpose: a name or address that passes these also passes the inventory's
# own strict checks (no shell metacharacter, no leading '-', no second word).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@\\-]*\Z")
JINJA = ("{{", "{%", "{#")


def shown(value: object, limit: int = 80) -> str:
    """Untrusted text for a YAML comment: one line, control characters escaped, quoted."""
    return repr(clean(str(value), limit))


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def safe_address(value: str) -> bool:
    name = value[:-1] if value.endswith(".") else value
    return is_ip(value) or (0 < len(name) <= 253 and all(_LABEL.match(part) for part in name.split(".")))


def safe_name(value: str) -> bool:
    return is_ip(value) or bool(_NAME.match(value))


def safe_user(value: str) -> bool:
    return bool(_USER.match(value))


def safe_jump(value: str) -> bool:
    """`[user@]host[:port]`, comma-separated hops, of plain parts only."""
    for hop in value.split(","):
        user, _, hostport = hop.strip().rpartition("@")
        host, _, port = hostport.partition(":")
        if user and not safe_user(user):
            return False
        if not safe_name(host) or (port and not (port.isdigit() and 1 <= int(port) <= 65535)):
            return False
    return True


def safe_path(value: str) -> bool:
    return bool(value) and value.isprintable() and not value.startswith("-")


@dataclass
class Value:
    """One setting of an imported host and where it was read (`file:line`, and the source key)."""

    value: str | int
    origin: str


@dataclass
class Imported:
    name: str
    origin: str  # file:line where the host was first defined
    kind: str = "linux"
    settings: dict[str, Value] = field(default_factory=dict)  # address, port, user, identity_file, jump_host
    site: str | None = None
    tags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # what the reader must know about this host


@dataclass
class Result:
    source: str  # what was imported, as given
    how: str  # the command that did it
    hosts: list[Imported] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # whole entries not carried over, with file:line
    notes: list[str] = field(default_factory=list)  # general remarks for the header
