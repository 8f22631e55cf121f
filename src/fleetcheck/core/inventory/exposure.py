"""Files that give secrets away: warned about, never refused (the scan still runs).

- an inventory file readable by group or others that holds an SNMP community (a shared secret);
- a private key (`identity_file`) readable by group or others: OpenSSH itself refuses such a key
  ("UNPROTECTED PRIVATE KEY FILE"), and anyone on the machine can copy it.
Passwords are never in an inventory (only references), so they cannot leak this way.
"""

from __future__ import annotations

import os
import stat

from fleetcheck.core.inventory.model import Inventory


def _loose(path: str) -> int | None:
    """The permission bits if group or others may read the file, else None."""
    try:
        mode = os.stat(os.path.expanduser(path)).st_mode
    except OSError:
        return None
    return stat.S_IMODE(mode) if mode & (stat.S_IRGRP | stat.S_IROTH) else None


def exposure_warnings(inventory: Inventory) -> list[str]:
    out = []
    with_community = {h.source.rsplit(":", 1)[0] for h in inventory.hosts
                      if h.snmp is not None and h.snmp.community != "public"}
    for path in inventory.files:
        mode = _loose(path)
        if mode is not None and path in with_community:
            out.append(f"{path} holds an SNMP community and is readable by group or others "
                       f"(mode {mode:04o}): chmod 600 {path}")
    for key in sorted({h.identity_file for h in inventory.hosts if h.identity_file}):
        mode = _loose(key)
        if mode is not None:
            out.append(f"private key {key} is readable by group or others (mode {mode:04o}); OpenSSH "
                       f"refuses such a key: chmod 600 {key}")
    return out
