"""Every finding's English template, by message code (the msgid of de.po).

Codes are `<family>.<what>`; the same parameters serve a result's summary,
reason and fix. Format specs: see render.py. Changing an English template
makes its German translation stale until de.po is updated (a test says which).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- filesystems (checks/filesystem.py) ---
    "fs.used.zero": "{mount}: size reported as 0 bytes",
    "fs.used.zero.reason": "{device} ({fstype}) reports no usable size",
    "fs.used": "{mount} {used_pct:.1f} % used ({used:bytes} of {size:bytes}, {free:bytes} free) "
               "{levels:levels}",
    "fs.used.free": "{mount} {used_pct:.1f} % used ({used:bytes} of {size:bytes}, {free:bytes} free) "
                    "{levels:levels} GiB free",
    "fs.inodes.missing": "{mount}: inode counts not collected",
    "fs.inodes.missing.reason": "the collector could not read inode counts for this filesystem",
    "fs.inodes.dynamic": "{mount} has no fixed inode limit ({fstype} reports 0 inodes)",
    "fs.inodes": "{mount} {used_pct:.1f} % inodes used ({used:d} of {total:d}) {levels:levels}",
    "fs.readonly.rw": "{mount} is mounted read-write ({options})",
    "fs.readonly.fstab": "{mount} is read-only as /etc/fstab asks ({options})",
    "fs.readonly.sealed": "/ is macOS's sealed read-only system volume",
    "fs.readonly.ro": "{mount} ({fstype} on {device}) is mounted read-only ({why:msg})",
    "fs.readonly.why.unread": "fstab not read",
    "fs.readonly.why.unlisted": "not listed in /etc/fstab",
    "fs.readonly.why.fstab": "/etc/fstab says {fstab_options}",
    # --- memory, load, uptime (checks/memory.py, load.py, uptime.py) ---
    "mem.used.zero": "memory size reported as 0",
    "mem.used.zero.reason": "total memory could not be read",
    "mem.used": "memory {used_pct:.1f} % used ({used:bytes} of {total:bytes}, {available:bytes} available) "
                "{levels:levels}",
    "swap.used.none": "no swap configured",
    "swap.used": "swap {used_pct:.1f} % used ({used:bytes} of {total:bytes}) {levels:levels}",
    "cpu.load.nocores": "15-min load {load15:.2f}, but the number of CPUs is unknown",
    "cpu.load.nocores.reason": "the CPU count could not be read, so load per core is unknown",
    "cpu.load": "15-min load {per_core:.2f} per core ({load15:.2f} on {cores:p:core|cores}) {levels:levels}",
    "system.uptime.future": "boot time {boot} lies in the future",
    "system.uptime.future.reason": "boot time is later than the observation time (clock skew?)",
    "system.uptime.future.fix": "check the host's clock (NTP)",
    "system.uptime": "up {uptime:dur}, booted {booted} UTC",
}
