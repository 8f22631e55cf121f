"""Strict host key checking against the shared known_hosts index, before any authentication."""

from __future__ import annotations

import shlex

import paramiko

from fleetcheck.core.contracts import Unreachable
from fleetcheck.core.i18n import msg
from fleetcheck.core.ssh.config import Target
from fleetcheck.core.ssh.knownhosts import (
    HostKeyCheck,
    KnownHostsCache,
    KnownHostsError,
    Verdict,
    host_token,
)
from fleetcheck.core.states import Reachability


def check_host_key(target: Target, cache: KnownHostsCache, key_type: str, blob: bytes) -> HostKeyCheck:
    """The verdict over all of the target's known_hosts files: a match anywhere wins, a revocation
    anywhere refuses."""
    checks = [cache.get(path).check(target.hostname, target.port, key_type, blob)
              for path in target.known_hosts]
    for verdict in (Verdict.REVOKED, Verdict.MATCH, Verdict.CHANGED):
        found = [c for c in checks if c.verdict is verdict]
        if found:
            known = tuple(k for c in found for k in c.known)
            return HostKeyCheck(verdict, found[0].offered, key_type, known)
    return checks[0] if checks else HostKeyCheck(Verdict.UNKNOWN, "", key_type)


# known_hosts key type -> the host-key algorithms that negotiate it
_ALGORITHMS = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256")}


def known_key_types(target: Target, cache: KnownHostsCache) -> list[str]:
    """Key types known_hosts holds for the target, in file order (unreadable files: none)."""
    types: list[str] = []
    for path in target.known_hosts:
        try:
            keys = cache.get(path).lookup(target.hostname, target.port)
        except KnownHostsError:
            continue
        types += [k.key_type for k in keys if k.key_type not in types]
    return types


def prefer_known_types(transport: paramiko.Transport, known_types: list[str]) -> None:
    """Offer first the host-key algorithms known_hosts has a key for, as OpenSSH does, so a host
    with several keys shows the one that was recorded."""
    if not known_types:
        return
    options = transport.get_security_options()
    available = list(options.key_types)
    first = [a for t in known_types for a in _ALGORITHMS.get(t, (t,)) if a in available]
    if first:
        options.key_types = first + [a for a in available if a not in first]


def verify_host_key(transport: paramiko.Transport, target: Target, cache: KnownHostsCache,
                    name: str) -> HostKeyCheck:
    key = transport.get_remote_server_key()
    try:
        check = check_host_key(target, cache, key.get_name(), key.asbytes())
    except KnownHostsError as exc:
        raise Unreachable(Reachability.NOT_CHECKED, msg("ssh.knownhosts.unreadable", path=exc.path,
                                                        error=exc.why),
                          msg("ssh.knownhosts.unreadable.fix"), str(exc)) from None
    if check.verdict is Verdict.MATCH:
        return check
    files = ", ".join(target.known_hosts)
    who = host_token(target.hostname, target.port)
    offered = f"{check.offered_type} {check.offered}"
    facts = {"host_key": offered}
    trust = f"fleetcheck trust {shlex.quote(name)}"  # pasted into a shell as it is
    if check.verdict is Verdict.UNKNOWN:
        other = None
        if check.known:  # keys of other types are recorded; the server did not offer any of them
            other = "ssh.hostkey.unknown.other"
        known_other = ", ".join(f"{k.key_type} at {k.where}" for k in check.known)
        raise Unreachable(Reachability.HOST_KEY_UNKNOWN,
                          msg("ssh.hostkey.unknown", who=who, files=files, offered=offered, other=other,
                              known_other=known_other),
                          msg("ssh.hostkey.unknown.fix", trust=trust),
                          f"handshake {who}: server key {offered}; no entry in {files}", facts)
    known = "; ".join(f"{k.key_type} {k.fingerprint} ({k.where})" for k in check.known)
    if check.verdict is Verdict.REVOKED:
        raise Unreachable(Reachability.HOST_KEY_CHANGED,
                          msg("ssh.hostkey.revoked", offered=offered, who=who, known=known),
                          msg("ssh.hostkey.revoked.fix"),
                          f"handshake {who}: server key {offered} revoked by {known}", facts)
    raise Unreachable(Reachability.HOST_KEY_CHANGED,
                      msg("ssh.hostkey.changed", known=known, offered=offered),
                      msg("ssh.hostkey.changed.fix", trust=trust),
                      f"handshake {who}: expected {known}; got {offered}", facts)
