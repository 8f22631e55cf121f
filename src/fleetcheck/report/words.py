"""Plain words for the customer: what each check family is called and what to do about it.

Messages are marked with `N_` for extraction (`pybabel extract -k N_`) and
translated when the report is rendered.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


PRINTER_FAULT = N_("Look at the printer's display and clear the fault.")

# family -> (title, what to do when it is WARN or CRIT)
FAMILIES: dict[str, tuple[str, str]] = {
    "host.reachability": (N_("Reachability"),
                          N_("Check that the device is switched on and connected to the network.")),
    "system.uptime": (N_("Uptime"), N_("Restart the device at a convenient time.")),
    "cpu.load": (N_("Processor load"),
                 N_("Find out which programs keep the processor busy; the device may be undersized.")),
    "mem.used": (N_("Memory"), N_("Close unneeded programs or add memory.")),
    "swap.used": (N_("Swap space"), N_("The device is short of memory: add memory or reduce the load.")),
    "mem.pressure": (N_("Memory pressure"), N_("Close unneeded programs or add memory.")),
    "fs.used": (N_("Disk space"), N_("Free up space or enlarge the disk before it runs full.")),
    "fs.inodes": (N_("File system capacity (inodes)"),
                  N_("Remove many small unneeded files, or enlarge the file system.")),
    "fs.readonly": (N_("File system writable"),
                    N_("The file system was switched to read-only, usually after disk errors: "
                       "check the disk and back up the data.")),
    "temp": (N_("Temperature"), N_("Check fans, air flow and dust; move the device somewhere cooler.")),
    "services.failed": (N_("Services"), N_("Restart the failed service and find out why it stopped.")),
    "boot.unexpected": (N_("Unexpected restarts"),
                        N_("Find the cause of the restart: power supply, hardware or a faulty driver.")),
    "kernel.errors": (N_("System errors"),
                      N_("Have the system log checked: these errors often point at failing hardware.")),
    "oom.kills": (N_("Programs ended for lack of memory"), N_("Add memory or reduce the load.")),
    "apps.crashes": (N_("Program crashes"), N_("Update or reinstall the program that crashes.")),
    "disk.smart": (N_("Disk health (SMART)"), N_("Back up the data now and replace the disk.")),
    "disk.raid": (N_("RAID"), N_("Replace the failed disk of the RAID and let it rebuild.")),
    "disk.errors": (N_("Disk errors"), N_("Back up the data now and have the disk checked.")),
    "clock.sync": (N_("Clock synchronisation"), N_("Set up time synchronisation (NTP) on the device.")),
    "reboot.pending": (N_("Pending restart"), N_("Restart the device to finish installing updates.")),
    "av.status": (N_("Virus protection"), N_("Switch virus protection on and update its signatures.")),
    "updates.age": (N_("Updates"), N_("Install the outstanding updates.")),
    "printer.status": (N_("Printer status"), PRINTER_FAULT),
    "printer.conditions": (N_("Printer faults"), PRINTER_FAULT),
    "printer.supply": (N_("Printer supplies"), N_("Order the supply and keep it ready.")),
    "printer.supplies": (N_("Printer supplies"), N_("Order the supply and keep it ready.")),
    "printer.tray": (N_("Paper trays"), N_("Load paper.")),
    "printer.trays": (N_("Paper trays"), N_("Load paper.")),
    "printer.alerts": (N_("Printer alerts"), PRINTER_FAULT),
    "printer.alerts_new": (N_("New printer alerts"), PRINTER_FAULT),
    "printer.new_jams": (N_("Paper jams"), N_("Clear the jam; frequent jams need a service visit.")),
    "printer.pages": (N_("Page counter"), N_("Have a technician look into it.")),
    "printer.restarts": (N_("Printer restarts"), N_("Check the printer's power supply.")),
}
DEFAULT_ADVICE = N_("Have a technician look into it.")

# Families that count events since the previous scan: their findings are "what happened" in the period.
CRASH_FAMILIES = frozenset({"boot.unexpected", "kernel.errors", "oom.kills", "apps.crashes", "disk.errors"})
SUPPLY_FAMILIES = frozenset({"printer.supply", "printer.supplies"})

STATE_LABELS = {
    "OK": N_("OK"),
    "WARN": N_("Warning"),
    "CRIT": N_("Critical"),
    "UNKNOWN": N_("Could not check"),
    "NA": N_("Not applicable"),
    "SKIPPED": N_("Skipped"),
}
# the overall traffic light, in words (colour is never the only signal)
VERDICTS = {
    "OK": N_("Everything checked, no problems found"),
    "WARN": N_("Action needed soon"),
    "CRIT": N_("Action needed now"),
    "UNKNOWN": N_("Not everything could be checked"),
}
REACHABILITY_LABELS = {
    "reachable": N_("reached"),
    "unreachable": N_("not reachable"),
    "timeout": N_("did not answer in time"),
    "auth_failed": N_("login refused"),
    "host_key_unknown": N_("host key not yet confirmed"),
    "host_key_changed": N_("host key changed (possible interception)"),
    "not_checked": N_("not checked"),
}
KIND_LABELS = {
    "local": N_("this computer"),
    "linux": N_("Linux"),
    "windows": N_("Windows"),
    "macos": N_("macOS"),
    "printer": N_("printer"),
    "printserver": N_("print server"),
}


def family(check_id: str) -> str:
    """`fs.used` of `fs.used:/var` (as CheckResult.family; changes carry only the id)."""
    return check_id.split(":", 1)[0]


def item(check_id: str) -> str:
    """`/var` of `fs.used:/var`; empty for a check without an item."""
    return check_id.split(":", 1)[1] if ":" in check_id else ""
