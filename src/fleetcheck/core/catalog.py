"""The check catalog: every check family fleetcheck knows, collected from where it is declared.

Each check module declares its families beside its code (`FAMILIES`, core/family.py);
this module imports them on first use only, so importing it stays cheap (an inventory
load validates `skip:` patterns without pulling in every check). Thresholds
(core/thresholds.py), the inventory's `skip:` validation, docs/checks.md
(dev/gen_checks_doc.py) and `fleetcheck checks` all read it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import cache
from importlib import import_module
from types import MappingProxyType

from fleetcheck.core.family import ALL_KINDS, COMPUTER_KINDS, PRINTER_KINDS, Category, Family, Levels

# Modules under fleetcheck.core.checks that declare families, in the order the list shows them.
_CHECK_MODULES = (
    "uptime", "load", "memory", "macos", "filesystem", "temperature", "services",
    "reboots", "kernel", "oom", "coredumps", "smart", "mdraid", "windows.disk", "clock",
    "pending_reboot", "windows.defender", "windows.updates",
    "printer.status", "printer.supplies", "printer.trays", "printer.alerts", "printer.counters",
)

# Host-level findings of the transport and the probes: they say why nothing could be
# checked, so they cannot be skipped. Declared here rather than in engine.py and the
# collectors because importing those would pull paramiko and the SNMP stack into
# every inventory load.
TRANSPORT_FAMILIES: tuple[Family, ...] = (
    Family("host.reachability", "Reachability", "Erreichbarkeit", Category.FAILURE, ALL_KINDS,
           skippable=False),
    Family("ssh.probe", "SSH connection", "SSH-Verbindung", Category.FAILURE, COMPUTER_KINDS - {"local"},
           skippable=False),
    Family("ssh.output", "SSH output", "SSH-Ausgabe", Category.FAILURE, COMPUTER_KINDS - {"local"},
           skippable=False),
    Family("probe.output", "Probe output", "Ausgabe der Abfrage", Category.FAILURE, COMPUTER_KINDS,
           skippable=False),
    Family("host.os", "Operating system", "Betriebssystem", Category.FAILURE, COMPUTER_KINDS,
           skippable=False),
    Family("printer.protocol", "Printer protocols", "Druckerprotokolle", Category.FAILURE, PRINTER_KINDS,
           skippable=False),
)


@cache
def families() -> Mapping[str, Family]:
    """Every family by id, each declared once (a second declaration is a programming error)."""
    found: dict[str, Family] = {}
    for name in _CHECK_MODULES:
        declared: tuple[Family, ...] = import_module(f"fleetcheck.core.checks.{name}").FAMILIES
        for fam in declared:
            if fam.id in found:
                raise RuntimeError(f"check family {fam.id!r} declared twice ({name})")
            found[fam.id] = fam
    for fam in TRANSPORT_FAMILIES:
        if fam.id in found:
            raise RuntimeError(f"check family {fam.id!r} declared twice (transport)")
        found[fam.id] = fam
    return MappingProxyType(found)


@cache
def default_thresholds() -> Mapping[str, Levels]:
    """Every default threshold by name, from the family that declares it."""
    out: dict[str, Levels] = {}
    for fam in families().values():
        for name, lv in fam.thresholds.items():
            if name in out:
                raise RuntimeError(f"threshold {name!r} declared by two families")
            out[name] = lv
    return MappingProxyType(out)


@cache
def skippable_ids() -> tuple[str, ...]:
    """Families whose results judge the host, and so can be named by a `skip:` pattern."""
    return tuple(f.id for f in families().values() if f.skippable)


def family(check_id: str) -> Family | None:
    """The catalog entry of a check id (`fs.used:/var` → `fs.used`), None if unknown."""
    return families().get(family_of(check_id))


def family_of(check_id: str) -> str:
    """`fs.used` of `fs.used:/var`."""
    return check_id.split(":", 1)[0]


def id_matches(pattern: str, check_id: str) -> bool:
    """Whether a skip pattern names a check: the whole id (`fs.used:/var`, `temp:*`) or its
    family (`temp*`, `disk.*`, `services.failed`), shell-style, case-sensitive."""
    return fnmatchcase(check_id, pattern) or fnmatchcase(family_of(check_id), pattern)


def pattern_known(pattern: str) -> bool:
    """Whether a pattern can match any check of a skippable family."""
    fam, sep, item = pattern.partition(":")
    return any(fnmatchcase(f, fam) for f in skippable_ids()) and not (sep and not item)
