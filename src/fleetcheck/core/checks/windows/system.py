"""Windows uptime, memory and volumes, judged by the shared check families.

- Uptime reuses checks/uptime.py; with Fast Startup (HiberbootEnabled=1) a
  shutdown and power-on resumes a hibernated kernel, so LastBootUpTime stays
  old. The result says so, and names the last boot type from Kernel-Boot 27
  (0x0 cold boot, 0x1 Fast Startup, 0x2 resume from hibernation).
- Memory is checks/memory.py's check: FreePhysicalMemory is the "available"
  figure (free + standby), page files stand in for swap.
- Volumes reuse checks/filesystem.py's FsUsage and space check; items are
  drive letters (`fs.used:C:`) or mount folders. Volumes with neither
  (EFI, recovery partitions) are skipped, as is fs.inodes (NTFS has no
  fixed inode table to run out of).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from fleetcheck.core.checks import msg, resummarised
from fleetcheck.core.checks.filesystem import FsUsage, check_fs_usage
from fleetcheck.core.checks.uptime import BootInfo, check_uptime
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.thresholds import Thresholds


@dataclass(frozen=True)
class WindowsBoot:
    """What the probe read about the last start: Win32_OperatingSystem, HiberbootEnabled, Kernel-Boot 27."""

    last_boot: datetime
    hiberboot: int | None  # HiberbootEnabled: 1 Fast Startup on, 0 off, None not readable
    boot_note: str  # "last start: cold boot at ... (Kernel-Boot 27)" or why it is unknown


def check_windows_uptime(boot: WindowsBoot, thresholds: Thresholds, observed: datetime,
                         evidence: Evidence) -> list[CheckResult]:
    results = check_uptime(BootInfo(boot.last_boot, observed), thresholds, evidence)
    hiberboot = boot.hiberboot
    caveat = {1: "win.faststartup.on", 0: "win.faststartup.off"}.get(
        -1 if hiberboot is None else hiberboot, "win.faststartup.unknown")
    text = msg(caveat).en
    out = []
    for r in results:
        if hiberboot != 0 and r.code is not None:
            r = resummarised(r, msg("win.uptime.caveat", base=r.code, caveat=caveat))
        out.append(dataclasses.replace(r, details=f"{r.details}\n{text}; {boot.boot_note}".strip()))
    return out


def check_windows_volumes(volumes: list[tuple[FsUsage, str]], thresholds: Thresholds, source: str,
                          observed: datetime) -> list[CheckResult]:
    out: list[CheckResult] = []
    for fs, raw in volumes:
        evidence = Evidence.of(source, raw, observed)
        out.extend(r for r in check_fs_usage(fs, thresholds, evidence) if r.id.startswith("fs.used:"))
    return out
