"""Windows check families: the probe's PowerShell sections, judged.

Reading the output (PowerShell 5.1 and 7 quirks, section errors, typed values)
is the probe's, in `core/probes/windows/`; here each family only judges typed
values (power, apps, disk, system, services, reboot, defender, updates), with
`events` (Windows event-log records) and `errors` (a section's error marker
and its fix hints) shared. Shared families (filesystem, memory, uptime) are reused.
"""
