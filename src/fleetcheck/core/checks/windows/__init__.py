"""Windows check families: the probe's PowerShell sections, judged.

Reading the output (PowerShell 5.1 and 7 quirks, section errors) is the
probe's, in `core/probes/windows/`; events identifies Windows event-log
records; one module per family judges (power, apps, disk, system, services,
reboot, defender, updates). Shared families (filesystem, memory, uptime) are reused.
"""
