"""Building one validated Host from its YAML node, its file's defaults and shared tags/sites.

Precedence of connection settings, lowest first: built-in defaults, the
file's `defaults:`, the ssh config entry (alias hosts only), the host's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node

from fleetcheck.core.inventory import fields, names
from fleetcheck.core.inventory.document import Declared, Document
from fleetcheck.core.inventory.levels import Layer, Override, parse_thresholds, resolve
from fleetcheck.core.inventory.model import Host, Skip
from fleetcheck.core.inventory.settings import (
    SETTINGS_KEYS,
    ipp_settings,
    parse_settings,
    snmp_settings,
    snmp_v3_problem,
)
from fleetcheck.core.inventory.skips import parse_skips
from fleetcheck.core.inventory.sshconfig import SshConfigError, SshConfigResolver
from fleetcheck.core.inventory.yamlsrc import did_you_mean, fail, is_null, mapping, position
from fleetcheck.core.kinds import HOST_KINDS, KINDS, PRINTSERVER_OS, printer_kinds, ssh_kinds

HOST_KEYS = ("name", "address", "kind", "os", *SETTINGS_KEYS, "site", "tags", "notes", "thresholds", "skip")
# kinds reached over SSH: a host without address is looked up in the ssh config
SSH_KINDS = ssh_kinds()
# kinds that always carry SNMP/IPP settings (defaults filled in)
PRINT_KINDS = printer_kinds()


@dataclass
class Shared:
    """What all files of one load have in common."""

    sites: Mapping[str, Declared]
    tags: Mapping[str, dict[str, Override]]
    resolver: SshConfigResolver
    tag_skips: Mapping[str, tuple[Skip, ...]] = field(default_factory=dict)


def _name(label: str, node: Node, path: str, what: str) -> str:
    value = fields.text(label, node, path, what)
    if any(ch.isspace() for ch in value):
        fail(label, node, path, f"must be {what} without spaces, got {value!r}")
    return value


def _address(doc: Document, pairs: dict[str, tuple[Node, Node]], path: str, name: str, kind: str,
             shared: Shared) -> tuple[str, dict[str, Any], bool]:
    """The host's address and what its ssh config entry contributes (alias hosts only)."""
    label = doc.label
    if "address" in pairs and not is_null(pairs["address"][1]):
        address = _name(label, pairs["address"][1], f"{path}.address", "an IP address or DNS name")
        problem = names.address_problem(address)
        if problem:
            fail(label, pairs["address"][1], f"{path}.address", problem)
        return address, {}, False
    if kind == "local":
        return "localhost", {}, False
    if kind not in SSH_KINDS:
        return name, {}, False  # a DNS name; the scan reports it if it does not resolve
    try:
        target = shared.resolver.lookup(name)
    except SshConfigError as exc:
        fail(label, pairs["name"][1], f"{path}.name", str(exc))
    if target is None:
        return name, {}, False
    found = {"port": target.port, "user": target.user, "identity_file": target.identity_file,
             "jump_host": target.jump_host}
    return target.hostname, {k: v for k, v in found.items() if v is not None}, True


def _os(label: str, pairs: dict[str, tuple[Node, Node]], path: str, kind: str) -> str | None:
    """`os:`: which system a print server runs (its probe); every other kind says so itself."""
    if "os" not in pairs or is_null(pairs["os"][1]):
        return None
    node = pairs["os"][1]
    value = fields.text(label, node, f"{path}.os", "an operating system")
    if kind != "printserver":
        fail(label, node, f"{path}.os", f"only a printserver takes 'os' (kind {kind} says its system itself)")
    if value not in PRINTSERVER_OS:
        fail(label, node, f"{path}.os", f"unknown os {value!r}{did_you_mean(value, PRINTSERVER_OS)}; "
             f"expected one of {', '.join(PRINTSERVER_OS)}")
    return value


def build_host(doc: Document, index: int, node: Node, shared: Shared) -> Host:
    label, path = doc.label, f"hosts[{index}]"
    pairs = mapping(label, node, path, HOST_KEYS, "a host (a mapping with at least name and kind)")
    for required in ("name", "kind"):
        if required not in pairs or is_null(pairs[required][1]):
            hint = f" ({', '.join(HOST_KINDS)})" if required == "kind" else ""
            fail(label, node, path, f"missing required key {required!r}{hint}")
    name = _name(label, pairs["name"][1], f"{path}.name", "a host name")
    connects = ("address" not in pairs or is_null(pairs["address"][1])) and \
        fields.text(label, pairs["kind"][1], f"{path}.kind") != "local"
    problem = names.name_problem(name, connects)
    if problem:
        fail(label, pairs["name"][1], f"{path}.name", problem)
    kind_node = pairs["kind"][1]
    kind = fields.text(label, kind_node, f"{path}.kind", "a host kind")
    if kind not in HOST_KINDS:
        fail(label, kind_node, f"{path}.kind", f"unknown kind {kind!r}{did_you_mean(kind, HOST_KINDS)}; "
             f"expected one of {', '.join(HOST_KINDS)}")
    os_name = _os(label, pairs, path, kind)
    own = parse_settings(label, pairs, path)

    site = None
    if "site" in pairs and not is_null(pairs["site"][1]):
        site_node = pairs["site"][1]
        site = fields.text(label, site_node, f"{path}.site", "a site name")
        if shared.sites and site not in shared.sites:
            fail(label, site_node, f"{path}.site",
                 f"unknown site {site!r}{did_you_mean(site, shared.sites)}; "
                 f"declared sites: {', '.join(shared.sites)}")
    tags: tuple[str, ...] = ()
    if "tags" in pairs and not is_null(pairs["tags"][1]):
        tags = tuple(dict.fromkeys(fields.text_list(label, pairs["tags"][1], f"{path}.tags", "a tag name")))
    notes = fields.notes(label, pairs["notes"][1], f"{path}.notes") if "notes" in pairs else ""
    host_levels: dict[str, Override] = {}
    if "thresholds" in pairs and not is_null(pairs["thresholds"][1]):
        host_levels = parse_thresholds(label, pairs["thresholds"][1], f"{path}.thresholds")

    skips = doc.default_skips + tuple(s for tag in tags for s in shared.tag_skips.get(tag, ()))
    if "skip" in pairs and not is_null(pairs["skip"][1]):
        skips += parse_skips(label, pairs["skip"][1], f"{path}.skip")

    address, from_config, resolved = _address(doc, pairs, path, name, kind, shared)
    merged = {**doc.defaults, **from_config, **own}
    layers: list[Layer] = [("inventory", doc.thresholds), ("inventory", doc.default_thresholds)]
    layers += [(f"tag:{tag}", shared.tags[tag]) for tag in tags if tag in shared.tags]
    layers.append(("host", host_levels))

    snmp = ipp = None
    # a printer is checked over the protocols configured for it (here or in `defaults:`);
    # with neither configured, over both at their defaults
    printer = kind in KINDS and KINDS[kind].transport == "snmp"
    has_snmp = "snmp" in own or (printer and "snmp" in doc.defaults)
    has_ipp = "ipp" in own or (printer and "ipp" in doc.defaults)
    both = printer and not has_snmp and not has_ipp
    if has_snmp or both or (kind in PRINT_KINDS and not printer):
        snmp = snmp_settings(doc.defaults.get("snmp", {}), own.get("snmp", {}))
        v3_problem = snmp_v3_problem(snmp)
        if v3_problem:
            where = pairs["snmp"][1] if "snmp" in pairs else node
            fail(label, where, f"{path}.snmp", v3_problem)
    if has_ipp or both or (kind in PRINT_KINDS and not printer):
        ipp = ipp_settings(doc.defaults.get("ipp", {}), own.get("ipp", {}))
    line, _col = position(node)
    return Host(
        name=name,
        kind=kind,
        os=os_name,
        address=address,
        port=merged.get("port", 22),
        user=merged.get("user"),
        identity_file=merged.get("identity_file"),
        known_hosts=merged.get("known_hosts"),
        jump_host=merged.get("jump_host"),
        password=merged.get("password"),
        site=site,
        tags=tags,
        notes=notes,
        timeout=merged.get("timeout"),
        connect_timeout=merged.get("connect_timeout"),
        always_on=merged.get("always_on"),
        snmp=snmp,
        ipp=ipp,
        thresholds=resolve(layers),
        skips=skips,
        address_from_ssh_config=resolved,
        ssh_alias=name if resolved else None,
        source=f"{label}:{line}",
    )
