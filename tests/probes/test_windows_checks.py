"""Windows check families through the probe parser: each OK / WARN / CRIT / UNKNOWN."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from windows_helpers import NOW, check, data_of, make_run, parse, replace, sections

from fleetcheck.core.i18n import render_check
from fleetcheck.core.probes.windows.sections import ADMIN_FIX
from fleetcheck.core.states import State

GIB = 2**30


def _with(name: str, data: object, base: list | None = None):
    return parse(make_run(replace(base or sections(), name, data)))


def _ps_date(t) -> str:
    return t.isoformat().replace("+00:00", "Z")


# --- volumes, memory, uptime (shared families) -------------------------------------------------


@pytest.mark.parametrize("free_gib, state", [(200, State.OK), (60, State.WARN), (20, State.CRIT)])
def test_volume_levels(free_gib: int, state: State) -> None:
    vols = {
        "volumes": [
            {
                "name": "C:\\",
                "letter": "C:",
                "label": "",
                "fs": "NTFS",
                "size": 400 * GIB,
                "free": free_gib * GIB,
            }
        ]
    }
    fs = check(_with("volumes", vols), "fs.used:C:")
    assert fs.state is state and fs.summary.startswith("C: ")


def test_mount_folder_is_an_item_and_unsized_volumes_are_skipped() -> None:
    vols = {
        "volumes": [
            {"name": "C:\\", "letter": "C:", "fs": "NTFS", "size": 100 * GIB, "free": 50 * GIB},
            {"name": "C:\\Data\\", "letter": None, "fs": "NTFS", "size": 10 * GIB, "free": 5 * GIB},
            {"name": "E:\\", "letter": "E:", "fs": None, "size": None, "free": None},
        ]
    }
    coll = _with("volumes", vols)
    assert check(coll, "fs.used:C:\\Data").state is State.OK
    assert not [c for c in coll.checks if c.id.startswith("fs.inodes")]
    assert "E: (no size reported: not formatted or not mounted)" in coll.facts["volumes_skipped"]


def test_no_volume_at_all_is_unknown() -> None:
    fs = check(_with("volumes", {"volumes": []}), "fs.used")
    assert fs.state is State.UNKNOWN and "no fixed volume" in fs.reason


@pytest.mark.parametrize(
    "free_kb, state", [(8_000_000, State.OK), (2_500_000, State.WARN), (800_000, State.CRIT)]
)
def test_memory_levels(free_kb: int, state: State) -> None:
    os_data = data_of(sections(), "os")
    os_data["mem_total_kb"], os_data["mem_free_kb"] = 16_000_000, free_kb
    assert check(_with("os", os_data), "mem.used").state is state


def test_uptime_fast_startup_caveat() -> None:
    os_data = data_of(sections(), "os")
    up = check(_with("os", os_data), "system.uptime")
    assert up.state is State.OK and "Fast Startup is on" in up.summary and "Kernel-Boot 27" in up.details
    os_data["hiberboot"] = 0
    assert "Fast Startup" not in check(_with("os", os_data), "system.uptime").summary
    os_data["hiberboot"] = None
    assert "not readable" in check(_with("os", os_data), "system.uptime").summary
    os_data["last_boot"] = None
    broken = check(_with("os", os_data), "system.uptime")
    assert broken.state is State.UNKNOWN and "LastBootUpTime" in broken.reason


# --- services ---------------------------------------------------------------------------------


def _svc(name: str, exit_code: int = 0, delayed: bool | None = False, trigger: bool = False) -> dict:
    return {
        "name": name,
        "display": name.title(),
        "state": "Stopped",
        "exit": exit_code,
        "svc_exit": 0,
        "delayed": delayed,
        "trigger": trigger,
    }


def test_stopped_by_design_services_are_ok_and_listed() -> None:
    svc = check(
        _with("services", {"stopped_auto": [_svc("sppsvc", delayed=True, trigger=True), _svc("gupdate")]}),
        "services.failed",
    )
    assert (
        svc.state is State.OK
        and "not counted (trigger/delayed start, stopped cleanly): sppsvc" in svc.details
    )


def test_failed_service_is_crit_and_plain_stopped_is_warn() -> None:
    failed = check(_with("services", {"stopped_auto": [_svc("Spooler", 1067)]}), "services.failed")
    assert (
        failed.state is State.CRIT and "1 failed: Spooler" in failed.summary and "exit 1067" in failed.details
    )
    stopped = check(_with("services", {"stopped_auto": [_svc("AcmeAgent")]}), "services.failed")
    assert stopped.state is State.WARN and "1 stopped: AcmeAgent" in stopped.summary
    crashed_trigger = check(
        _with("services", {"stopped_auto": [_svc("WSearch", 1067, delayed=True)]}), "services.failed"
    )
    assert crashed_trigger.state is State.CRIT


def test_just_booted_host_gets_grace_for_stopped_services() -> None:
    base = sections()
    os_data = data_of(base, "os")
    os_data["last_boot"] = _ps_date(NOW - timedelta(minutes=5))
    base = replace(replace(base, "os", os_data), "services", {"stopped_auto": [_svc("AcmeAgent")]})
    svc = check(parse(make_run(base)), "services.failed")
    assert svc.state is State.OK and "booted less than 15 min ago" in svc.details


# --- pending reboot -----------------------------------------------------------------------------


def test_pending_reboot_bound_by_uptime() -> None:
    base = sections()  # booted 7 days ago
    pending = {"cbs": True, "wu": False, "pfro_entries": 0, "pfro_sample": []}
    r = check(_with("reboot", pending, base), "reboot.pending")
    assert (
        r.state is State.WARN and "Component Based Servicing" in r.summary and "at most 7.1 days" in r.summary
    )
    os_data = data_of(base, "os")
    os_data["last_boot"] = _ps_date(NOW - timedelta(days=1))
    fresh = check(_with("reboot", pending, replace(base, "os", os_data)), "reboot.pending")
    assert fresh.state is State.OK and "reboot pending" in fresh.summary


def test_pending_file_renames_are_reported_with_a_sample() -> None:
    pfro = {
        "cbs": False,
        "wu": False,
        "pfro_entries": 2,
        "pfro_sample": ["\\??\\C:\\Program Files\\Acme\\old.dll", "\\??\\C:\\Program Files\\Acme\\new.dll"],
    }
    r = check(_with("reboot", pfro), "reboot.pending")
    assert "PendingFileRenameOperations (2 entries)" in r.summary and "old.dll" in r.details


def test_reboot_data_without_flags_is_unknown() -> None:
    r = check(_with("reboot", {"pfro_entries": 0}), "reboot.pending")
    assert r.state is State.UNKNOWN and "unexpected data" in r.reason


# --- antivirus --------------------------------------------------------------------------------


def _defender(**status) -> dict:
    base = {
        "am_service": True,
        "av": True,
        "rtp": True,
        "mode": "Normal",
        "sig_age_days": 0,
        "sig_updated": _ps_date(NOW),
        "sig_version": "1.421.1257.0",
        "engine": "1.1.24090.11",
        "tamper": True,
    }
    base.update(status)
    return {"status": base, "products": [{"name": "Windows Defender", "state": 397568}]}


@pytest.mark.parametrize(
    "status, state, words",
    [
        ({}, State.OK, "signatures 0 day(s) old"),
        ({"rtp": False}, State.WARN, "real-time protection off"),
        ({"sig_age_days": 5}, State.WARN, "signatures 5 day(s) old"),
        ({"sig_age_days": 9}, State.CRIT, "> crit 7"),
        ({"sig_age_days": 65535}, State.CRIT, "never updated"),
        ({"av": False}, State.CRIT, "antivirus disabled"),
    ],
)
def test_defender_states(status: dict, state: State, words: str) -> None:
    av = check(_with("defender", _defender(**status)), "av.status")
    assert av.state is state and words in av.summary


NOT_INSTALLED = {
    "fqid": "CommandNotFoundException",
    "message": "The term 'Get-MpComputerStatus' is not recognized as the name of a cmdlet",
    "type": "System.Management.Automation.CommandNotFoundException",
    "category": "ObjectNotFound",
}
NOT_RUNNING = {
    "fqid": "HRESULT 0x800106ba,Get-MpComputerStatus",
    "message": "A general error occurred",
    "type": "Microsoft.Management.Infrastructure.CimException",
    "category": "NotSpecified",
    "hresult": -2147416390,
}


@pytest.mark.parametrize(
    "product_state, state", [(266240, State.OK), (266256, State.WARN), (262144, State.CRIT)]
)
def test_third_party_antivirus_replaces_defender(product_state: int, state: State) -> None:
    data = {
        "status_error": NOT_RUNNING,
        "products": [
            {"name": "Windows Defender", "state": 393472},
            {"name": "ESET Security", "state": product_state},
        ],
    }
    av = check(_with("defender", data), "av.status")
    assert av.state is state and "ESET Security" in av.summary and "Windows Defender" not in av.summary
    assert "Defender is not running" in av.summary


def test_no_defender_and_no_security_center_is_unknown_not_ok() -> None:
    data = {
        "status_error": NOT_INSTALLED,
        "products_error": {
            "fqid": "HRESULT 0x8004100e,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand",
            "message": "Invalid namespace",
            "category": "MetadataError",
        },
    }
    av = check(_with("defender", data), "av.status")
    assert av.state is State.UNKNOWN and "not installed" in av.reason and "Invalid namespace" in av.reason
    assert "own console" in av.fix


def test_defender_passive_next_to_another_antivirus() -> None:
    data = _defender(mode="Passive Mode")
    data["products"].append({"name": "Sophos Anti-Virus", "state": 266240})
    av = check(_with("defender", data), "av.status")
    assert av.state is State.OK and "Sophos" in av.summary and "Passive Mode" in av.summary


def test_defender_access_denied() -> None:
    denied = {
        "fqid": "HRESULT 0x80070005,Get-MpComputerStatus",
        "message": "Access denied",
        "category": "PermissionDenied",
        "hresult": -2147024891,
    }
    av = check(_with("defender", {"status_error": denied, "products": []}), "av.status")
    assert av.state is State.UNKNOWN and av.fix == ADMIN_FIX.en


# --- updates ------------------------------------------------------------------------------------


def _wu(days_ago: float, *, definitions_days_ago: float = 0.2) -> list[str]:
    z = "%Y-%m-%dT%H:%M:%SZ"
    t, d = NOW - timedelta(days=days_ago), NOW - timedelta(days=definitions_days_ago)
    return [
        f"au\t{d:{z}}\t{d:{z}}",
        f"h\t{d:{z}}\t1\t2\tSecurity Intelligence Update for Microsoft Defender Antivirus - KB2267602",
        f"h\t{t:{z}}\t1\t2\t2026-10 Cumulative Update for Windows 11 (KB5044284)",
    ]


@pytest.mark.parametrize("days, state", [(10, State.OK), (40, State.WARN), (70, State.CRIT)])
def test_update_age_ignores_definition_updates(days: float, state: State) -> None:
    up = check(_with("updates", {"wu": _wu(days), "hotfix_count": 0}), "updates.age")
    assert up.state is state and f"{days} days ago" in up.summary
    assert "KB5044284" in up.details


def test_failed_installs_after_the_last_success_are_mentioned() -> None:
    lines = _wu(40)
    lines.append(
        f"h\t{NOW - timedelta(days=3):%Y-%m-%dT%H:%M:%SZ}\t1\t4\t2026-11 Cumulative Update (KB5046633)"
    )
    up = check(_with("updates", {"wu": lines}), "updates.age")
    assert "1 failed install(s) since" in up.summary and "(KB5046633) (result 4)" in up.details


def test_wu_api_timeout_falls_back_to_hotfix() -> None:
    data = {
        "wu_error": {
            "fqid": "the Windows Update API did not answer within 30 s",
            "message": "the Windows Update API did not answer within 30 s",
            "type": "System.TimeoutException",
        },
        "hotfix_count": 4,
        "hotfix_latest": {"id": "KB5046633", "installed": f"{NOW - timedelta(days=12):%Y-%m-%d}"},
    }
    up = check(_with("updates", data), "updates.age")
    assert up.state is State.OK and "Get-HotFix: KB5046633" in up.details and "did not answer" in up.details


def test_hotfix_date_in_the_future_is_not_taken_as_fresh() -> None:
    data = {
        "wu": _wu(50),
        "hotfix_latest": {"id": "KB5046633", "installed": f"{NOW + timedelta(days=40):%Y-%m-%d}"},
    }
    up = check(_with("updates", data), "updates.age")
    assert up.state is State.WARN and "50 days ago" in up.summary and "locale misparse" in up.details


def test_no_update_source_is_unknown() -> None:
    timeout = {
        "fqid": "x",
        "message": "the Windows Update API did not answer within 30 s",
        "type": "System.TimeoutException",
    }
    data = {"wu_error": timeout, "hotfix_error": {"fqid": "RPC", "message": "The RPC server is unavailable"}}
    up = check(_with("updates", data), "updates.age")
    assert up.state is State.UNKNOWN and "RPC server" in up.reason and "wuauserv" in up.fix


def test_garbled_wu_line_is_unknown() -> None:
    up = check(_with("updates", {"wu": ["hello"]}), "updates.age")
    assert up.state is State.UNKNOWN and "unexpected Windows Update line" in up.reason
    assert json.loads(up.evidence[0].raw)["section"] == "updates"


@pytest.mark.parametrize("data", [
    {"status_error": NOT_RUNNING, "products": [{"name": "ESET Security", "state": 266256},
                                               {"name": "Sophos", "state": None}]},
    {"status_error": NOT_INSTALLED, "products": []},
    {"status_error": {"fqid": "X", "message": "Access denied", "category": "PermissionDenied",
                      "hresult": -2147024891}, "products": []},
])
def test_antivirus_results_beside_defender_are_coded_and_german(data: dict) -> None:
    av = check(_with("defender", data), "av.status")
    german = render_check(av, "de")
    assert av.code and (av.reason_code or not av.reason) and (av.fix_code or not av.fix)
    assert german.summary != av.summary
    assert german.reason != av.reason or av.reason is None
    assert german.fix != av.fix or av.fix is None
