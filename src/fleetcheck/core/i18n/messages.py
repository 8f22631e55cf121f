# ruff: noqa: E501  (a template reads best on one line)
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
    # --- what a host is (checks/virt.py), for N/A reasons ---
    "virt.vm": "virtual machine ({vm})",
    "virt.container": "container ({container})",
    "virt.container.vm": "container ({container}) in a virtual machine ({vm})",
    "virt.none": "no virtualisation found",
    "virt.unknown": "not determined",
    # --- temperatures (checks/temperature.py) ---
    "temp.na": "temperatures: not applicable ({virt:msg})",
    "temp.na.reason": "not applicable: {virt:msg}: {signals}; it exposes no temperature sensors",
    "temp.none": "temperatures not checked: no sensors",
    "temp.none.reason": "no temperature sensors exposed",
    "temp.none.fix": "load the sensor drivers: install lm-sensors and run sensors-detect",
    "temp.noreading": "{sensor}: no reading",
    "temp.noreading.reason": "the sensor is listed but reported no temperature",
    "temp": "{sensor} {celsius:.1f} °C {levels:levels}",
    "temp.ok": "{sensor} {celsius:.1f} °C {levels:levels} [{origin:msg}]",
    "temp.origin.configured": "configured limits",
    "temp.origin.default": "default limits",
    "temp.origin.sensor": "sensor's own limits",
    # --- failed services (checks/services.py, init_services.py) ---
    "services.none": "no failed systemd units {levels:levels}",
    "services.failed": "{count:p:failed systemd unit|failed systemd units}: {names:list} {levels:levels}",
    "services.failed.more": "{count:p:failed systemd unit|failed systemd units}: {names:list} and {more:d} more "
                            "{levels:levels}",
    "services.nosystemd": "failed services not checked: systemd is not running",
    "services.nosystemd.reason": "systemd is not running on this host",
    "services.nosystemd.fix": "nothing to fix if this host uses another init system; its services are not checked",
    "services.unreadable": "failed services not checked: {why:msg}",
    "services.init.none": "no failed {init} services {levels:levels}",
    "services.init.failed": "{count:d} failed {init} {count:s:service|services}: {names:list} {levels:levels}",
    "services.init.failed.more": "{count:d} failed {init} {count:s:service|services}: {names:list} and {more:d} "
                                 "more {levels:levels}",
    "services.na": "failed services: not applicable (container without init)",
    "services.na.reason": "not applicable: {virt:msg} whose PID 1 is {pid1}, an application, not an init system: "
                          "no services are managed here",
    "services.noinit": "failed services not checked: no init system found",
    "services.noinit.reason": "PID 1 is {pid1}, not an init system, and no container was detected",
    "services.init.silent": "failed services not checked: {init} found, but no answer from {tool}",
    "services.init.silent.reason": "the init system is {init} (PID 1 {pid1}), but {tool} is missing or did not "
                                   "answer",
    "services.init.norecord": "failed services not checked: {init} keeps no readable record",
    "services.init.norecord.reason": "the init system is {init} (PID 1 {pid1}); it keeps no record of failed "
                                     "services that fleetcheck can read",
    # --- events in the scan's window (checks/crash_events.py) ---
    "events.none": "no {what:msg} in {since}..{until} UTC {levels:levels}",
    "events": "{count:d} {what:msg} in {since}..{until} UTC, last {last}: {message}",
    "events.what.reboot": "{count:s:unexpected reboot|unexpected reboots}",
    "events.what.shutdown": "{count:s:unexpected shutdown|unexpected shutdowns}",
    "events.what.kernel": "{count:s:kernel error|kernel errors}",
    "events.what.panic": "{count:s:kernel panic|kernel panics}",
    "events.what.oom": "{count:s:OOM kill|OOM kills}",
    "events.what.crash": "{count:s:application crash|application crashes}",
    "events.what.printer_restart": "{count:s:printer restart|printer restarts}",
    # --- unexpected reboots, kernel errors, OOM kills (checks/reboots.py, kernel.py, oom.py) ---
    "boot.volatile": "unexpected reboots not checked: journal is volatile: previous boots are not recorded",
    "boot.volatile.reason": "journal is volatile: previous boots are not recorded",
    "boot.volatile.fix": "mkdir /var/log/journal (or set Storage=persistent in journald.conf) and restart journald",
    "boot.unreadable": "unexpected reboots not checked: the end of boot(s) {boots} could not be read",
    "boot.unreadable.reason": "journal entries of earlier boots unreadable",
    "boot.wtmp.empty": "unexpected reboots not checked: wtmp records no boots",
    "boot.wtmp.empty.reason": "wtmp has no reboot records (rotated or not kept)",
    "boot.wtmp.empty.fix": "keep /var/log/wtmp or use a persistent systemd journal",
    "kernel.scoped": "{base:msg} [{scope}]",
    "kernel.hwcorrupt": "{kb:d} kB of RAM marked HardwareCorrupted (memory errors)",
    "oom.counter.none": "no OOM kills since boot {boot} UTC (/proc/vmstat oom_kill) {levels:levels}",
    "oom.counter": "{count:d} {count:s:OOM kill|OOM kills} since boot {boot} UTC (/proc/vmstat oom_kill) {levels:levels}",
}
