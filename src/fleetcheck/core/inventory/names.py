"""Strict names and addresses: inventory text that can reach a shell is refused where it is read.

An ssh config may interpolate a host's name or address into a shell command (`Match exec
"test %h = ..."`, `ProxyCommand sh -c "nc %h %p"`), the class of OpenSSH CVE-2023-51385:
`address: x$(touch${IFS}/tmp/pwned)` would run on the technician's machine. So:

- an address is an IP literal or a DNS name per RFC 1123 (letters, digits, '-', '.');
- a host name used to connect (no `address`: an ssh config alias or DNS name) is such a name
  or a plain token (letters, digits, '.', '_', '-');
- a display name (the host has an `address`) may hold any letters (`Büro-PC`), but no shell
  metacharacter, control character or leading '-';
- a user is a plain token ('@' and '\\' allowed for Windows domain accounts);
- a jump host is `[user@]host[:port]` of those parts, comma-separated.
Nothing that passes can start a command, an option (leading '-') or a second word.
"""

from __future__ import annotations

import ipaddress
import re

from fleetcheck.core.text import clean

_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
_ALIAS = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")
_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@\\-]*\Z")
_DISPLAY = re.compile(r"[^\W_][\w.@+:-]*\Z")  # \w: Unicode letters and digits
SHELL = set("$`;&|<>()[]{}*?!~#%'\"\\ \t\n\r=^,")


def _shown(value: str) -> str:
    return repr(clean(value, 80))


def _shell_chars(value: str) -> str:
    found = sorted({ch for ch in value if ch in SHELL or not ch.isprintable()})
    return " ".join(repr(ch) for ch in found)


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value[1:-1] if value.startswith("[") and value.endswith("]") else value)
    except ValueError:
        return False
    return True


def is_dns_name(value: str) -> bool:
    name = value[:-1] if value.endswith(".") else value
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def _why(value: str, what: str) -> str:
    bad = _shell_chars(value)
    if bad:
        return (f"must be {what}, got {_shown(value)}: {bad} could run as a shell command through an "
                "ssh config's Match exec or ProxyCommand")
    if value.startswith("-"):
        return f"must be {what}, got {_shown(value)}: a leading '-' reads as a command-line option"
    return f"must be {what}, got {_shown(value)}"


def address_problem(value: str) -> str | None:
    """None if `value` is an IP literal or an RFC 1123 DNS name, else why not."""
    if is_ip(value) or is_dns_name(value):
        return None
    return _why(value, "an IP address or a DNS name (RFC 1123: letters, digits, '-' and '.')")


def name_problem(value: str, connects: bool) -> str | None:
    """`connects`: the name is also what is connected to (no address: an alias or DNS name)."""
    if connects:
        if is_ip(value) or _ALIAS.match(value):
            return None
        return _why(value, "an IP address, a DNS name or an ssh config alias (letters, digits, '.', '_', "
                    "'-'), since the host has no address")
    if _DISPLAY.match(value) and not any(ch in SHELL for ch in value):
        return None
    return _why(value, "a host name of letters, digits and '.', '_', '-', '@', '+', ':'")


def user_problem(value: str) -> str | None:
    if _USER.match(value):
        return None
    return _why(value, "a user name (letters, digits, '.', '_', '-', '@', '\\')")


def jump_problem(value: str) -> str | None:
    """`[user@]host[:port]`, comma-separated hops, as in ProxyJump."""
    for hop in value.split(","):
        user, _, hostport = hop.strip().rpartition("@")
        host, port = hostport, ""
        if hostport.startswith("["):
            host, _, rest = hostport.partition("]")
            host, port = host + "]", rest[1:] if rest.startswith(":") else rest
        elif hostport.count(":") == 1:
            host, _, port = hostport.partition(":")
        bad = ((user and user_problem(user)) or name_problem(host, connects=True)
               or (port and not (port.isdigit() and 1 <= int(port) <= 65535) and f"port {port!r}"))
        if bad:
            return _why(value, "[user@]host[:port] (comma-separated hops) of plain names")
    return None


__all__ = ["address_problem", "is_dns_name", "is_ip", "jump_problem", "name_problem", "user_problem"]
