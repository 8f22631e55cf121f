"""The check catalog: every check family fleetcheck knows, collected from where it is declared.

Each check module declares its families beside its code (`FAMILIES`, core/family.py).
This module sits in the checks' layer and names every one of those modules in an
`import` statement, so the layer test (tests/core/test_layers.py) sees each edge;
the imports run on first use only, so importing the catalog stays cheap (an inventory
load validates `skip:` patterns only when it has some). Thresholds (core/thresholds.py),
the inventory's `skip:` validation, docs/checks.md (dev/gen_checks_doc.py), `fleetcheck
checks` and the help texts that list check ids all read it from here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import cache, partial
from types import MappingProxyType

from fleetcheck.core.family import ALL_KINDS, COMPUTER_KINDS, PRINTER_KINDS, Category, Family, Levels
from fleetcheck.core.ranges import Range

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
    from fleetcheck.core.checks import (
        clock,
        coredumps,
        filesystem,
        kernel,
        load,
        macos,
        mdraid,
        memory,
        oom,
        pending_reboot,
        printqueues,
        reboots,
        services,
        smart,
        temperature,
        uptime,
    )
    from fleetcheck.core.checks.printer import alerts, counters, status, supplies, trays
    from fleetcheck.core.checks.windows import defender, disk, updates

    # in the order the list shows them
    modules = (uptime, load, memory, macos, filesystem, temperature, services, reboots, kernel, oom,
               coredumps, smart, mdraid, disk, clock, pending_reboot, defender, updates, printqueues,
               status, supplies, trays, alerts, counters)
    found: dict[str, Family] = {}
    for module in modules:
        for fam in module.FAMILIES:
            if fam.id in found:
                raise RuntimeError(f"check family {fam.id!r} declared twice ({module.__name__})")
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


def help_text(width: int = 78) -> str:
    """What `fleetcheck inventory check --help` lists: the check ids a `skip:` may name and the
    thresholds an inventory may set, with their defaults; from the catalog, never by hand."""
    def one(r: Range | None) -> str:
        return "-" if r is None else r.text

    thresholds = [f"{name}={one(lv.warn)}/{one(lv.crit)}" for name, lv in default_thresholds().items()]
    fill = partial(textwrap.fill, width=width, initial_indent="  ", subsequent_indent="  ",
                   break_on_hyphens=False, break_long_words=False)
    return ("check ids a skip: entry may name (shell patterns such as temp* too):\n"
            + fill(", ".join(skippable_ids())) + "\n\n"
            + "thresholds an inventory may set, with their defaults as name=warn/crit:\n"
            + fill(", ".join(thresholds)) + "\n")


DOC_BEGIN = "<!-- catalog:begin (generated by dev/gen_checks_doc.py from core/catalog.py; do not edit) -->"
DOC_END = "<!-- catalog:end -->"


def _levels_text(lv: Levels) -> str:
    def one(r: Range | None) -> str:
        return "—" if r is None else f"`{r.text}`"
    return f"{one(lv.warn)} / {one(lv.crit)}"


def markdown_table() -> str:
    """The catalog as the Markdown table docs/checks.md carries between DOC_BEGIN and DOC_END."""
    rows = ["| Family | Title (en) | Titel (de) | Category | Host kinds | Default thresholds (warn / crit) |",
            "|---|---|---|---|---|---|"]
    for fam in families().values():
        th = "; ".join(f"`{name}` {_levels_text(lv)}" for name, lv in fam.thresholds.items()) or "—"
        kinds = ", ".join(sorted(fam.kinds))
        host_level = " (host-level, cannot be skipped)" if not fam.skippable else ""
        rows.append(f"| `{fam.id}` | {fam.title_en} | {fam.title_de} | {fam.category}{host_level} "
                    f"| {kinds} | {th} |")
    return "\n".join(rows) + "\n"


def with_table(doc: str) -> str:
    """`doc` with the text between the markers replaced by the current table."""
    head, sep, rest = doc.partition(DOC_BEGIN + "\n")
    _old, sep2, tail = rest.partition(DOC_END)
    if not (sep and sep2):
        raise ValueError("docs/checks.md lacks the catalog markers")
    return head + sep + markdown_table() + sep2 + tail
