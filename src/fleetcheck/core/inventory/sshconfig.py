"""Resolving host aliases through an OpenSSH client config (`~/.ssh/config`).

paramiko parses the file (Host patterns, Match, %-tokens) but does not apply
it; we read HostName, Port, User, IdentityFile and ProxyJump and hand them
to the inventory. paramiko does not support `Include`; see docs/inventory.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SSH_CONFIG = "~/.ssh/config"


class SshConfigError(ValueError):
    """The ssh config could not be read, or gives an unusable value."""


@dataclass(frozen=True, slots=True)
class SshTarget:
    hostname: str
    port: int | None = None
    user: str | None = None
    identity_file: str | None = None
    jump_host: str | None = None


class SshConfigResolver:
    """Looks aliases up in one ssh config file, parsed once on first use."""

    def __init__(self, path: str | Path | None = None) -> None:
        """`path` given: it must exist (checked here); None: ~/.ssh/config if present, else nothing."""
        self.path = str(path) if path is not None else DEFAULT_SSH_CONFIG
        self._config: Any = None
        self._loaded = False
        if path is not None and not os.path.isfile(os.path.expanduser(self.path)):
            raise SshConfigError(f"ssh config {self.path}: no such file")

    def _load(self) -> Any:
        if not self._loaded:
            self._loaded = True
            full = os.path.expanduser(self.path)
            if os.path.isfile(full):
                import paramiko  # lazily: only inventories with aliases pay for it

                try:
                    self._config = paramiko.SSHConfig.from_path(full)
                except (OSError, UnicodeDecodeError, ValueError) as exc:
                    raise SshConfigError(f"cannot read ssh config {self.path}: {exc}") from None
        return self._config

    def lookup(self, alias: str) -> SshTarget | None:
        """What the config says about `alias`, or None if it says nothing."""
        config = self._load()
        if config is None:
            return None
        try:
            found: dict[str, Any] = dict(config.lookup(alias))
        except Exception as exc:  # paramiko raises assorted errors for bad Match/token lines
            raise SshConfigError(f"ssh config {self.path}: cannot look up {alias!r}: {exc}") from None
        hostname = str(found.get("hostname", alias))
        port_text = found.get("port")
        identity = found.get("identityfile") or []
        user, jump = found.get("user"), found.get("proxyjump")
        if hostname == alias and not (port_text or identity or user or jump):
            return None
        port = None
        if port_text is not None:
            if not str(port_text).isdigit() or not 1 <= int(port_text) <= 65535:
                raise SshConfigError(f"ssh config {self.path} gives Port {port_text!r} for {alias!r}, "
                                     "not an integer 1-65535")
            port = int(port_text)
        return SshTarget(
            hostname=hostname,
            port=port,
            user=str(user) if user else None,
            identity_file=os.path.expanduser(str(identity[0])) if identity else None,
            jump_host=str(jump) if jump and str(jump).lower() != "none" else None,
        )
