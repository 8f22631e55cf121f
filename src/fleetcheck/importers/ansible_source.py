"""Reading an Ansible inventory (INI or YAML) into groups, hosts and variables with their lines.

Ansible's own parser lives in ansible-core, which would pull in all of Ansible (and runs
inventory plugins and Jinja); the INI format is a simple line format, read here the way
Ansible's `ini` inventory plugin documents it: `[group]`, `[group:vars]`, `[group:children]`,
`host key=value ...` split like a shell (quotes, `#` comments). YAML inventories are read
with PyYAML's composer, so every host and variable keeps its line.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from fleetcheck.core.errors import FleetcheckError
from fleetcheck.importers.hostranges import expand
from fleetcheck.importers.model import shown

SECRET_TAGS = ("!vault", "!unsafe")


@dataclass
class Var:
    value: str | None  # the scalar as written; None for lists, mappings and vaulted values
    origin: str  # file:line
    note: str = ""  # why the value is unusable (vaulted, not a single value)


@dataclass
class Group:
    name: str
    origin: str
    hosts: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    vars: dict[str, Var] = field(default_factory=dict)


@dataclass
class Source:
    label: str
    groups: dict[str, Group] = field(default_factory=dict)
    host_origin: dict[str, str] = field(default_factory=dict)  # host -> where first seen
    host_vars: dict[str, dict[str, Var]] = field(default_factory=dict)
    host_groups: dict[str, list[str]] = field(default_factory=dict)  # host -> groups it is listed in

    def group(self, name: str, origin: str) -> Group:
        return self.groups.setdefault(name, Group(name, origin))

    def add_host(self, group: str, name: str, origin: str, variables: dict[str, Var]) -> None:
        self.host_origin.setdefault(name, origin)
        self.host_vars.setdefault(name, {}).update(variables)
        groups = self.host_groups.setdefault(name, [])
        if group not in groups:  # a set per group would cost more: a host is in a few groups
            groups.append(group)
            self.group(group, origin).hosts.append(name)


def read_text(label: str) -> str:
    path = Path(label).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FleetcheckError(f"{label}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FleetcheckError(f"{label}: not UTF-8 text (bad byte at offset {exc.start})") from None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _host_pattern(token: str) -> tuple[str, str | None]:
    """`host:port` as Ansible's INI allows it; an IPv6 address keeps its colons."""
    name, sep, port = token.rpartition(":")
    if sep and port.isdigit() and name.count(":") == 0:
        return name, port
    return token, None


def read_ini(label: str) -> Source:
    source = Source(label)
    section, kind = "ungrouped", "hosts"
    source.group("all", f"{label}:1")
    for number, raw in enumerate(read_text(label).splitlines(), 1):
        where = f"{label}:{number}"
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            head = line.split("#", 1)[0].strip()
            if not head.endswith("]"):
                raise FleetcheckError(f"{where}: section header {shown(line)} has no closing ']'")
            section, _, kind = head[1:-1].partition(":")
            kind = kind or "hosts"
            if kind not in ("hosts", "vars", "children") or not section:
                raise FleetcheckError(f"{where}: section {shown(head)}: expected [group], [group:vars] "
                                      "or [group:children]")
            source.group(section, where)
            continue
        if kind == "vars":
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise FleetcheckError(f"{where}: [{section}:vars]: expected key=value, got {shown(line)}")
            source.groups[section].vars[key.strip()] = Var(_unquote(value), where)
            continue
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError as exc:
            raise FleetcheckError(f"{where}: cannot split the line: {exc}") from None
        if not tokens:
            continue
        if kind == "children":
            source.group(tokens[0], where)
            if tokens[0] not in source.groups[section].children:
                source.groups[section].children.append(tokens[0])
            continue
        variables: dict[str, Var] = {}
        for token in tokens[1:]:
            key, sep, value = token.partition("=")
            if not sep or not key:
                raise FleetcheckError(f"{where}: host variable {shown(token)}: expected key=value")
            variables[key] = Var(value, where)
        pattern, port = _host_pattern(tokens[0])
        if port is not None:
            variables.setdefault("ansible_port", Var(port, where))
        for name in expand(pattern, where):
            source.add_host(section, name, where, variables)
    return source


def _line(label: str, node: Node) -> str:
    return f"{label}:{node.start_mark.line + 1}"


def _vars(label: str, node: Node, where: str) -> dict[str, Var]:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return {}
    if not isinstance(node, MappingNode):
        raise FleetcheckError(f"{_line(label, node)}: {where}: expected a mapping of variables")
    found: dict[str, Var] = {}
    for key, value in node.value:
        origin = _line(label, key)
        if not isinstance(key, ScalarNode):
            raise FleetcheckError(f"{origin}: {where}: a variable name must be text")
        if value.tag in SECRET_TAGS:
            found[str(key.value)] = Var(None, origin, f"{value.tag} value")
        elif isinstance(value, ScalarNode):
            found[str(key.value)] = Var(None if value.tag.endswith(":null") else str(value.value), origin)
        else:
            found[str(key.value)] = Var(None, origin, "not a single value")
    return found


def _pairs(label: str, node: Node, where: str, what: str) -> list[tuple[Node, Node]]:
    """A `hosts:` or `children:` mapping's entries; empty (`hosts:` with nothing) is none."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return []
    if not isinstance(node, MappingNode):
        raise FleetcheckError(f"{_line(label, node)}: {where}: expected a mapping of {what}")
    return list(node.value)


def _yaml_group(source: Source, name: str, node: Node, seen: tuple[str, ...]) -> None:
    label = source.label
    group = source.group(name, _line(label, node))
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return
    if not isinstance(node, MappingNode):
        raise FleetcheckError(f"{_line(label, node)}: group {shown(name)}: expected hosts, vars or children")
    for key, value in node.value:
        part = str(key.value) if isinstance(key, ScalarNode) else ""
        where = _line(label, key)
        if part == "vars":
            group.vars.update(_vars(label, value, f"{name}.vars"))
        elif part == "hosts":
            for host_key, host_vars in _pairs(label, value, f"{name}.hosts", "hosts"):
                host_where = _line(label, host_key)
                variables = _vars(label, host_vars, f"{name}.hosts.{host_key.value}")
                pattern, port = _host_pattern(str(host_key.value))
                if port is not None:
                    variables.setdefault("ansible_port", Var(port, host_where))
                for host in expand(pattern, host_where):
                    source.add_host(name, host, host_where, variables)
        elif part == "children":
            for child_key, child in _pairs(label, value, f"{name}.children", "groups"):
                child_name = str(child_key.value)
                if child_name in seen:
                    raise FleetcheckError(f"{_line(label, child_key)}: group {shown(child_name)} "
                                          "contains itself")
                if child_name not in group.children:
                    group.children.append(child_name)
                _yaml_group(source, child_name, child, (*seen, child_name))
        else:
            raise FleetcheckError(f"{where}: group {shown(name)}: unknown key {shown(part)}; "
                                  "expected hosts, vars or children")


def read_yaml(label: str) -> Source:
    text = read_text(label)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"{label}:{mark.line + 1}" if mark is not None else label
        raise FleetcheckError(f"{line}: YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise FleetcheckError(f"{label}: YAML error: {exc}") from None
    source = Source(label)
    source.group("all", f"{label}:1")
    if root is None:
        return source
    if not isinstance(root, MappingNode):
        raise FleetcheckError(f"{_line(label, root)}: an Ansible YAML inventory is a mapping of groups")
    for key, value in root.value:
        _yaml_group(source, str(key.value), value, (str(key.value),))
    return source


def read(label: str) -> Source:
    """YAML for `.yml`/`.yaml` (as Ansible's yaml plugin), INI for anything else (`hosts`, `.ini`)."""
    if label.lower().endswith((".yml", ".yaml")):
        return read_yaml(label)
    return read_ini(label)
