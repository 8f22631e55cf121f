"""Loading inventories: files and folders in, one validated Inventory out.

Every problem is an InventoryError with one line; errors inside a file start
with `file:line:column: field.path:`. Files are named as the user gave them
(a relative path stays relative), files inside a folder as `folder/name.yaml`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from yaml.nodes import MappingNode, Node

from fleetcheck.core.errors import InventoryError
from fleetcheck.core.inventory.document import Declared, Document, parse_document
from fleetcheck.core.inventory.hosts import Shared, build_host
from fleetcheck.core.inventory.levels import Override
from fleetcheck.core.inventory.model import Host, Inventory, ReportSettings, Site
from fleetcheck.core.inventory.sshconfig import SshConfigError, SshConfigResolver
from fleetcheck.core.inventory.yamlsrc import position

YAML_SUFFIXES = (".yaml", ".yml")


def inventory_files(paths: Sequence[str | Path]) -> Iterator[tuple[str, Path]]:
    """(label, path) of every file to load: files as given, folders' *.yaml/*.yml sorted by name."""
    if not paths:
        raise InventoryError("no inventory file given")
    seen: set[Path] = set()
    for given in paths:
        label = str(given)
        path = Path(os.path.expanduser(label))
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix in YAML_SUFFIXES and p.is_file() and not p.name.startswith("."))
            if not found:
                raise InventoryError(f"{label}: folder has no inventory files (*.yaml or *.yml)")
            candidates = [(os.path.join(label, p.name), p) for p in found]
        elif path.is_file():
            candidates = [(label, path)]
        elif path.exists():
            raise InventoryError(f"{label}: not a file or folder")
        else:
            raise InventoryError(f"{label}: no such file or folder")
        for name, file in candidates:
            key = file.resolve()
            if key not in seen:  # a file named both directly and through its folder loads once
                seen.add(key)
                yield name, file


# Supported: 10,000 hosts per load (bench/inventory_size.py: ~9 s, ~105 MB, ~9 KiB per host).
# A file over MAX_FILE_BYTES (~100,000 such hosts, ~0.9 GB to load) is refused before parsing.
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_document(label: str, path: Path) -> Document:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InventoryError(f"{label}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        mib = MAX_FILE_BYTES // (1024 * 1024)
        raise InventoryError(f"{label}: larger than {mib} MiB, the most fleetcheck reads (about 100,000 "
                             "hosts; 10,000 per scan are supported): split the file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryError(f"{label}: not UTF-8 text (bad byte at offset {exc.start})") from None
    return parse_document(label, text)


def _shared_names(docs: Sequence[Document], ssh_config: str | Path | None) -> Shared:
    """Sites and tags declared in any file; a name declared twice is an error naming both places."""
    sites: dict[str, Declared] = {}
    tags: dict[str, dict[str, Override]] = {}
    tag_places: dict[str, Declared] = {}
    for doc in docs:
        for site, declared in doc.sites:
            if site.name in sites:
                line, col = position(declared.node)
                raise InventoryError(f"{doc.label}:{line}:{col}: sites: duplicate site {site.name!r} "
                                     f"(first declared at {sites[site.name].where()})")
            sites[site.name] = declared
        for tag, (overrides, declared) in doc.tags.items():
            if tag in tags:
                line, col = position(declared.node)
                raise InventoryError(f"{doc.label}:{line}:{col}: tags[{tag}]: tag declared twice "
                                     f"(first declared at {tag_places[tag].where()})")
            tags[tag], tag_places[tag] = overrides, declared
    try:
        resolver = SshConfigResolver(ssh_config)
    except SshConfigError as exc:
        raise InventoryError(str(exc)) from None
    tag_skips = {tag: skips for doc in docs for tag, skips in doc.tag_skips.items()}
    return Shared(sites=sites, tags=tags, resolver=resolver, tag_skips=tag_skips)


def _name_node(host: Node) -> Node:
    pairs = host.value if isinstance(host, MappingNode) else []
    return next((value for key, value in pairs if getattr(key, "value", None) == "name"), host)


def load_inventory(paths: Sequence[str | Path], ssh_config: str | Path | None = None) -> Inventory:
    """Load and validate inventory files and folders into one Inventory.

    `ssh_config` is the OpenSSH client config used to resolve hosts given
    without `address`: a given file must exist; by default `~/.ssh/config`,
    if present.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = list(inventory_files(paths))
    docs = [read_document(label, path) for label, path in files]
    shared = _shared_names(docs, ssh_config)
    hosts: list[Host] = []
    first_seen: dict[str, str] = {}
    for doc in docs:
        for index, node in enumerate(doc.hosts):
            host = build_host(doc, index, node, shared)
            line, col = position(_name_node(node))
            where = f"{doc.label}:{line}:{col}"
            if host.name in first_seen:
                raise InventoryError(f"{where}: hosts[{index}].name: duplicate host name {host.name!r} "
                                     f"(first defined at {first_seen[host.name]})")
            first_seen[host.name] = where
            hosts.append(host)
    if not hosts:
        names = ", ".join(label for label, _ in files)
        raise InventoryError(f"{names}: no hosts defined (add a 'hosts:' list, see docs/inventory.md)")
    customer = next((doc.customer for doc in docs if doc.customer), None)
    sites: list[Site] = [site for doc in docs for site, _ in doc.sites]
    return Inventory(customer=customer, hosts=tuple(hosts), files=tuple(label for label, _ in files),
                     sites=tuple(sites), report=_report_settings(docs))


def _report_settings(docs: Sequence[Document]) -> ReportSettings:
    """The one `report:` section; two files that both give one is an error naming both places."""
    given = [doc for doc in docs if doc.report is not None]
    if len(given) > 1:
        first, second = given[0], given[1]
        assert first.report_node is not None and second.report_node is not None
        line, col = position(second.report_node)
        where = Declared(first.label, first.report_node).where()
        raise InventoryError(f"{second.label}:{line}:{col}: report: given twice (first given at {where})")
    return given[0].report if given and given[0].report is not None else ReportSettings()
