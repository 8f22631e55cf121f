"""Validated inventory objects. Built only by the loader; immutable afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field

from fleetcheck.core.kinds import HOST_KINDS
from fleetcheck.core.thresholds import Thresholds

__all__ = ["HOST_KINDS", "Host", "Inventory", "IppSettings", "SecretRef", "Site", "SnmpSettings"]


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A password given by reference only: an environment variable or a keyring entry.

    Never holds the secret itself; `repr` is safe to log.
    """

    env: str | None = None
    keyring: str | None = None

    def describe(self) -> str:
        return f"env:{self.env}" if self.env else f"keyring:{self.keyring}"


@dataclass(frozen=True, slots=True)
class SnmpSettings:
    community: str = field(default="public", repr=False)  # a shared secret: never printed
    port: int = 161
    version: str = "2c"  # "1", "2c" or "3"
    timeout: float = 1.0  # per try: a dead printer costs timeout × (retries + 1)
    retries: int = 1
    # SNMPv3 (USM); passwords by reference only, like SSH passwords
    user: str | None = None
    auth_protocol: str = "none"  # none md5 sha sha224 sha256 sha384 sha512
    auth_password: SecretRef | None = None
    priv_protocol: str = "none"  # none des 3des aes aes128 aes192 aes256
    priv_password: SecretRef | None = None
    context: str = ""  # SNMPv3 context name (most printers: empty)


@dataclass(frozen=True, slots=True)
class IppSettings:
    port: int = 631
    path: str = "/ipp/print"
    tls: bool = False


@dataclass(frozen=True, slots=True)
class Skip:
    """An inventory's `skip:` entry: checks matching `pattern` are reported as skipped."""

    pattern: str  # a check id or shell-style pattern: temp*, fs.used:/mnt/*
    reason: str
    source: str  # file:line of the entry


@dataclass(frozen=True)
class Host:
    name: str
    kind: str  # one of HOST_KINDS
    address: str  # IP, DNS name, or an ~/.ssh/config alias
    port: int = 22
    user: str | None = None
    identity_file: str | None = None
    known_hosts: str | None = None
    jump_host: str | None = None
    password: SecretRef | None = None
    site: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    timeout: float | None = None  # per-host deadline override, seconds
    connect_timeout: float | None = None
    always_on: bool | None = None  # no answer means down (CRIT); None: the kind's default (core/kinds.py)
    snmp: SnmpSettings | None = None
    ipp: IppSettings | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    skips: tuple[Skip, ...] = ()  # from defaults, the host's tags and the host, in that order
    address_from_ssh_config: bool = False  # address (and port/user/key/jump) came from the ssh config
    # the ssh-config alias the address was resolved from (the host's name), so the SSH layer can
    # look it up again for options the inventory does not carry (ProxyCommand, UserKnownHostsFile)
    ssh_alias: str | None = None
    source: str = ""  # file:line where the host was defined
    os: str | None = None  # printserver only: "windows" is read by the PowerShell probe (kinds.py)


@dataclass(frozen=True)
class Site:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """Who hands the customer the report (the inventory's optional `report:` section)."""

    company: str | None = None  # the IT service company
    technician: str | None = None  # the technician's name
    contact: str | None = None  # phone or e-mail, as written
    language: str | None = None  # default report language: "de" or "en"


@dataclass(frozen=True)
class Inventory:
    customer: str | None
    hosts: tuple[Host, ...]
    files: tuple[str, ...] = ()
    sites: tuple[Site, ...] = ()
    report: ReportSettings = field(default_factory=ReportSettings)

    def select(self, names: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> tuple[Host, ...]:
        """Hosts matching any given name and carrying all given tags."""
        out = []
        for h in self.hosts:
            if names and h.name not in names:
                continue
            if tags and not set(tags) <= set(h.tags):
                continue
            out.append(h)
        return tuple(out)
