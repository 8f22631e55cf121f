"""The check families fleetcheck knows, by id.

An inventory's `skip:` patterns are validated against these ids, so a typo
(`tmep*`) is an error instead of a skip that silently never applies.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

# Families whose results judge the host. Host-level findings (`host.reachability`,
# `probe.output`, `ssh.probe`, ...) are not listed: they say why nothing could be
# checked and cannot be skipped.
FAMILIES: tuple[str, ...] = (
    "system.uptime", "cpu.load", "mem.used", "swap.used", "mem.pressure",
    "fs.used", "fs.inodes", "fs.readonly", "temp", "services.failed",
    "boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes",
    "disk.smart", "disk.raid", "disk.errors", "clock.sync", "reboot.pending",
    "av.status", "updates.age",
)


def family_of(check_id: str) -> str:
    """`fs.used` of `fs.used:/var`."""
    return check_id.split(":", 1)[0]


def id_matches(pattern: str, check_id: str) -> bool:
    """Whether a skip pattern names a check: the whole id (`fs.used:/var`, `temp:*`) or its
    family (`temp*`, `disk.*`, `services.failed`), shell-style, case-sensitive."""
    return fnmatchcase(check_id, pattern) or fnmatchcase(family_of(check_id), pattern)


def pattern_known(pattern: str) -> bool:
    """Whether a pattern can match any check of a known family."""
    family, sep, item = pattern.partition(":")
    return any(fnmatchcase(f, family) for f in FAMILIES) and not (sep and not item)
