"""Trust on first use, decided here: which key may be recorded for a host, and where.

`fleetcheck trust` (and any future front end) only shows the offer and asks.
The policy: connect for the key exchange only (no login, nothing run); a key
already recorded is "already trusted"; a revoked key, or a key different from
the one recorded (what an interception looks like), is refused and never
replaced; only an unknown key is recorded, and only after confirmation, in
the host's first known_hosts file (the inventory's, else ~/.ssh/known_hosts).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from fleetcheck.core.contracts import Unreachable
from fleetcheck.core.errors import FleetcheckError
from fleetcheck.core.inventory.model import Inventory
from fleetcheck.core.kinds import ssh_kinds
from fleetcheck.core.ssh.config import SshConfig, Target
from fleetcheck.core.ssh.connect import Connector
from fleetcheck.core.ssh.hostkey import check_host_key
from fleetcheck.core.ssh.keys import KeyStore
from fleetcheck.core.ssh.knownhosts import (
    HostKeyCheck,
    KnownHostsCache,
    Verdict,
    append_entry,
    fingerprint,
    host_token,
)
from fleetcheck.core.ssh.options import ConnectOptions


@dataclass(frozen=True)
class Offer:
    """The key a host offered, and how it compares with what is recorded."""

    label: str  # what the user asked for
    target: Target
    key_type: str
    blob: bytes
    check: HostKeyCheck

    @property
    def where(self) -> str:
        return host_token(self.target.hostname, self.target.port)

    @property
    def offered(self) -> str:
        return f"{self.key_type} {fingerprint(self.blob)}"

    @property
    def record_in(self) -> str:
        return self.target.known_hosts[0]

    @property
    def already_trusted(self) -> bool:
        return self.check.verdict is Verdict.MATCH


def resolve(name: str, inventory: Inventory, config: SshConfig, known_hosts: str | None = None) -> Target:
    """The SSH target for an inventory host, or for `[user@]address[:port]` / an ssh config alias."""
    host = next((h for h in inventory.hosts if h.name == name), None)
    if host is not None:
        if host.kind not in ssh_kinds():
            raise FleetcheckError(f"host {host.name} is a '{host.kind}', not scanned over SSH")
        target = config.resolve(host)
    else:
        # not an inventory host: a jump host or an address; record where the inventory's hosts look
        files = {h.known_hosts for h in inventory.hosts if h.known_hosts}
        target = config.resolve_spec(name, (files.pop(),) if len(files) == 1 else ())
    if known_hosts:
        target = dataclasses.replace(target, known_hosts=(known_hosts,))
    return target


def fetch_offer(label: str, target: Target, timeout: float) -> Offer:
    """Key exchange only; raises FleetcheckError when the key cannot be fetched, or may not be recorded."""
    cache = KnownHostsCache()
    connector = Connector(KeyStore(), cache, ConnectOptions(connect_timeout=timeout, banner_timeout=timeout))
    try:
        transport, _ = connector.handshake(target, time.monotonic() + timeout, label, verify=False)
    except Unreachable as exc:
        where = host_token(target.hostname, target.port)
        raise FleetcheckError(f"cannot get the host key of {label} ({where}): {exc.reason}") from None
    finally:
        connector.close()
    try:
        key = transport.get_remote_server_key()
        key_type, blob = key.get_name(), key.asbytes()
    finally:
        transport.close()
    offer = Offer(label, target, key_type, blob, check_host_key(target, cache, key_type, blob))
    _refuse_if_not_recordable(offer)
    return offer


def _refuse_if_not_recordable(offer: Offer) -> None:
    check, who = offer.check, f"{offer.label} ({offer.where})"
    if check.verdict is Verdict.REVOKED:
        raise FleetcheckError(f"{who} offers {offer.offered}, which is revoked at "
                              f"{check.known[0].where}; not recording it")
    if check.verdict is Verdict.CHANGED:
        old = "; ".join(f"{k.key_type} {k.fingerprint} at {k.where}" for k in check.known)
        raise FleetcheckError(f"refusing to record: known_hosts already has a different key for "
                              f"{offer.label} ({offer.where}): {old}; the server now offers {offer.offered}. "
                              "This is what an interception looks like. If the host was reinstalled, "
                              "verify the new fingerprint with its admin and remove the old line first")


def record(offer: Offer) -> None:
    """Append the (confirmed, unknown) key to the host's known_hosts file."""
    if offer.check.verdict is not Verdict.UNKNOWN:
        raise FleetcheckError(f"not recording {offer.offered}: the key is {offer.check.verdict.name.lower()}")
    try:
        append_entry(offer.record_in, offer.target.hostname, offer.target.port, offer.key_type, offer.blob)
    except OSError as exc:
        raise FleetcheckError(f"cannot record the key in {offer.record_in}: {exc.strerror or exc}") from None
