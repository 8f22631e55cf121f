# ruff: noqa: E501  (a template reads best on one line)
"""Templates of the fallback UNKNOWNs: output a probe could not use, errors a Windows section
printed, fleetcheck's own bugs, skips, and the local probe that did not run.

Kept apart from the check families' templates (messages.py), which include these; de.po
holds the German texts of all.
"""

from __future__ import annotations

FALLBACK_MESSAGES: dict[str, str] = {
    # --- a probe whose output could not be used at all (probes/posix/probe.py, probes/windows/probe.py) ---
    "probe.host.notchecked": "host not checked: {unusable:msg}",
    "probe.incomplete": "probe output incomplete: ended early",
    "probe.incomplete.fix": "checks from the missing sections are UNKNOWN; scan again",
    "posix.incomplete.reason": "probe output ended early after section {section} (exit status {status})",
    "posix.unusable.silent": "the probe printed nothing (exit status {status})",
    "posix.unusable.silent.fix": "check that the login shell can run `sh -s` (restricted shells, ForceCommand)",
    "posix.unusable.nometa": "could not parse the probe output: no <<<meta>>> section (not fleetcheck's script?)",
    "posix.unusable.nometa.fix": "check the login shell: a ForceCommand, a menu or a banner on stdout replaces the output",
    "host.os.unsupported": "unsupported operating system {os}",
    "host.os.unsupported.reason": "the POSIX probe reads Linux and macOS, this host says uname -s = {uname}",
    "host.os.unsupported.fix": "scan it with a different kind or not at all",
    "win.incomplete.reason": "the probe output ended after section '{section}' (exit status {status})",
    "win.unusable.bootstrap": "the probe bootstrap failed: {error}",
    "win.unusable.bootstrap.fix": "check that the SSH server passes standard input to the command",
    "win.unusable.clm": "PowerShell runs in Constrained Language Mode (AppLocker/WDAC): the probe cannot run",
    "win.unusable.clm.fix": "scan with an account the application-control policy exempts, or allow the probe script",
    "win.unusable.nops": "powershell.exe could not be started (exit status {status})",
    "win.unusable.nops.fix": "this host has no powershell.exe on PATH: is it really Windows with OpenSSH?",
    "win.unusable.silent": "powershell.exe printed nothing (exit status {status})",
    "win.unusable.silent.fix": "run the command by hand over ssh and look at its error output",
    "win.unusable.meta": "the probe's first section reported an error",
    "win.unusable.nojson": "the output is not the probe's JSON (no 'meta' section): a banner, menu or other shell?",
    "win.unusable.nojson.fix": "check the OpenSSH DefaultShell and that nothing prints before the command runs",
    # --- a Windows section that printed an error or odd data (checks/windows/errors.py) ---
    "win.error.denied": "permission denied reading {what:msg}: {error}",
    "win.error.cmdlet": "cmdlet not available for {what:msg}: {error}",
    "win.error.timeout": "{what:msg} timed out: {error}",
    "win.error.unread": "{what:msg} could not be read: {error}",
    "win.error.shape": "{what:msg}: unexpected data",
    "win.error.data": "unexpected data from PowerShell: {error}",
    "win.error.json": "the '{section}' section is not valid JSON (cut off or garbled)",
    "win.fix.events": "run the scan as a member of the host's 'Event Log Readers' group (or Administrators): net localgroup \"Event Log Readers\" <user> /add",
    "win.fix.cmdlet": "the cmdlet is missing on this host: fleetcheck needs Windows PowerShell 5.1 (Windows 10 / Server 2016 or later)",
    "win.fix.wuauserv": "the Windows Update service did not answer; check the 'wuauserv' service on the host",
    "win.volumes.none": "Win32_Volume listed no fixed volume with a drive letter and a size",
    # --- macOS (probes/posix/macos.py) ---
    "mac.panics.denied": "kernel panics not checked: DiagnosticReports not readable",
    "mac.panics.denied.reason": "permission denied: /Library/Logs/DiagnosticReports",
    "mac.panics.denied.fix": "scan as an admin user, or grant sshd Full Disk Access",
    "mac.disks.none": "disk health not checked: no physical disks listed",
    "mac.disks.none.reason": "diskutil list physical showed no disks",
    # --- OOM kills when the kernel log is unreadable (probes/posix/linux_events.py) ---
    "oom.nolog": "OOM kills not checked: the kernel log could not be read",
    "oom.nolog.reason": "kernel log unreadable",
    "oom.nolog.before": "{log_why:msg}; /proc/vmstat counts {counter:d} OOM kills since boot {boot} UTC, before the window starts, so they cannot be placed in it",
    "kernel.denied.other.reason": "{journal_why:msg}; and dmesg: {dmesg_said}",
    # --- reboots judged on the uptime alone (checks/reboots.py) ---
    "boot.uptime.before": "no reboot in the window: up since {boot} UTC (/proc/uptime), before the window started",
    "boot.uptime.inside": "unexpected reboots not checked: rebooted {boot} UTC, cause unknown",
    "boot.uptime.inside.reason": "booted inside the window, and no log says whether it shut down cleanly: {why_no_log:msg}",
    # --- failed units on this machine (collectors/local.py) ---
    "local.systemctl.missing": "{systemctl} not found on PATH although systemd is running",
    "local.systemctl.missing.fix": "install systemd's systemctl or fix PATH",
    "local.systemctl.timeout": "systemctl timed out after {timeout:.1f} s",
    "local.systemctl.nostart": "systemctl could not be started: {error}",
    "local.systemctl.exit": "systemctl exited {status}: {error}",
    "local.systemctl.odd": "systemctl output not understood: {error}",
    "local.systemctl.odd.fix": "report this systemd version's output as a fleetcheck bug",
    # --- fleetcheck's own bug while judging (probes/judging.py) ---
    "judging.failed": "{what:msg} not checked: fleetcheck failed while judging it",
    "judging.failed.reason": "fleetcheck failed while judging {what:msg}: {error}",
    "judging.failed.fix": "a fleetcheck bug, not a problem of this host: report it with this result's evidence",
    # --- the inventory's skip: (core/skips.py) ---
    "skip": "skipped by the inventory: {skip_reason}",
    # --- the local POSIX probe (collectors/local_probe.py) ---
    "local.probe.nostart": "local probe did not run: crash checks not run",
    "local.probe.nostart.reason": "could not start {command}: {error}",
    "local.probe.timeout": "local probe timed out: crash checks not run",
    "local.probe.timeout.reason": "the local POSIX probe ran past the host's deadline ({seconds:.0f} s)",
    # --- printers (checks/printer/) ---
    "printer.unread.reason": "not read: {whys:each:; }",
    "printer.noanswer.reason": "no protocol answered",
    "printer.restarts.nouptime.reason": "the printer reports no uptime (sysUpTime / printer-up-time)",
    "printer.tray.level.unknown.reason": "the printer reports the paper level as unknown (-2)",
    "printer.tray.level.none.reason": "the printer reports no paper level",
    "printer.supply.level.unknown.reason": "the printer reports the level as unknown (-2)",
    "printer.supply.level.none.reason": "the printer reports no level",
    "printer.supply.level.odd.reason": "unexpected level {raw_level}",
    "printer.supply.nomax.reason": "level {raw_level} {unit:part}, but the printer gives no maximum ({raw_max}): no percentage can be computed",
    "printer.alerts.new": "{count:d} new {count:s:alert|alerts} since the previous scan ({jams:d} {jams:s:jam|jams}) {levels:levels}",
}
