"""Windows check families: the probe's PowerShell sections, parsed and judged.

psjson reads the output (5.1 and 7 quirks), events identifies and windows
event-log records, common turns section errors into honest UNKNOWNs; one
module per family judges (power, apps, disk, system, services, reboot,
defender, updates). Shared families (filesystem, memory, uptime) are reused.
"""
