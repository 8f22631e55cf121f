"""Typed settings a front end hands to the collectors it builds: one field per collector.

Light to import (no paramiko): `fleetcheck scan` of the local machine builds
these without loading the SSH stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fleetcheck.core.ssh.options import SshOptions


@dataclass(frozen=True)
class CollectorOptions:
    ssh: SshOptions = field(default_factory=SshOptions)
