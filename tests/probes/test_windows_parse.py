"""The Windows probe's command, script and parser: recordings, PowerShell quirks, garbage, event windows."""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from windows_helpers import (
    NO_EVENTS,
    NOW,
    WEEK_AGO,
    check,
    data_of,
    ev,
    events_data,
    make_run,
    parse,
    recording_bytes,
    replace,
    sections,
)

from fleetcheck.core.probes import probe_for_kind
from fleetcheck.core.probes.windows.probe import BOOTSTRAP, COMMAND, PROBE, script_bytes
from fleetcheck.core.probes.windows.psjson import (
    PsShapeError,
    as_list,
    decode_stderr,
    decode_stdout,
    ps_time,
)
from fleetcheck.core.probes.windows.sections import ADMIN_FIX, EVENT_FIX
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

KP = "Microsoft-Windows-Kernel-Power"
WER = "Microsoft-Windows-WER-SystemErrorReporting"


# --- command and script ---------------------------------------------------------------------


def test_command_is_powershell_with_the_encoded_bootstrap_within_cmd_limits() -> None:
    prefix = "powershell.exe -NoProfile -NonInteractive -EncodedCommand "
    assert COMMAND.startswith(prefix)
    encoded = COMMAND[len(prefix) :]
    assert base64.b64decode(encoded, validate=True).decode("utf-16-le") == BOOTSTRAP
    assert len(COMMAND) < 8191  # cmd.exe's command-line limit
    assert probe_for_kind("windows") is PROBE and PROBE.command() == COMMAND


def test_script_is_constant_ascii_and_sets_the_documented_preferences() -> None:
    script = script_bytes()
    assert PROBE.stdin() == script
    text = script.decode("ascii")  # stdin arrives in the OEM code page: ASCII only
    assert "$ProgressPreference = 'SilentlyContinue'" in text and "$ErrorActionPreference = 'Stop'" in text
    assert "ConvertTo-Json -InputObject $obj -Depth 8 -Compress" in text
    assert "NoMatchingEventsFound" in text and "$s=@($input) -join" in BOOTSTRAP
    assert "$ProgressPreference='SilentlyContinue'" in BOOTSTRAP


# --- recordings -------------------------------------------------------------------------------

EXPECTED = {
    "healthy": {
        "boot.unexpected": State.OK,
        "disk.errors": State.OK,
        "apps.crashes": State.OK,
        "fs.used:C:": State.OK,
        "av.status": State.OK,
        "updates.age": State.OK,
    },
    "bluescreen": {"boot.unexpected": State.CRIT, "disk.errors": State.OK, "apps.crashes": State.WARN},
    "failing-disk": {
        "boot.unexpected": State.OK,
        "disk.errors": State.CRIT,
        "apps.crashes": State.WARN,
        "fs.used:C:": State.WARN,
        "reboot.pending": State.OK,
    },
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_ps51_and_ps7_recordings_read_the_same(scenario: str) -> None:
    results = {}
    for ps in ("ps51", "ps7"):
        out, err = recording_bytes(f"{scenario}-{ps}")
        coll = parse(make_run(out, err))
        results[ps] = [(c.id, c.state, c.summary) for c in coll.checks]
        for check_id, state in EXPECTED[scenario].items():
            assert check(coll, check_id).state is state, (ps, check(coll, check_id).summary)
        assert all(c.evidence for c in coll.checks)
        assert not any(c.id == "probe.output" for c in coll.checks)
    assert results["ps51"] == results["ps7"]


def test_ps51_quirks_are_really_in_the_recording() -> None:
    out, err = recording_bytes("bluescreen-ps51")
    assert out.startswith(b"\xef\xbb\xbf") and b"\r\n" in out and b'"\\/Date(' in out
    assert err.startswith(b"#< CLIXML")
    assert decode_stderr(err) == "progress: Preparing modules for first use."


def test_blue_screen_summary_names_the_stop_code_and_each_event() -> None:
    coll = parse(make_run(*recording_bytes("bluescreen-ps51")))
    boot = check(coll, "boot.unexpected")
    assert "0x9F DRIVER_POWER_STATE_FAILURE" in boot.summary
    assert "dump C:\\WINDOWS\\MEMORY.DMP" in boot.details
    assert "3 start(s) of the event log (EventLog 6005, one per boot)" in boot.details
    assert "planned (not counted)" in boot.details and "TrustedInstaller.exe" in boot.details
    events = [e for e in boot.evidence if e.kind == "event"]
    assert {e.source.split(" -> ")[1] for e in events} >= {
        f"System {KP}/41 RecordId 76402 (Critical)",
        f"System {WER}/1001 RecordId 76433 (Error)",
        "System EventLog/6008 RecordId 76415 (Error)",
    }
    assert all(e.observed.tzinfo is not None for e in events)


# --- the scan window, identity and grouping of events ------------------------------------------


def test_window_by_since() -> None:
    base = sections("bluescreen-ps7")
    assert check(parse(make_run(base), since=WEEK_AGO), "boot.unexpected").metrics[0].value == 2
    one = check(parse(make_run(base), since=NOW - timedelta(days=2)), "boot.unexpected")
    assert one.metrics[0].value == 1 and "power loss" in one.summary and "0x9F" not in one.summary
    none = check(parse(make_run(base), since=NOW - timedelta(hours=1)), "boot.unexpected")
    assert none.state is State.OK
    # the healthy PC's old Teams crash counts only when the window reaches back to it
    healthy = sections("healthy-ps7")
    assert check(parse(make_run(healthy)), "apps.crashes").state is State.OK
    month = check(parse(make_run(healthy), since=NOW - timedelta(days=29)), "apps.crashes")
    assert month.state is State.WARN and "ms-teams.exe 1 crash" in month.summary


def test_window_older_than_the_lookback_says_so() -> None:
    boot = check(
        parse(make_run(sections("bluescreen-ps7")), since=NOW - timedelta(days=90)), "boot.unexpected"
    )
    assert "older ones in the window are not seen" in boot.details


def test_same_event_twice_counts_once() -> None:
    t = NOW - timedelta(days=1)
    crash = ev(t, KP, 41, 500, level=1, data={"BugcheckCode": "0"})
    base = replace(sections(), "events_power", events_data(crash, dict(crash)))
    boot = check(parse(make_run(base)), "boot.unexpected")
    assert boot.metrics[0].value == 1 and "1 duplicate record(s) counted once" in boot.details


def test_one_crash_leaves_three_events_but_counts_once_and_a_boot_loop_counts_each_crash() -> None:
    t = NOW - timedelta(days=1)
    one = events_data(
        ev(t, KP, 41, 10, data={"BugcheckCode": "159"}),
        ev(t + timedelta(seconds=9), "EventLog", 6008, 11),
        ev(t + timedelta(minutes=2), WER, 1001, 12, data={"param1": "0x0000009f (0x3, 0x0)"}),
    )
    assert (
        check(parse(make_run(replace(sections(), "events_power", one))), "boot.unexpected").metrics[0].value
        == 1
    )
    loop = events_data(
        ev(t, KP, 41, 20, data={"BugcheckCode": "0"}),
        ev(t + timedelta(minutes=4), KP, 41, 21, data={"BugcheckCode": "0"}),
    )
    assert (
        check(parse(make_run(replace(sections(), "events_power", loop))), "boot.unexpected").metrics[0].value
        == 2
    )


def test_planned_restart_is_listed_not_counted() -> None:
    t = NOW - timedelta(days=1)
    planned = ev(
        t,
        "User32",
        1074,
        30,
        level=4,
        data={
            "param1": "C:\\Windows\\system32\\winlogon.exe (PC1)",
            "param2": "PC1",
            "param3": "No title for this reason",
            "param4": "0x500ff",
            "param5": "power off",
            "param6": "",
            "param7": "PC1\\anna",
        },
    )
    boot = check(
        parse(make_run(replace(sections(), "events_power", events_data(planned)))), "boot.unexpected"
    )
    assert boot.state is State.OK and "1 planned restart(s)" in boot.summary
    assert "planned power off by C:\\Windows\\system32\\winlogon.exe (PC1) (PC1\\anna)" in boot.details


def test_ids_are_matched_with_their_provider() -> None:
    t = NOW - timedelta(days=1)
    # Application-log WER 1001 and a 41 from another provider are not blue screens
    other = events_data(
        ev(t, "Windows Error Reporting", 1001, 40, log="Application", level=4),
        ev(t, "Microsoft-Windows-Something", 41, 41),
    )
    assert (
        check(parse(make_run(replace(sections(), "events_power", other))), "boot.unexpected").state
        is State.OK
    )


def test_power_button_and_bugcheck_from_1001_alone() -> None:
    t = NOW - timedelta(days=1)
    held = events_data(
        ev(t, KP, 41, 50, data={"BugcheckCode": "0", "PowerButtonTimestamp": "133761234567890"})
    )
    boot = check(parse(make_run(replace(sections(), "events_power", held))), "boot.unexpected")
    assert boot.state is State.CRIT and "power button held" in boot.summary
    bsod = events_data(
        ev(
            t,
            WER,
            1001,
            51,
            params=[
                "0x00000124 (0x0, 0xffffe0011a4d0028, 0xbe000000, 0x800400)",
                "C:\\Windows\\MEMORY.DMP",
                "id",
            ],
        )
    )
    boot = check(parse(make_run(replace(sections(), "events_power", bsod))), "boot.unexpected")
    assert "blue screen 0x124 WHEA_UNCORRECTABLE_ERROR" in boot.summary


def test_no_matching_events_is_ok_with_the_marker_as_evidence() -> None:
    base = replace(sections(), "events_power", error=NO_EVENTS)
    boot = check(parse(make_run(base)), "boot.unexpected")
    assert boot.state is State.OK
    assert "NoMatchingEventsFound" in boot.evidence[0].raw and "Get-WinEvent" in boot.evidence[0].source
    assert "NoMatchingEventsFound" in boot.details


def test_event_log_access_denied_is_unknown_with_the_group_to_join() -> None:
    denied = {
        "fqid": "System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetWinEventCommand",
        "message": "Attempted to perform an unauthorized operation.",
        "type": "System.UnauthorizedAccessException",
        "category": "NotSpecified",
        "hresult": -2147024891,
    }
    coll = parse(make_run(replace(sections(), "events_power", error=denied)))
    boot = check(coll, "boot.unexpected")
    assert boot.state is State.UNKNOWN and "permission denied" in boot.reason and boot.fix == EVENT_FIX.en
    assert "Event Log Readers" in boot.fix
    assert check(coll, "disk.errors").state is State.OK  # other sections unaffected


def test_capped_event_fetch_is_said() -> None:
    capped = events_data(
        ev(NOW - timedelta(days=1), "disk", 153, 60, level=3, params=["\\Device\\Harddisk1\\DR1"]),
        capped=True,
    )
    disk = check(parse(make_run(replace(sections(), "events_disk", capped))), "disk.errors")
    assert disk.state is State.WARN and "hit its event limit" in disk.details


def test_ntfs_98_information_is_not_an_error() -> None:
    t = NOW - timedelta(days=1)
    healthy_98 = ev(t, "Microsoft-Windows-Ntfs", 98, 70, level=4, data={"DriveName": "C:"})
    assert (
        check(
            parse(make_run(replace(sections(), "events_disk", events_data(healthy_98)))), "disk.errors"
        ).state
        is State.OK
    )
    bad_98 = ev(t, "Ntfs", 98, 71, level=2, data={"DriveName": "E:"})
    disk = check(parse(make_run(replace(sections(), "events_disk", events_data(bad_98)))), "disk.errors")
    assert disk.state is State.CRIT and "E: 1x needs offline chkdsk (Ntfs 98)" in disk.summary


# --- PowerShell 5.1 JSON quirks ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("/Date(1700000000000)/", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("\\/Date(1700000000000)\\/", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("/Date(1700000000000+0100)/", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T23:13:20.1234567+01:00", datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)),
        ("2023-11-14T22:13:20Z", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (
            {
                "value": "/Date(1700000000000)/",
                "DisplayHint": 2,
                "DateTime": "Tuesday, 14 November 2023 23:13:20",
            },
            datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        ),
        (None, None),
        ("", None),
    ],
)
def test_ps_dates(value: object, expected: datetime | None) -> None:
    assert ps_time(value) == expected


@pytest.mark.parametrize("value", ["yesterday", 1700000000, {"DateTime": "x"}, ["/Date(1)/"]])
def test_ps_dates_garbage_raises(value: object) -> None:
    with pytest.raises(PsShapeError):
        ps_time(value)


def test_lists_however_powershell_sends_them() -> None:
    assert as_list(None, "x") == [] and as_list({"a": 1}, "x") == [{"a": 1}]
    assert as_list({"value": [1, 2], "Count": 2}, "x") == [1, 2]
    with pytest.raises(PsShapeError, match="depth limit"):
        as_list("System.Object[]", "x")


def test_single_objects_instead_of_lists_are_read() -> None:
    t = NOW - timedelta(days=1)
    base = sections("failing-disk-ps7")
    one_event = events_data(ev(t, "disk", 7, 80, params=["\\Device\\Harddisk0\\DR0"]))
    one_event["events"] = one_event["events"][0]  # a bare object, as 5.1 sends a one-item pipeline
    one_event["events"]["params"] = "\\Device\\Harddisk0\\DR0"
    vols = data_of(base, "volumes")
    vols["volumes"] = vols["volumes"][0]
    coll = parse(make_run(replace(replace(base, "events_disk", one_event), "volumes", vols)))
    assert "1x bad block (disk 7)" in check(coll, "disk.errors").summary
    assert check(coll, "fs.used:C:").state is State.WARN


def test_enum_integers_and_strings_both_work() -> None:
    base = sections()
    os_data = data_of(base, "os")
    os_data["boot_event"]["data"] = {"BootType": 1}
    os_data["hiberboot"] = "1"
    up = check(parse(make_run(replace(base, "os", os_data))), "system.uptime")
    assert "Fast Startup (hybrid boot)" in up.details and "Fast Startup is on" in up.summary


def test_depth_truncation_is_unknown_with_the_raw_line() -> None:
    truncated = events_data()
    truncated["events"] = ["System.Collections.Hashtable", "System.Collections.Hashtable"]
    coll = parse(make_run(replace(sections(), "events_power", truncated)))
    boot = check(coll, "boot.unexpected")
    assert boot.state is State.UNKNOWN and "depth limit" in boot.reason
    assert "System.Collections.Hashtable" in boot.evidence[0].raw


def test_bom_crlf_and_utf16_output_decode_alike() -> None:
    lines = sections()
    text = "".join(json.dumps(s) + "\r\n" for s in lines)
    plain = parse(make_run(text.encode()))
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        assert [(c.id, c.state) for c in parse(make_run(data)).checks] == [
            (c.id, c.state) for c in plain.checks
        ]
    assert decode_stdout(b"\xef\xbb\xbf{}") == "{}"


def test_clixml_errors_on_stderr_are_readable_evidence() -> None:
    err = (
        b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
        b"<S S=\"Error\">The term 'Get-CimInstance' is not recognized_x000D__x000A_</S></Objs>"
    )
    coll = parse(make_run(b"", err, exit_status=1))
    (only,) = coll.checks
    assert only.id == "probe.output" and only.state is State.UNKNOWN
    assert "printed nothing" in only.reason
    assert "Error: The term 'Get-CimInstance' is not recognized" in only.evidence[0].raw


# --- garbage, truncation and start-up failures -------------------------------------------------


def test_constrained_language_mode_is_named() -> None:
    err = (
        b"#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"
        b"<S S=\"Error\">Cannot invoke method. Method invocation is supported only on core types in this "
        b"language mode._x000D__x000A_</S></Objs>"
    )
    (only,) = parse(make_run(b"", err, exit_status=1)).checks
    assert "Constrained Language Mode" in only.reason and "exempts" in only.fix


def test_garbage_output_is_one_unknown_with_raw_evidence() -> None:
    coll = parse(make_run(b"Welcome to the jump menu\r\n1) shell\r\n2) exit\r\n"))
    (only,) = coll.checks
    assert only.id == "probe.output" and only.state is State.UNKNOWN
    assert "not the probe's JSON" in only.reason and "jump menu" in only.evidence[0].raw


def test_powershell_missing_says_so() -> None:
    coll = parse(make_run(b"", b"sh: 1: powershell.exe: not found\n", exit_status=127))
    assert "powershell.exe could not be started" in coll.checks[0].reason


def test_bootstrap_without_script_says_stdin() -> None:
    line = (
        '{"section":"bootstrap","error":{"fqid":"NoScriptOnStdin",'
        '"message":"the probe script did not arrive on standard input"}}'
    )
    (only,) = parse(make_run([line], exit_status=3)).checks
    assert "bootstrap failed" in only.reason and "standard input" in only.fix


def test_output_cut_mid_section_keeps_what_arrived() -> None:
    text = "".join(json.dumps(s) + "\r\n" for s in sections("bluescreen-ps7"))
    cut = text[: text.index('"section": "events_power"') + 400]
    coll = parse(make_run(cut.encode(), exit_status=None))
    assert check(coll, "mem.used").state is State.OK and check(coll, "fs.used:C:").state is State.OK
    boot = check(coll, "boot.unexpected")
    assert boot.state is State.UNKNOWN and "not valid JSON" in boot.reason
    assert check(coll, "av.status").state is State.UNKNOWN
    assert "ended before the 'defender' section" in check(coll, "av.status").reason
    assert check(coll, "probe.output").state is State.UNKNOWN
    cut_at_cap = parse(make_run(cut.encode(), truncated=True))
    assert "cut off at the size limit" in check(cut_at_cap, "updates.age").reason


def test_missing_cmdlet_is_unknown_with_a_hint() -> None:
    missing = {
        "fqid": "CommandNotFoundException",
        "message": "The term 'Get-CimInstance' is not recognized",
        "type": "System.Management.Automation.CommandNotFoundException",
        "category": "ObjectNotFound",
    }
    coll = parse(make_run(replace(sections(), "volumes", error=missing)))
    fs = check(coll, "fs.used")
    assert fs.state is State.UNKNOWN and "cmdlet not available" in fs.reason and "5.1" in fs.fix


def test_section_access_denied_hints_administrators() -> None:
    denied = {
        "fqid": "HRESULT 0x80041003,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand",
        "message": "Access denied",
        "type": "Microsoft.Management.Infrastructure.CimException",
        "category": "PermissionDenied",
        "hresult": -2146233088,
    }
    svc = check(parse(make_run(replace(sections(), "services", error=denied))), "services.failed")
    assert svc.state is State.UNKNOWN and svc.fix == ADMIN_FIX.en


def test_meta_only_output_is_not_ok() -> None:
    coll = parse(make_run(sections()[:1]))
    assert all(c.state is State.UNKNOWN for c in coll.checks)
    assert check(coll, "probe.output").reason.startswith("the probe output ended after section 'meta'")


def test_facts_name_os_and_powershell() -> None:
    coll = parse(make_run(*recording_bytes("healthy-ps51")))
    assert coll.facts["os"] == "Microsoft Windows 11 Pro" and coll.facts["powershell"].startswith("5.1")
    assert coll.facts["fast_startup"] == 1 and "Recovery" in coll.facts["volumes_skipped"][0]


@pytest.mark.parametrize("name", ["healthy-ps51", "healthy-ps7"])
def test_a_hyper_v_guest_is_a_virtual_machine_fact_with_its_evidence(name: str) -> None:
    fact = parse(make_run(*recording_bytes(name))).facts["virtualization"]
    assert (fact["kind"], fact["text"]) == ("vm", "virtual machine (microsoft)")
    shown = "Win32_ComputerSystem Manufacturer='Microsoft Corporation' Model='Virtual Machine'"
    assert shown in fact["evidence"]


def test_a_physical_pc_is_no_vm_and_an_unreadable_model_no_fact() -> None:
    assert parse(make_run(*recording_bytes("bluescreen-ps51"))).facts["virtualization"]["kind"] == "none"
    base = sections("healthy-ps7")
    os_data = data_of(base, "os")
    os_data["computer"] = {"error": {"fqid": "CimJobException", "message": "denied"}}
    assert "virtualization" not in parse(make_run(replace(base, "os", os_data))).facts


def test_per_app_threshold_override() -> None:
    base = sections("bluescreen-ps7")
    relaxed = Thresholds({"apps.crashes:explorer.exe": Levels(None, None, "host")})
    assert check(parse(make_run(base), thresholds=relaxed), "apps.crashes").state is State.OK
    assert check(parse(make_run(base)), "apps.crashes").state is State.WARN


# --- the script's shape (no PowerShell here: a structural check catches gross typos) -----------


def _code_only(text: str) -> str:
    """The script without comments and string contents (backtick escapes honoured)."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        if ch in "'\"":
            quote, i = ch, i + 1
            while i < len(text) and text[i] != quote:
                i += 2 if (quote == '"' and text[i] == "`") else 1
            out.append(quote + quote)
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def test_script_brackets_balance() -> None:
    code = _code_only(script_bytes().decode("ascii"))
    stack: list[str] = []
    pairs = {")": "(", "}": "{", "]": "["}
    for ch in code:
        if ch in "({[":
            stack.append(ch)
        elif ch in pairs:
            assert stack and stack.pop() == pairs[ch], code[: code.index(ch) + 1][-200:]
    assert not stack


def test_every_section_the_script_prints_is_read() -> None:
    import re

    from fleetcheck.core.probes.windows.probe import FAMILIES
    from fleetcheck.core.probes.windows.sections import SOURCES

    printed = set(re.findall(r"Invoke-Section '(\w+)'", script_bytes().decode("ascii")))
    read = {section for section, _, _ in FAMILIES.values()} | {"meta"}
    assert printed == read == set(SOURCES)


def _mutations(value: object, rng: random.Random) -> object:
    """`value` with one leaf or list replaced by something PowerShell (or a broken host) might send."""
    odd = [None, "", "System.Collections.Hashtable", 0, -1, 1.5, True, "x", [], {}, [None], {"value": 1},
           "/Date(abc)/", 2**70]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        return {**value, key: _mutations(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        i = rng.randrange(len(value))
        return [*value[:i], _mutations(value[i], rng), *value[i + 1 :]]
    return rng.choice(odd)


@pytest.mark.parametrize("recording", ["healthy-ps51", "bluescreen-ps7", "failing-disk-ps51"])
def test_odd_data_never_breaks_the_parser(recording: str) -> None:
    rng = random.Random(recording)
    base = sections(recording)
    for _ in range(60):
        i = rng.randrange(1, len(base) - 1)  # any section but meta and end
        mutated = [*base[:i], _mutations(base[i], rng), *base[i + 1 :]]
        coll = parse(make_run([m if isinstance(m, dict) else json.dumps(m) for m in mutated]))
        assert coll.checks
        for c in coll.checks:
            assert c.state is not State.UNKNOWN or c.reason
            assert c.evidence or c.state is State.UNKNOWN
