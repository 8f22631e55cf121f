"""One inventory file's top level: customer, sites, defaults, thresholds, tags, hosts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from yaml.nodes import Node, ScalarNode

from fleetcheck.core.errors import InventoryError
from fleetcheck.core.inventory import fields
from fleetcheck.core.inventory.levels import Override, parse_thresholds
from fleetcheck.core.inventory.model import ReportSettings, Site, Skip
from fleetcheck.core.inventory.settings import SETTINGS_KEYS, parse_settings
from fleetcheck.core.inventory.skips import parse_skips
from fleetcheck.core.inventory.yamlsrc import compose, fail, free_mapping, is_null, mapping, sequence

TOP_KEYS = ("customer", "sites", "defaults", "thresholds", "tags", "hosts", "report")
DEFAULTS_KEYS = (*SETTINGS_KEYS, "thresholds", "skip")
SITE_KEYS = ("name", "description")
TAG_KEYS = ("description", "thresholds", "skip")
REPORT_KEYS = ("company", "technician", "contact", "language")
REPORT_LANGUAGES = ("de", "en")


@dataclass
class Declared:
    """A named thing (site, tag) with where it was declared, for duplicate messages."""

    label: str
    node: Node

    def where(self) -> str:
        mark = self.node.start_mark
        return f"{self.label}:{mark.line + 1}:{mark.column + 1}"


@dataclass
class Document:
    label: str
    customer: str | None = None
    sites: list[tuple[Site, Declared]] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Override] = field(default_factory=dict)  # top-level `thresholds`
    default_thresholds: dict[str, Override] = field(default_factory=dict)  # `defaults.thresholds`
    tags: dict[str, tuple[dict[str, Override], Declared]] = field(default_factory=dict)
    default_skips: tuple[Skip, ...] = ()  # `defaults.skip`
    tag_skips: dict[str, tuple[Skip, ...]] = field(default_factory=dict)  # `tags[NAME].skip`
    hosts: list[Node] = field(default_factory=list)
    report: ReportSettings | None = None
    report_node: Node | None = None  # where `report:` was given, for the merge-conflict message


def _sites(doc: Document, node: Node) -> None:
    label = doc.label
    for i, item in enumerate(sequence(label, node, "sites", "a list of sites ({name, description})")):
        path = f"sites[{i}]"
        if isinstance(item, ScalarNode):  # `- hauptbuero` is short for `- name: hauptbuero`
            site = Site(fields.text(label, item, path, "a site name"))
            doc.sites.append((site, Declared(label, item)))
            continue
        pairs = mapping(label, item, path, SITE_KEYS, "a site ({name, description})")
        if "name" not in pairs:
            fail(label, item, path, "missing required key 'name'")
        name_node = pairs["name"][1]
        name = fields.text(label, name_node, f"{path}.name", "a site name")
        desc = pairs.get("description")
        description = fields.notes(label, desc[1], f"{path}.description") if desc else ""
        doc.sites.append((Site(name, description), Declared(label, name_node)))


def _tags(doc: Document, node: Node) -> None:
    label = doc.label
    for name, (key, value) in free_mapping(label, node, "tags", "a mapping of tag names to settings").items():
        path = f"tags[{name}]"
        fields.text(label, key, path, "a tag name")
        overrides: dict[str, Override] = {}
        if not is_null(value):
            pairs = mapping(label, value, path, TAG_KEYS, "a mapping with thresholds and/or description")
            if "description" in pairs:
                fields.notes(label, pairs["description"][1], f"{path}.description")
            if "thresholds" in pairs and not is_null(pairs["thresholds"][1]):
                overrides = parse_thresholds(label, pairs["thresholds"][1], f"{path}.thresholds")
            if "skip" in pairs and not is_null(pairs["skip"][1]):
                doc.tag_skips[name] = parse_skips(label, pairs["skip"][1], f"{path}.skip")
        doc.tags[name] = (overrides, Declared(label, key))


def _report(doc: Document, node: Node) -> None:
    label = doc.label
    pairs = mapping(label, node, "report", REPORT_KEYS, "a mapping with company, technician, contact "
                    "and/or language")
    values: dict[str, str | None] = {}
    for key in REPORT_KEYS:
        if key in pairs and not is_null(pairs[key][1]):
            values[key] = fields.text(label, pairs[key][1], f"report.{key}", f"a {key} text")
    language = values.get("language")
    if language is not None and language not in REPORT_LANGUAGES:
        fail(label, pairs["language"][1], "report.language",
             f"unknown language {language!r}; expected one of {', '.join(REPORT_LANGUAGES)}")
    doc.report = ReportSettings(**values)
    doc.report_node = node


def parse_document(label: str, text: str) -> Document:
    """Validate the top level of one file; hosts are kept as nodes for the host builder."""
    root = compose(label, text)
    doc = Document(label)
    if root is None:
        raise_empty(label)
    top = mapping(label, root, "", TOP_KEYS, "a mapping with customer, sites, defaults, thresholds, tags, "
                  "report and hosts at the top level")
    if not top:
        raise_empty(label)
    if "customer" in top and not is_null(top["customer"][1]):
        doc.customer = fields.text(label, top["customer"][1], "customer", "a customer name")
    if "sites" in top and not is_null(top["sites"][1]):
        _sites(doc, top["sites"][1])
    if "defaults" in top and not is_null(top["defaults"][1]):
        pairs = mapping(label, top["defaults"][1], "defaults", DEFAULTS_KEYS)
        doc.defaults = parse_settings(label, pairs, "defaults")
        if "thresholds" in pairs and not is_null(pairs["thresholds"][1]):
            doc.default_thresholds = parse_thresholds(label, pairs["thresholds"][1], "defaults.thresholds")
        if "skip" in pairs and not is_null(pairs["skip"][1]):
            doc.default_skips = parse_skips(label, pairs["skip"][1], "defaults.skip")
    if "thresholds" in top and not is_null(top["thresholds"][1]):
        doc.thresholds = parse_thresholds(label, top["thresholds"][1], "thresholds")
    if "tags" in top and not is_null(top["tags"][1]):
        _tags(doc, top["tags"][1])
    if "report" in top and not is_null(top["report"][1]):
        _report(doc, top["report"][1])
    if "hosts" in top and not is_null(top["hosts"][1]):
        doc.hosts = sequence(label, top["hosts"][1], "hosts", "a list of hosts")
    return doc


def raise_empty(label: str) -> NoReturn:
    raise InventoryError(f"{label}:1:1: file is empty; an inventory is a mapping with at least "
                         "'hosts:' (see docs/inventory.md)")
