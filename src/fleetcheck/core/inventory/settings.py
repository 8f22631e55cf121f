"""Connection settings shared by `defaults:` and each host (user, port, snmp, ...).

Parsed into plain dicts holding only the keys that were written, so layers
(built-in < defaults < ssh config < host) can be merged key by key.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node, ScalarNode

from fleetcheck.core.inventory import fields, names
from fleetcheck.core.inventory.model import IppSettings, SnmpSettings
from fleetcheck.core.inventory.yamlsrc import fail, is_null, mapping

# keys both `defaults:` and a host accept (thresholds are handled by levels.py)
SETTINGS_KEYS = (
    "user", "port", "identity_file", "known_hosts", "jump_host",
    "timeout", "connect_timeout", "password", "snmp", "ipp", "always_on",
)
SNMP_KEYS = ("community", "port", "version", "timeout", "retries", "user", "auth_protocol", "auth_password",
             "priv_protocol", "priv_password", "context")
IPP_KEYS = ("port", "path", "tls")
SNMP_VERSIONS = ("1", "2c", "3")
SNMP_AUTH = ("none", "md5", "sha", "sha224", "sha256", "sha384", "sha512")
SNMP_PRIV = ("none", "des", "3des", "aes", "aes128", "aes192", "aes256")

Pairs = dict[str, tuple[Node, Node]]


def _snmp(label: str, node: Node, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (_k, value) in mapping(label, node, path, SNMP_KEYS).items():
        here = f"{path}.{key}"
        if is_null(value):
            continue
        if key == "community":
            # a shared secret: checked for shape only, never echoed in messages
            if not isinstance(value, ScalarNode) or not str(value.value).strip():
                fail(label, value, here, "must be a community name (text)")
            out[key] = str(value.value)
        elif key == "port":
            out[key] = fields.port(label, value, here)
        elif key == "version":
            if not isinstance(value, ScalarNode):
                fail(label, value, here, "must be '1', '2c' or '3'")
            version = str(value.value).lower().removeprefix("v")
            if version == "2":
                version = "2c"
            if version not in SNMP_VERSIONS:
                fail(label, value, here, "must be '1', '2c' or '3'")
            out[key] = version
        elif key == "user":
            out[key] = fields.text(label, value, here, "an SNMPv3 user name")
        elif key == "context":
            out[key] = fields.text(label, value, here, "an SNMPv3 context name")
        elif key in ("auth_protocol", "priv_protocol"):
            allowed = SNMP_AUTH if key == "auth_protocol" else SNMP_PRIV
            proto = fields.text(label, value, here, "a protocol name").lower().replace("-", "")
            if proto not in allowed:
                fail(label, value, here, f"must be one of {', '.join(allowed)}")
            out[key] = proto
        elif key in ("auth_password", "priv_password"):
            out[key] = fields.secret_ref(label, value, here)
        elif key == "timeout":
            out[key] = fields.seconds(label, value, here)
        else:  # retries
            out[key] = fields.integer(label, value, here, 0, 10, "an integer 0-10")
    return out


def _ipp(label: str, node: Node, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (_k, value) in mapping(label, node, path, IPP_KEYS).items():
        here = f"{path}.{key}"
        if is_null(value):
            continue
        if key == "port":
            out[key] = fields.port(label, value, here)
        elif key == "path":
            text = fields.text(label, value, here, "a URL path like /ipp/print")
            if not text.startswith("/"):
                fail(label, value, here, f"must start with '/', like /ipp/print, got {text!r}")
            out[key] = text
        else:
            out[key] = fields.boolean(label, value, here)
    return out


def parse_settings(label: str, pairs: Pairs, path: str) -> dict[str, Any]:
    """The connection settings present in `pairs` (null values count as not given)."""
    out: dict[str, Any] = {}
    for key in SETTINGS_KEYS:
        if key not in pairs or is_null(pairs[key][1]):
            continue
        node, here = pairs[key][1], f"{path}.{key}" if path else key
        if key == "port":
            out[key] = fields.port(label, node, here)
        elif key in ("identity_file", "known_hosts"):
            out[key] = fields.file_path(label, node, here)
        elif key in ("timeout", "connect_timeout"):
            out[key] = fields.seconds(label, node, here)
        elif key == "password":
            out[key] = fields.secret_ref(label, node, here)
        elif key == "snmp":
            out[key] = _snmp(label, node, here)
        elif key == "ipp":
            out[key] = _ipp(label, node, here)
        elif key == "always_on":
            out[key] = fields.boolean(label, node, here)
        elif key == "user":
            out[key] = fields.text(label, node, here, "a user name")
            problem = names.user_problem(out[key])
            if problem:
                fail(label, node, here, problem)
        else:  # jump_host
            out[key] = fields.text(label, node, here, "a host name, alias or [user@]host[:port]")
            problem = names.jump_problem(out[key])
            if problem:
                fail(label, node, here, problem)
    return out


def snmp_settings(*layers: dict[str, Any]) -> SnmpSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return SnmpSettings(**merged)


def snmp_v3_problem(settings: SnmpSettings) -> str | None:
    """What is missing for SNMPv3 (a `user`; a password for each protocol other than none)."""
    if settings.version != "3":
        return None
    if not settings.user:
        return "SNMPv3 needs `user`"
    if settings.auth_protocol != "none" and settings.auth_password is None:
        return f"auth_protocol {settings.auth_protocol} needs `auth_password: {{env: VARIABLE}}`"
    no_auth = settings.auth_protocol == "none"
    if settings.priv_protocol != "none" and (no_auth or settings.priv_password is None):
        return "priv_protocol needs an auth_protocol and `priv_password: {env: VARIABLE}`"
    return None


def ipp_settings(*layers: dict[str, Any]) -> IppSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return IppSettings(**merged)
