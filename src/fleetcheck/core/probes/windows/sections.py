"""What every Windows check family shares: the query each section ran, and honest UNKNOWNs.

A section that printed an error marker, or never arrived (output cut off),
makes its checks UNKNOWN with the reason and, where known, what would fix it.
"""

from __future__ import annotations

from datetime import datetime

from fleetcheck.core.checks import unknown
from fleetcheck.core.checks.windows.errors import ADMIN_FIX, EVENT_FIX, error_fix, error_reason
from fleetcheck.core.i18n import Message, msg, what_params
from fleetcheck.core.probes.windows.psjson import ProbeOutput, Section
from fleetcheck.core.results import CheckResult, Evidence

__all__ = ["ADMIN_FIX", "EVENT_FIX", "SOURCES", "error_fix", "error_reason", "missing_section",
           "section_evidence", "section_unknown", "source_of"]

# section -> what the probe script ran (windows.ps1), quoted in every evidence item.
SOURCES: dict[str, str] = {
    "meta": "$PSVersionTable; [DateTime]::UtcNow; WindowsPrincipal.IsInRole(Administrator)",
    "os": "Get-CimInstance Win32_OperatingSystem; HKLM:\\...\\Session Manager\\Power HiberbootEnabled; "
          "Get-WinEvent System Microsoft-Windows-Kernel-Boot/27 -MaxEvents 1",
    "volumes": "Get-CimInstance Win32_Volume -Filter 'DriveType=3'",
    "services": "Get-CimInstance Win32_Service -Filter \"StartMode='Auto' AND State<>'Running'\"; "
                "Test-Path HKLM:\\SYSTEM\\CurrentControlSet\\Services\\<name>\\TriggerInfo",
    "reboot": "Test-Path ...\\Component Based Servicing\\RebootPending, "
              "...\\WindowsUpdate\\Auto Update\\RebootRequired; "
              "Get-ItemProperty Session Manager -Name PendingFileRenameOperations",
    "events_power": "Get-WinEvent -FilterHashtable @{LogName='System'; Id=41,1001,1074,6005,6006,6008; "
                    "StartTime=<30 days ago>}",
    "events_disk": "Get-WinEvent -FilterHashtable @{LogName='System'; Id=7,11,51,55,98,153; Level=1,2,3; "
                   "StartTime=<30 days ago>}",
    "events_app": "Get-WinEvent -FilterHashtable @{LogName='Application'; Id=1000,1002; Level=2; "
                  "StartTime=<30 days ago>}",
    "defender": "Get-MpComputerStatus; Get-CimInstance -Namespace root/SecurityCenter2 AntiVirusProduct",
    "updates": "Microsoft.Update.AutoUpdate Results; Microsoft.Update.Session QueryHistory(0,100); "
               "Get-HotFix",
    "printers": "Get-Service Spooler; Get-Printer (Name, PrinterStatus, JobCount, Shared, PortName); "
                "Get-PrintJob -PrinterObject <each> (Id, JobStatus, SubmittedTime)",
}


def source_of(section: str) -> str:
    return f"powershell: {SOURCES.get(section, section)}"


def section_evidence(section: Section, observed: datetime, raw: str | None = None) -> Evidence:
    return Evidence.of(source_of(section.name), section.raw if raw is None else raw, observed)


def section_unknown(check_id: str, what: str, section: Section, observed: datetime,
                    reason: Message | None = None, fix: Message | None = None) -> CheckResult:
    """UNKNOWN for a section that reported an error (or had data of the wrong shape)."""
    err = section.error
    if reason is None:
        reason = error_reason(err, what) if err is not None else msg("win.error.shape", **what_params(what))
    if fix is None and err is not None:
        fix = error_fix(err, section.name)
    summary = msg("win.section.notchecked", why=reason.code, **{**reason.params, **what_params(what)})
    return unknown(check_id, summary, reason, fix, (section_evidence(section, observed),))


def missing_section(check_id: str, what: str, name: str, output: ProbeOutput, observed: datetime,
                    truncated: bool) -> CheckResult:
    """UNKNOWN for a section that never arrived."""
    if truncated:
        why = "win.section.cut"
    elif output.sections:
        why = "win.section.ended"
    else:
        why = "win.section.none"
    tail = output.text[-1500:] if output.text else "(no output)"
    reason = msg(why, section=name)
    summary = msg("win.section.notchecked", why=why, section=name, **what_params(what))
    return unknown(check_id, summary, reason, evidence=(Evidence.of(source_of(name), tail, observed),))
