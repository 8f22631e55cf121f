"""The host kinds fleetcheck knows, each declared once: how it is reached, read, and judged when silent.

Everything that depends on a kind asks here: the inventory (which kinds
exist, which are looked up in the ssh config, which carry SNMP/IPP
settings), the collector registry (which collector serves it), the SSH
collector and `trust` (which kinds are SSH hosts), the probes (which probe
reads it) and the dashboard (which kinds are printers).

Collectors and probes are named as "module:attribute" strings, imported only
when a scan has hosts of that kind (a scan of the local machine must not load
paramiko). A kind without a collector is accepted by the inventory and
reported "not checked" by the scan, with the reason.

Reachability policy (docs/inventory.md, "Hosts that may be switched off"):
a host that gives no answer at all (no route to it, or no TCP answer) is
CRIT `unreachable` when it should always be on (servers), and UNKNOWN
`switched_off` when it may be off outside office hours or away (workstations,
laptops, printers) — never OK. The kind gives the default; the inventory's
`always_on:` overrides it per host or in `defaults:`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    transport: str  # "local" (no network), "ssh", "snmp" (printers: SNMP and IPP)
    collector: str | None  # "module:Class" serving this kind; None: none in this version
    probe: str | None  # "module:ATTR" of the Probe an SSH collector runs; None for other transports
    always_on: bool  # default policy: no answer means down (CRIT), else maybe switched off (UNKNOWN)
    printer: bool = False  # shown under the dashboard's printer view; carries SNMP/IPP settings

    @property
    def over_ssh(self) -> bool:
        return self.transport == "ssh"


_SSH = "fleetcheck.core.collectors.ssh:SshCollector"
_POSIX = "fleetcheck.core.probes.posix.probe:PROBE"
_WINDOWS = "fleetcheck.core.probes.windows.probe:PROBE"

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("local", "the machine fleetcheck runs on (no SSH)", "local",
         "fleetcheck.core.collectors.local:LocalCollector", None, always_on=True),
    Kind("linux", "a Linux server or PC over SSH", "ssh", _SSH, _POSIX, always_on=True),
    Kind("windows", "a Windows PC or server over OpenSSH", "ssh", _SSH, _WINDOWS, always_on=False),
    Kind("macos", "a Mac over SSH", "ssh", _SSH, _POSIX, always_on=False),
    Kind("printer", "a network printer (SNMP, IPP)", "snmp",
         "fleetcheck.core.collectors.printer:PrinterCollector", None, always_on=False, printer=True),
    Kind("printserver", "a print server over SSH (CUPS; Windows with os: windows)", "ssh", _SSH, _POSIX,
         always_on=True, printer=True),
)}

HOST_KINDS: tuple[str, ...] = tuple(KINDS)
# A print server runs Linux (or macOS) unless the inventory's `os:` says Windows: the one kind
# whose machine may be either, so the probe is chosen by `os:` (docs/inventory.md).
PRINTSERVER_OS = ("linux", "macos", "windows")


def probe_kind(kind_name: str, os_name: str | None) -> str:
    """The kind whose probe reads this host: a Windows print server is read like Windows."""
    return "windows" if kind_name == "printserver" and os_name == "windows" else kind_name


def kind(name: str) -> Kind | None:
    return KINDS.get(name)


def ssh_kinds() -> frozenset[str]:
    return frozenset(k.name for k in KINDS.values() if k.over_ssh)


def printer_kinds() -> frozenset[str]:
    return frozenset(k.name for k in KINDS.values() if k.printer)


def always_on(kind_name: str, override: bool | None) -> bool:
    """Whether a silent host of this kind is down (CRIT) rather than maybe switched off (UNKNOWN).

    The inventory's `always_on:` wins; an unknown kind counts as always on (the stricter answer).
    """
    if override is not None:
        return override
    k = KINDS.get(kind_name)
    return True if k is None else k.always_on
