"""Compose the Windows probe recordings in tests/data/windows/<scenario>-<ps>/.

No Windows host is available to this project's tests, so these recordings are
composed, not captured: the section data below follows the documented event
layouts (Kernel-Power 41 EventData, BugCheck 1001 param1..3, disk/Ntfs data,
Application Error 1000 positional data, Win32_* properties) and is rendered the
way each PowerShell serialises what windows.ps1 emits:

- Windows PowerShell 5.1: UTF-8 BOM (from [Console]::OutputEncoding = UTF8), CRLF,
  DateTime as "\\/Date(ms)\\/", ' < > & escaped as \\u0027 \\u003c \\u003e \\u0026, and the
  "Preparing modules for first use." progress record as CLIXML on stderr;
- PowerShell 7: no BOM, CRLF, DateTime as ISO 8601 with 7 fraction digits and the
  local offset (Local kind) or Z (UtcNow), nothing on stderr.
Hashtable key order is arbitrary in PowerShell; it is shuffled here (seeded).

Run `python tests/data/windows/compose_recordings.py` to rewrite the files; the
tests only read them.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LOCAL = timezone(timedelta(hours=1))  # the PCs' clocks: W. Europe Standard Time in November
NOW = datetime(2026, 11, 27, 9, 30, 12, 345678, tzinfo=UTC)
CLIXML = (
    '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
    '<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T>'
    '<T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for '
    "first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR>"
    "</MS></Obj></Objs>\r\n"
)


class Local:
    """A DateTime of Local kind (CIM and event-log times)."""

    def __init__(self, text: str) -> None:
        self.dt = datetime.fromisoformat(text).replace(tzinfo=LOCAL)


class Utc:
    """A DateTime of Utc kind ([DateTime]::UtcNow)."""

    def __init__(self, dt: datetime) -> None:
        self.dt = dt


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> Local:
    t = (NOW - timedelta(days=days, hours=hours, minutes=minutes)).astimezone(LOCAL)
    return Local(t.replace(tzinfo=None).isoformat())


def plus(t: Local, seconds: float) -> Local:
    return Local((t.dt + timedelta(seconds=seconds)).replace(tzinfo=None).isoformat())


def render(value: Any, ps: str, rng: random.Random) -> Any:
    if isinstance(value, Local | Utc):
        dt = value.dt
        if ps == "ps51":
            return f"/Date({int(dt.timestamp() * 1000)})/"
        if isinstance(value, Utc):
            return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0" + dt.strftime("%z")[:3] + ":" + dt.strftime("%z")[3:]
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: render(value[k], ps, rng) for k in keys}
    if isinstance(value, list):
        return [render(v, ps, rng) for v in value]
    return value


def line(obj: dict[str, Any], ps: str, rng: random.Random) -> str:
    text = json.dumps(render(obj, ps, rng), ensure_ascii=False, separators=(",", ":"))
    if ps == "ps51":
        text = text.replace('"/Date(', '"\\/Date(').replace(')/"', ')\\/"')
        for ch, esc in (("'", "\\u0027"), ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(ch, esc)
    return text


def event(
    t: Local,
    log: str,
    provider: str,
    event_id: int,
    record: int,
    level: int,
    data: dict[str, str] | None = None,
    params: list[str] | None = None,
    msg: str | None = "",
) -> dict[str, Any]:
    named = data or {}
    ev: dict[str, Any] = {
        "t": t,
        "id": event_id,
        "provider": provider,
        "log": log,
        "record": record,
        "level": level,
        "data": named,
        "params": params if params is not None else list(named.values()),
    }
    if msg != "":
        ev["msg"] = msg
    return ev


def events_section(name: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    if not events:
        return {
            "section": name,
            "error": {
                "fqid": "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand",
                "message": "No events were found that match the specified selection criteria.",
                "type": "System.Exception",
                "category": "ObjectNotFound",
                "hresult": -2146233088,
            },
        }
    events = sorted(events, key=lambda e: e["t"].dt, reverse=True)  # Get-WinEvent: newest first
    return {
        "section": name,
        "data": {
            "since": ago(days=30),
            "lookback_days": 30,
            "max_events": 500,
            "capped": False,
            "fetched": len(events),
            "events": events,
        },
    }


def kernel_power_41(
    t: Local, record: int, bugcheck: int, p1: str = "0x0", power_button: str = "0"
) -> dict[str, Any]:
    data = {
        "BugcheckCode": str(bugcheck),
        "BugcheckParameter1": p1,
        "BugcheckParameter2": "0x0",
        "BugcheckParameter3": "0x0",
        "BugcheckParameter4": "0x0",
        "SleepInProgress": "0",
        "PowerButtonTimestamp": power_button,
        "BootAppStatus": "0",
        "Checkpoint": "0",
        "ConnectedStandbyInProgress": "false",
        "SystemSleepTransitionsToOn": "0",
        "CsEntryScenarioInstanceId": "0",
        "BugcheckInfoFromEFI": "false",
        "CheckpointStatus": "0",
        "CsEntryScenarioInstanceIdV2": "0",
        "LongPowerButtonPressDetected": "false",
    }
    return event(
        t,
        "System",
        "Microsoft-Windows-Kernel-Power",
        41,
        record,
        1,
        data,
        msg=(
            "The system has rebooted without cleanly shutting down first. This error could be caused "
            "if the system stopped responding, crashed, or lost power unexpectedly."
        ),
    )


def boot_events(boots: list[tuple[Local, int]], clean: list[tuple[Local, int]]) -> list[dict[str, Any]]:
    out = [
        event(t, "System", "EventLog", 6005, r, 4, {}, [], "The Event log service was started.")
        for t, r in boots
    ]
    out += [
        event(t, "System", "EventLog", 6006, r, 4, {}, [], "The Event log service was stopped.")
        for t, r in clean
    ]
    return out


def planned_1074(
    t: Local, record: int, process: str, reason: str, code: str, kind: str, user: str, computer: str
) -> dict[str, Any]:
    data = {
        "param1": process,
        "param2": computer,
        "param3": reason,
        "param4": code,
        "param5": kind,
        "param6": "",
        "param7": user,
    }
    return event(
        t,
        "System",
        "User32",
        1074,
        record,
        4,
        data,
        msg=(
            f"The process {process} has initiated the {kind} of computer {computer} on behalf of user "
            f"{user} for the following reason: {reason}"
        ),
    )


def meta(ps: str) -> dict[str, Any]:
    version = "5.1.19041.5247" if ps == "ps51" else "7.4.6"
    return {
        "section": "meta",
        "data": {
            "probe": 1,
            "ps": version,
            "edition": "Desktop" if ps == "ps51" else "Core",
            "now": Utc(NOW),
            "lookback_days": 30,
            "max_events": 500,
            "elevated": True,
        },
    }


def os_section(
    caption: str,
    version: str,
    build: str,
    last_boot: Local,
    total_kb: int,
    free_kb: int,
    hiberboot: int,
    boot_type: int,
    boot_at: Local,
    boot_record: int,
    computer: tuple[str, str, bool] = ("OptiPlex 7090", "Dell Inc.", False),
) -> dict[str, Any]:
    boot = event(
        boot_at,
        "System",
        "Microsoft-Windows-Kernel-Boot",
        27,
        boot_record,
        4,
        {"BootType": str(boot_type)},
        msg="",
    )
    return {
        "section": "os",
        "data": {
            "caption": caption,
            "version": version,
            "build": build,
            "last_boot": last_boot,
            "mem_total_kb": total_kb,
            "mem_free_kb": free_kb,
            "pagefile_total_kb": 2490368,
            "pagefile_free_kb": 2301952,
            "hiberboot": hiberboot,
            "boot_event": boot,
            "computer": dict(zip(("model", "manufacturer", "hypervisor_present"), computer, strict=True)),
        },
    }


def volumes(*vols: tuple[str, str | None, str, str, int, int]) -> dict[str, Any]:
    return {
        "section": "volumes",
        "data": {
            "volumes": [
                {"name": n, "letter": letter, "label": label, "fs": fs, "size": size, "free": free}
                for n, letter, label, fs, size, free in vols
            ]
        },
    }


def service(name: str, display: str, exit_code: int, delayed: bool, trigger: bool) -> dict[str, Any]:
    return {
        "name": name,
        "display": display,
        "state": "Stopped",
        "exit": exit_code,
        "svc_exit": 0,
        "delayed": delayed,
        "trigger": trigger,
    }


STOPPED_BY_DESIGN = [
    service("edgeupdate", "Microsoft Edge Update Service (edgeupdate)", 0, True, True),
    service("gupdate", "Google Update Service (gupdate)", 0, True, True),
    service("MapsBroker", "Downloaded Maps Manager", 0, True, False),
    service("sppsvc", "Software Protection", 0, True, True),
    service("RemoteRegistry", "Remote Registry", 0, False, True),
]


def defender(sig_age: int, updated: Local) -> dict[str, Any]:
    return {
        "section": "defender",
        "data": {
            "status": {
                "am_service": True,
                "av": True,
                "rtp": True,
                "mode": "Normal",
                "sig_age_days": sig_age,
                "sig_updated": updated,
                "sig_version": "1.421.1257.0",
                "engine": "1.1.24090.11",
                "tamper": True,
            },
            "products": [{"name": "Windows Defender", "state": 397568}],
        },
    }


def updates(last_cu: datetime, cu_title: str, kb: str, defs: datetime) -> dict[str, Any]:
    z = "%Y-%m-%dT%H:%M:%SZ"
    wu = [f"au\t{(NOW - timedelta(hours=3)).strftime(z)}\t{defs.strftime(z)}"]
    d = defs
    while d > last_cu - timedelta(days=3):
        wu.append(
            f"h\t{d.strftime(z)}\t1\t2\tSecurity Intelligence Update for Microsoft Defender Antivirus - "
            f"KB2267602 (Version 1.421.{1257 - (defs - d).days}.0) - Current Channel (Broad)"
        )
        if abs((d - last_cu).total_seconds()) < 86400:
            wu.append(f"h\t{last_cu.strftime(z)}\t1\t2\t{cu_title}")
        d -= timedelta(days=1)
    return {
        "section": "updates",
        "data": {
            "wu": wu,
            "hotfix_count": 6,
            "hotfix_latest": {"id": kb, "installed": last_cu.strftime("%Y-%m-%d")},
        },
    }


def reboot(wu: bool = False) -> dict[str, Any]:
    return {"section": "reboot", "data": {"cbs": False, "wu": wu, "pfro_entries": 0, "pfro_sample": []}}


def app_crash_1000(
    t: Local, record: int, app: str, version: str, module: str, code: str, named: bool
) -> dict[str, Any]:
    names = [
        "AppName",
        "AppVersion",
        "AppTimeStamp",
        "ModuleName",
        "ModuleVersion",
        "ModuleTimeStamp",
        "ExceptionCode",
        "FaultingOffset",
        "ProcessId",
        "ProcessCreationTime",
        "AppPath",
        "ModulePath",
        "IntegratorReportId",
        "PackageFullName",
        "PackageRelativeAppId",
    ]
    values = [
        app,
        version,
        "65a1b2c3",
        module,
        "10.0.19041.4842",
        "7c2b9e1a",
        code,
        "000000000008ce94",
        "0x1f3c",
        "0x1db3f2a6c7e8d10",
        f"C:\\Windows\\{app}",
        f"C:\\Windows\\SYSTEM32\\{module}",
        "0d7a1c2e-5b4f-4a3e-9c1d-2f6e8a7b9c01",
        "",
        "",
    ]
    return event(
        t,
        "Application",
        "Application Error",
        1000,
        record,
        2,
        dict(zip(names, values, strict=True)) if named else {},
        values,
        msg="",
    )


def printer(name: str, status: str = "Normal", jobs: tuple[dict[str, Any], ...] = (), shared: bool = False,
            port: str = "PORTPROMPT:", driver: str = "Microsoft Print To PDF", comment: str = "",
            location: str = "") -> dict[str, Any]:
    """One Get-Printer row as windows.ps1 emits it, with its Get-PrintJob rows."""
    return {"name": name, "status": status, "jobs": len(jobs), "shared": shared, "port": port,
            "driver": driver, "comment": comment, "location": location, "job_list": list(jobs)}


def print_job(job_id: int, status: str, submitted: Local, user: str, document: str,
              pages: int) -> dict[str, Any]:
    return {"id": job_id, "status": status, "submitted": submitted, "user": user, "document": document,
            "pages": pages}


PDF = printer("Microsoft Print to PDF")


def printers_section(*printers: dict[str, Any], status: str = "Running", start: str = "Automatic",
                     spooler_error: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if spooler_error is not None:
        data["spooler_error"] = spooler_error
    else:
        data["spooler"] = {"status": status, "start": start}
        if status == "Running":
            data["printers"] = list(printers)
    return {"section": "printers", "data": data}


def scenarios() -> dict[str, list[dict[str, Any]]]:
    recovery = (
        "\\\\?\\Volume{9d2c3b1e-0000-0000-0000-f0e5c8000000}\\",
        None,
        "Recovery",
        "NTFS",
        786427904,
        95006720,
    )
    healthy = [
        os_section(
            "Microsoft Windows 11 Pro",
            "10.0.22631",
            "22631",
            ago(days=7, hours=1.5),
            16657044,
            9551724,
            1,
            1,
            ago(hours=1, minutes=35),
            51893,
            ("Virtual Machine", "Microsoft Corporation", True),
        ),
        volumes(
            ("C:\\", "C:", "Windows", "NTFS", 510770802688, 227632443392),
            recovery,
            ("D:\\", "D:", "Daten", "NTFS", 1000186310656, 537198501888),
        ),
        {"section": "services", "data": {"stopped_auto": STOPPED_BY_DESIGN}},
        reboot(),
        events_section(
            "events_power",
            [
                *boot_events([(ago(days=7, hours=1.5), 50211)], [(ago(days=7, hours=1.6), 50190)]),
                planned_1074(ago(days=2, hours=20), 51488, "C:\\Windows\\explorer.exe (PC-EMPFANG)",
                             "Other (Planned)", "0x0", "restart", "PC-EMPFANG\\Empfang", "PC-EMPFANG"),
                planned_1074(ago(days=7, hours=1.7), 50188,
                             "C:\\WINDOWS\\uus\\AMD64\\MoUsoCoreWorker.exe (PC-EMPFANG)",
                             "Operating System: Service pack (Planned)", "0x80020010", "restart",
                             "NT AUTHORITY\\SYSTEM", "PC-EMPFANG"),
            ],
        ),
        events_section("events_disk", []),
        events_section(
            "events_app",
            [
                app_crash_1000(
                    ago(days=17, hours=4),
                    88120,
                    "ms-teams.exe",
                    "24295.605.3225.8804",
                    "KERNELBASE.dll",
                    "e0434352",
                    named=True,
                )
            ],
        ),
        defender(0, ago(hours=3)),
        updates(
            NOW - timedelta(days=15, hours=2),
            "2026-11 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5046633)",
            "KB5046633",
            NOW - timedelta(hours=5),
        ),
        printers_section(PDF, printer("HP LaserJet M404 Empfang", port="192.168.10.50",
                                      driver="HP Universal Printing PCL 6", location="Empfang")),
    ]
    bsod_boot, power_boot = ago(days=2, hours=19, minutes=27), ago(days=1, minutes=18)
    bluescreen = [
        os_section(
            "Microsoft Windows 10 Pro",
            "10.0.19045",
            "19045",
            power_boot,
            8298732,
            3317048,
            0,
            0,
            power_boot,
            77120,
        ),
        volumes(("C:\\", "C:", "", "NTFS", 254721126400, 98105118720)),
        {"section": "services", "data": {"stopped_auto": STOPPED_BY_DESIGN[:3]}},
        reboot(),
        events_section(
            "events_power",
            [
                *boot_events(
                    [(bsod_boot, 76410), (power_boot, 77104), (ago(days=6, hours=2), 75002)],
                    [(ago(days=6, hours=2.2), 74990)],
                ),
                kernel_power_41(plus(bsod_boot, -14), 76402, 159, "0x3"),
                event(
                    plus(bsod_boot, 9),
                    "System",
                    "EventLog",
                    6008,
                    76415,
                    2,
                    {},
                    [
                        "14:58:02",
                        "\u200e24.\u200e11.\u200e2026",
                        "",
                        "",
                        "17",
                        "",
                        "",
                        "1d0b7c2e-0000-0000-0000-000000000000",
                    ],
                    "The previous system shutdown at 14:58:02 on \u200e24.\u200e11.\u200e2026 "
                    "was unexpected.",
                ),
                event(
                    plus(bsod_boot, 63),
                    "System",
                    "Microsoft-Windows-WER-SystemErrorReporting",
                    1001,
                    76433,
                    2,
                    {
                        "param1": "0x0000009f (0x0000000000000003, 0xffffb60e8e8f1060, 0xfffff8066c47f7c8, "
                        "0xffffb60e9c0278a0)",
                        "param2": "C:\\WINDOWS\\MEMORY.DMP",
                        "param3": "a5e1c2d4-7b3f-4e8a-9d21-3c6f0b8e4a17",
                    },
                    msg="The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000009f "
                    "(0x0000000000000003, 0xffffb60e8e8f1060, 0xfffff8066c47f7c8, 0xffffb60e9c0278a0). "
                    "A dump was saved in: "
                    "C:\\WINDOWS\\MEMORY.DMP. Report Id: a5e1c2d4-7b3f-4e8a-9d21-3c6f0b8e4a17.",
                ),
                kernel_power_41(plus(power_boot, -11), 77098, 0),
                event(
                    plus(power_boot, 8),
                    "System",
                    "EventLog",
                    6008,
                    77109,
                    2,
                    {},
                    ["09:41:55", "\u200e26.\u200e11.\u200e2026", "", "", "0", "", "", ""],
                    "The previous system shutdown at 09:41:55 on \u200e26.\u200e11.\u200e2026 "
                    "was unexpected.",
                ),
                planned_1074(
                    ago(days=6, hours=2.3),
                    74988,
                    "C:\\WINDOWS\\servicing\\TrustedInstaller.exe (PC-BUCHHALTUNG)",
                    "Operating System: Upgrade (Planned)",
                    "0x80020003",
                    "restart",
                    "NT AUTHORITY\\SYSTEM",
                    "PC-BUCHHALTUNG",
                ),
            ],
        ),
        events_section("events_disk", []),
        events_section(
            "events_app",
            [
                app_crash_1000(
                    ago(days=2, hours=20),
                    43110,
                    "explorer.exe",
                    "10.0.19041.4842",
                    "ntdll.dll",
                    "c0000005",
                    named=False,
                ),
                app_crash_1000(
                    ago(days=1, hours=3),
                    43388,
                    "explorer.exe",
                    "10.0.19041.4842",
                    "ntdll.dll",
                    "c0000005",
                    named=False,
                ),
            ],
        ),
        defender(1, ago(hours=20)),
        updates(
            NOW - timedelta(days=15, hours=5),
            "2026-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5046613)",
            "KB5046613",
            NOW - timedelta(hours=20),
        ),
        printers_section(PDF),
    ]
    disk_events = []
    for i, days in enumerate((5.2, 3.1, 0.4)):
        disk_events.append(
            event(
                ago(days=days),
                "System",
                "disk",
                7,
                91200 + i * 40,
                2,
                {},
                ["\\Device\\Harddisk0\\DR0"],
                "The device, \\Device\\Harddisk0\\DR0, has a bad block.",
            )
        )
    for i, days in enumerate((6.0, 4.4, 2.2, 0.3)):
        disk_events.append(
            event(
                ago(days=days),
                "System",
                "disk",
                153,
                91100 + i * 45,
                3,
                {},
                ["\\Device\\Harddisk0\\DR0", f"0x{0x2C5A1F08 + i * 8:x}", "0", "\\Device\\00000033"],
                f"The IO operation at logical block address 0x{0x2C5A1F08 + i * 8:x} for Disk 0 "
                "(PDO name: \\Device\\00000033) was retried.",
            )
        )
    disk_events.append(
        event(
            ago(days=1, hours=7),
            "System",
            "disk",
            51,
            91390,
            3,
            {},
            ["\\Device\\Harddisk0\\DR0"],
            "An error was detected on device \\Device\\Harddisk0\\DR0 during a paging operation.",
        )
    )
    disk_events.append(
        event(
            ago(hours=9),
            "System",
            "Microsoft-Windows-Ntfs",
            55,
            91420,
            2,
            {
                "DriveName": "C:",
                "DeviceName": "\\Device\\HarddiskVolume3",
                "CorruptionState": "0x0",
                "HeaderFlags": "0x922",
                "Severity": "Critical",
                "Origin": "File System Driver",
                "Verb": "Force bugcheck",
                "Description": "A corruption was discovered in the file system structure on volume C:.",
                "Signature": "0x1bd1b1fb",
                "Outcome": "Pseudo Verb",
                "SampleLength": "0",
                "SampleData": "",
            },
            msg="A corruption was discovered in the file system structure on volume C:.",
        )
    )
    failing_disk = [
        os_section(
            "Microsoft Windows 10 Pro",
            "10.0.19045",
            "19045",
            ago(days=1, hours=9),
            8298732,
            2907140,
            0,
            0,
            ago(days=1, hours=9),
            66010,
        ),
        volumes(("C:\\", "C:", "", "NTFS", 254721126400, 35390627840), recovery),
        {"section": "services", "data": {"stopped_auto": STOPPED_BY_DESIGN[2:]}},
        reboot(wu=True),
        events_section(
            "events_power",
            [
                *boot_events([(ago(days=1, hours=9), 65998)], [(ago(days=1, hours=9.1), 65990)]),
                planned_1074(ago(days=1, hours=9.2), 65988,
                             "C:\\Windows\\System32\\RuntimeBroker.exe (PC-LAGER)", "Other (Unplanned)",
                             "0x0", "restart", "PC-LAGER\\Lager", "PC-LAGER"),
            ],
        ),
        events_section("events_disk", disk_events),
        events_section(
            "events_app",
            [
                event(
                    ago(days=1, hours=2),
                    "Application",
                    "Application Hang",
                    1002,
                    55122,
                    2,
                    {},
                    [
                        "OUTLOOK.EXE",
                        "16.0.17928.20114",
                        "2a4c",
                        "01db3f2a6c7e8d10",
                        "4294967295",
                        "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
                        "4e1f2a3b-0c5d-4e6f-8a9b-1c2d3e4f5a6b",
                        "",
                        "",
                        "Unknown",
                    ],
                    msg="",
                )
            ],
        ),
        defender(0, ago(hours=6)),
        updates(
            NOW - timedelta(days=15, hours=3),
            "2026-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5046613)",
            "KB5046613",
            NOW - timedelta(hours=6),
        ),
        printers_section(status="Stopped", start="Disabled"),  # PrintNightmare mitigation on a PC
    ]
    server_os = os_section("Microsoft Windows Server 2022 Standard", "10.0.20348", "20348",
                           ago(days=12, hours=3), 8388148, 4194304, 0, 0, ago(days=12, hours=3), 30411,
                           ("PowerEdge T150", "Dell Inc.", False))
    # a Windows print server: one healthy shared queue, one paused with a job waiting for 3 hours,
    # one in error with a failed job, one jammed; a comment carrying a terminal escape sequence
    print_server = [
        printers_section(
            printer("Empfang-Laser", shared=True, port="IP_192.168.10.50",
                    driver="HP Universal Printing PCL 6", comment="Empfang, 1. OG"),
            printer("Buchhaltung-Farbe", status="Paused", shared=True, port="IP_192.168.10.51",
                    driver="KONICA MINOLTA C300i PCL", comment="Farbe \u001b[2J\u001b[31mBuchhaltung",
                    jobs=(print_job(14, "Normal", ago(hours=3, minutes=10), "MUELLER\\a.schmidt",
                                    "Rechnung 2026-1187.pdf", 2),
                          print_job(15, "Paused", ago(minutes=40), "MUELLER\\b.weber", "Mahnung.docx", 1))),
            printer("Lager-Etiketten", status="Error", shared=True, port="IP_192.168.10.60",
                    driver="ZDesigner ZD421-203dpi ZPL",
                    jobs=(print_job(7, "Error, Printing", ago(minutes=50), "MUELLER\\lager",
                                    "Versandetiketten", 12),)),
            printer("OG-Kopierer", status="PaperJam", shared=True, port="IP_192.168.10.52",
                    driver="KONICA MINOLTA C300i PCL"),
        ) if sec["section"] == "printers" else server_os if sec["section"] == "os" else sec
        for sec in healthy
    ]
    spooler_stopped = [printers_section(status="Stopped", start="Automatic") if sec["section"] == "printers"
                       else sec for sec in print_server]
    return {"healthy": healthy, "bluescreen": bluescreen, "failing-disk": failing_disk,
            "printserver": print_server, "printserver-spooler-stopped": spooler_stopped}


def main() -> None:
    for name, sections in scenarios().items():
        for ps in ("ps51", "ps7"):
            rng = random.Random(f"{name}-{ps}")
            lines = [line(meta(ps), ps, rng)] + [line(s, ps, rng) for s in sections]
            lines.append(line({"section": "end", "data": {"probe": 1}}, ps, rng))
            out = HERE / f"{name}-{ps}"
            out.mkdir(exist_ok=True)
            body = "\r\n".join(lines) + "\r\n"
            (out / "stdout").write_bytes(("\ufeff" if ps == "ps51" else "").encode() + body.encode("utf-8"))
            (out / "stderr").write_bytes(CLIXML.encode() if ps == "ps51" else b"")
            (out / "exit_status").write_text("0\n")
            assert not re.search(r"[\x00-\x08]", body)


if __name__ == "__main__":
    main()
