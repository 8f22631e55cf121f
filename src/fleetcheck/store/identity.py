"""History identity: which saved results belong to which machine.

The old JSON history keyed hosts by a slug of the customer name plus the
host name, so `Müller GmbH` and `Mueller GmbH`, every inventory without a
customer, and names in non-Latin scripts shared one history (issue #13 §2).
Here the customer is kept exactly as written (NFC-normalised, so the same
name typed on two keyboards is one customer), an inventory without a
customer is keyed by its files' absolute paths, and a host by its name and
address within that; the SSH host key seen by a scan is stored beside it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence

from fleetcheck.core.results import HostResult
from fleetcheck.store.model import HostKey

CUSTOMER_PREFIX = "customer:"
FILES_PREFIX = "files:"


def customer_key(customer: str | None, inventories: Sequence[str]) -> str:
    """The customer's identity in the store (see the module docstring)."""
    name = unicodedata.normalize("NFC", customer).strip() if customer else ""
    if name:
        return CUSTOMER_PREFIX + name
    paths = sorted({os.path.abspath(os.path.expanduser(p)) for p in inventories})
    return FILES_PREFIX + "\n".join(paths)


def host_key(ckey: str, name: str, address: str) -> HostKey:
    return HostKey(ckey, unicodedata.normalize("NFC", name), address)


def result_key(ckey: str, result: HostResult) -> HostKey:
    return host_key(ckey, result.name, result.address)


def ssh_fingerprint(result: HostResult) -> str | None:
    """The host key a scan connected with ("ssh-ed25519 SHA256:..."), if it connected over SSH."""
    ssh = result.facts.get("ssh") if isinstance(result.facts, dict) else None
    value = ssh.get("host_key") if isinstance(ssh, dict) else None
    return value if isinstance(value, str) and value else None


def no_customer_warning(customer: str | None, inventories: Sequence[str]) -> str | None:
    """One line for an inventory without `customer:` (its history then follows the file's path)."""
    if customer and customer.strip():
        return None
    files = ", ".join(inventories) or "the inventory"
    return (f"warning: {files} has no 'customer:'; its history is kept by the file's path "
            "(moving or renaming the file starts a new history)")
