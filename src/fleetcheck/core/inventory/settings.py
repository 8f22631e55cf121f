"""Connection settings shared by `defaults:` and each host (user, port, snmp, ...).

Parsed into plain dicts holding only the keys that were written, so layers
(built-in < defaults < ssh config < host) can be merged key by key.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node, ScalarNode

from fleetcheck.core.inventory import fields
from fleetcheck.core.inventory.model import IppSettings, SnmpSettings
from fleetcheck.core.inventory.yamlsrc import fail, is_null, mapping

# keys both `defaults:` and a host accept (thresholds are handled by levels.py)
SETTINGS_KEYS = (
    "user", "port", "identity_file", "known_hosts", "jump_host",
    "timeout", "connect_timeout", "password", "snmp", "ipp", "always_on",
)
SNMP_KEYS = ("community", "port", "version", "timeout", "retries")
IPP_KEYS = ("port", "path", "tls")
SNMP_VERSIONS = ("1", "2c")

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
                fail(label, value, here, "must be '1' or '2c'")
            version = str(value.value).lower().removeprefix("v")
            if version == "3":
                fail(label, value, here, "SNMPv3 is not supported yet; use '1' or '2c'")
            if version == "2":
                version = "2c"
            if version not in SNMP_VERSIONS:
                fail(label, value, here, "must be '1' or '2c'")
            out[key] = version
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
        else:  # jump_host
            out[key] = fields.text(label, node, here, "a host name, alias or [user@]host[:port]")
    return out


def snmp_settings(*layers: dict[str, Any]) -> SnmpSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return SnmpSettings(**merged)


def ipp_settings(*layers: dict[str, Any]) -> IppSettings:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return IppSettings(**merged)
