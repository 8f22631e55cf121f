"""Windows uptime, memory and volumes, judged by the shared check families.

- Uptime reuses checks/uptime.py; with Fast Startup (HiberbootEnabled=1) a
  shutdown and power-on resumes a hibernated kernel, so LastBootUpTime stays
  old. The result says so, and names the last boot type from Kernel-Boot 27
  (0x0 cold boot, 0x1 Fast Startup, 0x2 resume from hibernation).
- Memory reuses checks/memory.py: FreePhysicalMemory is the "available"
  figure (free + standby), page files stand in for swap.
- Volumes reuse checks/filesystem.py's FsUsage and space check; items are
  drive letters (`fs.used:C:`) or mount folders. Volumes with neither
  (EFI, recovery partitions) are skipped, as is fs.inodes (NTFS has no
  fixed inode table to run out of).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from fleetcheck.core.checks.filesystem import FsUsage, check_fs_usage
from fleetcheck.core.checks.memory import MemInfo, check_memory
from fleetcheck.core.checks.uptime import BootInfo, check_uptime
from fleetcheck.core.probes.windows.psjson import PsShapeError, as_dict, as_int, as_list, ps_time
from fleetcheck.core.results import CheckResult, Evidence, iso
from fleetcheck.core.thresholds import Thresholds

BOOT_TYPES = {0: "cold boot", 1: "Fast Startup (hybrid boot)", 2: "resume from hibernation"}


def boot_type_note(os_data: dict[str, Any]) -> str:
    boot = os_data.get("boot_event")
    if not isinstance(boot, dict) or "error" in boot:
        return "boot type unknown (no Kernel-Boot 27 event read)"
    data = boot.get("data") if isinstance(boot.get("data"), dict) else {}
    params = boot.get("params") if isinstance(boot.get("params"), list) else []
    value = (data or {}).get("BootType", params[0] if params else None)
    code = as_int(value)
    when = ps_time(boot.get("t"))
    what = BOOT_TYPES.get(code, f"boot type {value!r}") if code is not None else f"boot type {value!r}"
    return f"last start: {what} at {iso(when)} (Kernel-Boot 27)"


def check_windows_uptime(os_data: dict[str, Any], thresholds: Thresholds, observed: datetime,
                         evidence: Evidence) -> list[CheckResult]:
    last_boot = ps_time(os_data.get("last_boot"))
    if last_boot is None:
        raise PsShapeError("Win32_OperatingSystem.LastBootUpTime missing")
    results = check_uptime(BootInfo(last_boot, observed), thresholds, evidence)
    hiberboot = as_int(os_data.get("hiberboot"))
    note = boot_type_note(os_data)
    if hiberboot == 1:
        caveat = "Fast Startup is on: shutting down and powering on does not reset this boot time"
    elif hiberboot == 0:
        caveat = "Fast Startup is off"
    else:
        caveat = "Fast Startup setting not readable: the boot time may be older than the last power-on"
    out = []
    for r in results:
        summary = f"{r.summary} ({caveat})" if hiberboot != 0 else r.summary
        out.append(dataclasses.replace(r, summary=summary, details=f"{r.details}\n{caveat}; {note}".strip()))
    return out


def _kb(value: Any, what: str) -> int:
    n = as_int(value)
    if n is None:
        raise PsShapeError(f"Win32_OperatingSystem.{what} missing")
    return n * 1024


def check_windows_memory(os_data: dict[str, Any], thresholds: Thresholds,
                         evidence: Evidence) -> list[CheckResult]:
    mem = MemInfo(total=_kb(os_data.get("mem_total_kb"), "TotalVisibleMemorySize"),
                  available=_kb(os_data.get("mem_free_kb"), "FreePhysicalMemory"),
                  swap_total=_kb(os_data.get("pagefile_total_kb") or 0, "SizeStoredInPagingFiles"),
                  swap_free=_kb(os_data.get("pagefile_free_kb") or 0, "FreeSpaceInPagingFiles"))
    return check_memory(mem, thresholds, evidence)


def volume_item(vol: dict[str, Any]) -> str | None:
    """'C:' for a lettered volume, 'D:\\Data' for a mount folder, None for neither."""
    letter = vol.get("letter")
    if isinstance(letter, str) and letter.strip():
        return letter.strip().upper()
    name = vol.get("name")
    if isinstance(name, str) and name and not name.startswith("\\\\?\\"):
        return name.rstrip("\\") or name
    return None


def parse_volumes(data: Any) -> tuple[list[tuple[FsUsage, str]], list[str]]:
    """([(volume to check, its raw JSON)], descriptions of skipped ones)."""
    vols = as_list(as_dict(data, "volumes data").get("volumes"), "volumes")
    out: list[tuple[FsUsage, str]] = []
    skipped: list[str] = []
    for raw in vols:
        vol = as_dict(raw, "volume")
        item = volume_item(vol)
        label = f" {vol['label']}" if vol.get("label") else ""
        if item is None:
            skipped.append(f"{vol.get('name')}{label} (no drive letter or mount folder)")
            continue
        size, free = as_int(vol.get("size")), as_int(vol.get("free"))
        if not size or free is None:
            skipped.append(f"{item}{label} (no size reported: not formatted or not mounted)")
            continue
        fs = FsUsage(mount=item, fstype=str(vol.get("fs") or "?"), device=str(vol.get("name") or item),
                     total=size, used=max(0, size - free), free=free)
        out.append((fs, json.dumps(vol, ensure_ascii=False, separators=(",", ":"))))
    return out, skipped


def check_windows_volumes(volumes: list[tuple[FsUsage, str]], thresholds: Thresholds, source: str,
                          observed: datetime) -> list[CheckResult]:
    out: list[CheckResult] = []
    for fs, raw in volumes:
        evidence = Evidence.of(source, raw, observed)
        out.extend(r for r in check_fs_usage(fs, thresholds, evidence) if r.id.startswith("fs.used:"))
    return out
