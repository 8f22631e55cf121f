"""The POSIX probe's parser on recorded outputs: every family's OK/WARN/CRIT/UNKNOWN path."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from posix_helpers import checks, drop_section, parse, recorded, replace_section, states, target_now, us

from fleetcheck.core.contracts import EventWindows
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.probe import COMMAND, PROBE
from fleetcheck.core.ranges import Range
from fleetcheck.core.thresholds import Levels, Thresholds

HEALTHY = recorded("linux_healthy.txt")
CRASHING = recorded("linux_crashing.txt")


def test_command_and_script_are_constants():
    assert PROBE.command() == COMMAND == "env LC_ALL=C sh -s"
    script = PROBE.stdin()
    assert script is not None and script.startswith(b"# fleetcheck POSIX probe")
    assert b"main </dev/null" in script  # no command can read the rest of the script from stdin


def test_healthy_linux_host_is_ok_everywhere_with_evidence():
    result = parse(HEALTHY)
    found = checks(result)
    assert {c.state.value for c in found.values()} == {"OK", "NA"}, states(result)
    raid = found["disk.raid"]  # /proc/mdstat is absent: no md array, positively
    assert raid.state.value == "NA" and raid.reason.startswith("not applicable: /proc/mdstat does not exist")
    for family in ("fs.used:/", "fs.inodes:/", "fs.readonly:/", "cpu.load", "mem.used", "swap.used",
                   "system.uptime", "services.failed", "boot.unexpected", "kernel.errors", "oom.kills",
                   "apps.crashes", "disk.smart:/dev/sda", "reboot.pending", "clock.sync"):
        assert family in found, family
        assert found[family].evidence, family
        assert all(e.raw and e.source for e in found[family].evidence)
    assert "2 ended cleanly in the window" in found["boot.unexpected"].details
    assert found["boot.unexpected"].evidence[0].source == "journalctl --list-boots -o json --no-pager"
    assert result.facts["os"] == "Debian GNU/Linux 12 (bookworm)" and result.facts["systemd"] is True


def test_crashing_host_findings():
    result = parse(CRASHING)
    found = checks(result)
    assert found["boot.unexpected"].state.value == "CRIT"
    assert found["boot.unexpected"].summary.startswith("2 unexpected reboots")
    boots = found["boot.unexpected"].details
    assert "8e2d4c6b8a0f" in boots and "1a2b3c4d5e6f" in boots
    assert found["kernel.errors"].state.value == "CRIT"
    assert found["kernel.errors"].summary.startswith("1 kernel error")  # BUG/#PF/Oops lines = one report
    assert "NULL pointer dereference" in found["kernel.errors"].summary
    assert found["oom.kills"].state.value == "WARN" and "killed: java" in found["oom.kills"].details
    assert found["services.failed"].state.value == "CRIT"
    assert "backup-nightly.service" in found["services.failed"].summary
    assert found["apps.crashes"].state.value == "WARN"
    assert "/opt/app/bin/report-worker ×1" in found["apps.crashes"].details
    event_evidence = [e for e in found["oom.kills"].evidence if e.kind == "event"]
    assert event_evidence and re.search(r"\[sha256:[0-9a-f]{64}\]", event_evidence[0].raw)
    # the state-of-system families are unaffected
    assert found["disk.smart:/dev/sda"].state.value == "OK"


def test_events_before_the_window_are_not_counted_again():
    now = target_now(CRASHING)
    found = checks(parse(CRASHING, since=now - timedelta(minutes=80)))
    assert found["kernel.errors"].state.value == "CRIT"  # the oops was 60 min ago
    assert found["oom.kills"].state.value == "OK"  # the OOM kill 2 h ago was counted by an earlier scan
    assert found["boot.unexpected"].state.value == "OK"
    assert found["apps.crashes"].state.value == "OK"
    assert "no unexpected reboots" in found["boot.unexpected"].summary


def test_each_family_counts_from_its_own_window():
    """#11 §4: the journal was last read a week ago (denied since), the kernel log 80 minutes ago."""
    now = target_now(CRASHING)
    recent = now - timedelta(minutes=80)
    windows = EventWindows(now - timedelta(days=7), {"kernel.errors": recent, "boot.unexpected": recent})
    found = checks(parse(CRASHING, since=windows))
    assert found["kernel.errors"].state.value == "CRIT"  # the oops 60 min ago is inside its window
    assert found["boot.unexpected"].state.value == "OK"  # both reboots were before its window
    assert found["oom.kills"].state.value == "WARN"  # the OOM kill 2 h ago was never counted: still is
    assert found["apps.crashes"].state.value == "WARN"


def test_event_fingerprints_are_stable_between_parses():
    first = checks(parse(CRASHING))["boot.unexpected"].details
    second = checks(parse(CRASHING))["boot.unexpected"].details
    assert first == second and first.count("[sha256:") == 2


def test_thresholds_from_the_inventory_apply():
    host = Host("h1", "linux", "192.0.2.10", thresholds=Thresholds({
        "oom.kills": Levels(Range.parse("5"), None), "services.failed": Levels(Range.parse("0"), None)}))
    found = checks(parse(CRASHING, host=host))
    assert found["oom.kills"].state.value == "OK"
    assert found["services.failed"].state.value == "WARN"


def test_failing_smart_disk_decodes_the_exit_status_bits():
    found = checks(parse(recorded("linux_smart_failing.txt")))
    disk = found["disk.smart:/dev/sda"]
    assert disk.state.value == "CRIT"
    assert "SMART health check FAILED" in disk.summary and "Reallocated_Sector_Ct (now)" in disk.summary
    bits = "exit status 24: SMART status: DISK FAILING, pre-fail attribute at or below threshold now"
    assert bits in disk.details
    assert "WD-WCC6Y3KJ1234" in disk.summary


def test_journal_not_permitted_is_unknown_with_the_group_hint():
    found = checks(parse(recorded("linux_journal_denied.txt")))
    for check_id in ("boot.unexpected", "apps.crashes", "kernel.errors"):
        c = found[check_id]
        assert c.state.value == "UNKNOWN", check_id
        assert "journal not permitted" in (c.reason or ""), check_id
        assert "systemd-journal" in (c.fix or ""), check_id
    assert (found["boot.unexpected"].fix or "").endswith("usermod -aG systemd-journal tech")
    refused = "dmesg: read kernel buffer failed: Operation not permitted"
    assert refused in (found["kernel.errors"].reason or "")
    assert "kernel.dmesg_restrict=0" in (found["kernel.errors"].fix or "")


def test_host_without_systemd_uses_wtmp_dmesg_and_chrony():
    result = parse(recorded("linux_no_systemd.txt"))
    found = checks(result)
    assert result.facts["systemd"] is False
    assert found["services.failed"].state.value == "UNKNOWN"
    assert found["boot.unexpected"].state.value == "OK"
    assert "wtmp" in found["boot.unexpected"].details
    kernel = found["kernel.errors"]
    assert kernel.state.value == "OK" and "[dmesg: current boot only]" in kernel.summary
    assert found["clock.sync"].state.value == "OK" and "chronyc" in found["clock.sync"].summary
    assert found["apps.crashes"].state.value == "UNKNOWN"


def test_wtmp_reboot_without_shutdown_is_unexpected():
    now = target_now(HEALTHY)
    fmt = "%a %b %e %H:%M:%S %Y"
    boot = "reboot   system boot  6.1.0-13-amd64  "
    lines = [f"{boot} {(now - timedelta(hours=2)).strftime(fmt)}   still running",
             f"{boot} {(now - timedelta(days=2)).strftime(fmt)} - crash (1+22:00)",
             "", "wtmp begins Tue May 20 00:00:00 2025"]
    text = replace_section(recorded("linux_no_systemd.txt"), "wtmp", "\n".join(lines))
    found = checks(parse(text))
    assert found["boot.unexpected"].state.value == "CRIT"


def test_volatile_journal_is_unknown_not_ok():
    now = target_now(HEALTHY)
    boots = [{"index": 0, "boot_id": "3f1c2a9e8d7b4c6a9e0f1a2b3c4d5e6f",
              "first_entry": us(now - timedelta(hours=3)), "last_entry": us(now)}]
    text = replace_section(HEALTHY, "boots", json.dumps(boots))
    text = replace_section(text, "journal_dir", "", exit_status=2,
                           stderr=["ls: cannot access '/var/log/journal': No such file or directory"])
    c = checks(parse(text))["boot.unexpected"]
    assert c.state.value == "UNKNOWN"
    assert c.reason == "journal is volatile: previous boots are not recorded"
    assert "Storage=persistent" in (c.fix or "")


def test_old_systemd_text_outputs_are_sniffed():
    now = target_now(CRASHING)
    day = (now - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    day3 = (now - timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    boots = (f"-1 8e2d4c6b8a0f4e1d9c3b5a7f6e8d0c2b Mon {day3} UTC—Tue {day} UTC\n"
             f" 0 3f1c2a9e8d7b4c6a9e0f1a2b3c4d5e6f Tue {day} UTC—Wed {now:%Y-%m-%d %H:%M:%S} UTC")
    units = "● backup-nightly.service loaded failed failed Nightly backup to NAS"
    when = now - timedelta(hours=1)
    dump = f"Wed {when:%Y-%m-%d %H:%M:%S} UTC  48301  1001  1001  11 present   /opt/app/bin/w"
    text = replace_section(CRASHING, "boots", boots)
    text = replace_section(text, "failed_units", units)
    text = replace_section(text, "coredumps", "", exit_status=1,
                           stderr=["coredumpctl: unrecognized option '--json=short'"])
    text = replace_section(text, "coredumps_text", dump)
    found = checks(parse(text))
    boot = found["boot.unexpected"]
    assert boot.state.value == "CRIT" and boot.summary.startswith("1 ")
    assert found["services.failed"].state.value == "CRIT"
    assert found["apps.crashes"].state.value == "WARN" and "/opt/app/bin/w" in found["apps.crashes"].summary


def test_list_boots_table_of_newer_systemd_without_dash():
    now = target_now(CRASHING)
    fmt = "%Y-%m-%d %H:%M:%S"
    day, day3, at = (now - timedelta(days=1)).strftime(fmt), (now - timedelta(days=3)).strftime(fmt), \
        now.strftime(fmt)
    table = ("IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY\n"
             f" -1 8e2d4c6b8a0f4e1d9c3b5a7f6e8d0c2b Mon {day3} UTC Tue {day} UTC\n"
             f"  0 3f1c2a9e8d7b4c6a9e0f1a2b3c4d5e6f Tue {day} UTC Wed {at} UTC")
    boot = checks(parse(replace_section(CRASHING, "boots", table)))["boot.unexpected"]
    assert boot.state.value == "CRIT" and boot.summary.startswith("1 unexpected reboot")


def test_coredumpctl_exit_1_without_none_found_is_unknown():
    text = replace_section(HEALTHY, "coredumps", "", exit_status=1, stderr=["Failed to acquire bus: oops"])
    c = checks(parse(text))["apps.crashes"]
    assert c.state.value == "UNKNOWN" and "exit status 1" in (c.reason or "")


def test_garbage_in_a_section_is_unknown_could_not_parse_with_raw_evidence():
    text = replace_section(HEALTHY, "boots", "<html>Service Unavailable</html>")
    c = checks(parse(text))["boot.unexpected"]
    assert c.state.value == "UNKNOWN" and "could not parse" in c.summary
    assert "<html>Service Unavailable</html>" in c.evidence[0].raw


@pytest.mark.parametrize("stdout", ["", "Welcome to the menu!\nChoose 1-5:\n", "\x00\xff garbage <<<"])
def test_garbage_output_is_unknown_could_not_parse(stdout):
    result = parse(stdout, exit_status=0)
    [c] = result.checks
    assert c.id == "probe.output" and c.state.value == "UNKNOWN"
    assert "could not parse" in (c.reason or "") or "printed nothing" in (c.reason or "")
    assert c.evidence and c.evidence[0].raw


@pytest.mark.parametrize("truncated", [False, True])
def test_cut_off_output_says_so_and_missing_families_are_unknown(truncated):
    cut = HEALTHY.split("<<<failed_units>>>")[0]
    found = checks(parse(cut, truncated=truncated, exit_status=None))
    if truncated:  # the SSH collector reports the cut at its cap (ssh.output); no second finding
        assert "probe.output" not in found
    else:
        early = found["probe.output"]
        assert early.state.value == "UNKNOWN" and "ended early" in early.summary
    assert found["mem.used"].state.value == "OK"  # read before the cut
    for lost in ("services.failed", "boot.unexpected", "kernel.errors", "disk.smart", "clock.sync"):
        assert found[lost].state.value == "UNKNOWN", lost


def test_missing_tool_denied_and_timeout_markers():
    text = replace_section(HEALTHY, "smart_scan", "@@missing smartctl", exit_status=None,
                           command="smartctl --scan")
    c = checks(parse(text))["disk.smart"]
    assert c.state.value == "UNKNOWN" and c.fix == "install smartmontools"
    text = replace_section(HEALTHY, "kernel_log", "", exit_status=124)
    c = checks(parse(text))["kernel.errors"]
    assert c.state.value == "UNKNOWN" and "timed out" in (c.reason or "")


def test_smart_permission_denied_says_how_to_allow_it():
    denied = {"smartctl": {"version": [7, 3], "exit_status": 2, "messages": [
        {"string": "Smartctl open device: /dev/sda [SAT] failed: Permission denied", "severity": "error"}]},
        "device": {"name": "/dev/sda", "type": "sat"}}
    text = replace_section(HEALTHY, "smart:/dev/sda", json.dumps(denied), exit_status=2)
    c = checks(parse(text))["disk.smart:/dev/sda"]
    assert c.state.value == "UNKNOWN" and "permission denied" in c.summary
    assert "sudo -n smartctl" in (c.fix or "")


def test_a_scanned_disk_without_its_output_is_unknown():
    text = replace_section(HEALTHY, "smart_scan", "/dev/sda -d sat # /dev/sda [SAT], ATA device\n"
                                                  "/dev/nvme0 -d nvme # /dev/nvme0, NVMe device")
    found = checks(parse(text))
    assert found["disk.smart:/dev/sda"].state.value == "OK"
    assert found["disk.smart:/dev/nvme0"].state.value == "UNKNOWN"


def test_no_smart_devices_without_evidence_of_a_vm_is_unknown_not_not_applicable():
    text = drop_section(replace_section(HEALTHY, "smart_scan", ""), "smart:/dev/sda")
    c = checks(parse(text))["disk.smart"]
    assert c.state.value == "UNKNOWN" and not (c.reason or "").startswith("not applicable")


@pytest.mark.parametrize(("status", "extra", "state", "words"), [
    (64, {"ata_smart_error_log": {"summary": {"count": 3}}}, "WARN", "error log has entries (3 errors)"),
    (32, {}, "WARN", "below threshold in the past"),
    (128, {}, "WARN", "self-test log has errors"),
    (0, {"nvme_smart_health_information_log": {"critical_warning": 4, "media_errors": 0}}, "CRIT",
     "NVMe critical warning 0x04"),
    (4, {"smart_status": None}, "UNKNOWN", "not applicable"),
])
def test_smart_bits(status, extra, state, words):
    report = {"smartctl": {"exit_status": status, "messages": [
        {"string": "SMART support is: Unavailable - device lacks SMART capability."}] if status == 4 else []},
        "device": {"name": "/dev/sda"}, "model_name": "Disk", "smart_status": {"passed": True}}
    report.update(extra)
    if report.get("smart_status") is None:
        report.pop("smart_status")
    text = replace_section(HEALTHY, "smart:/dev/sda", json.dumps(report), exit_status=status)
    c = checks(parse(text))["disk.smart:/dev/sda"]
    assert c.state.value == state and words in c.summary + (c.reason or "")


MD_HEAD = "Personalities : [raid1]\nmd0 : active raid1 "


@pytest.mark.parametrize(("mdstat", "state"), [
    (MD_HEAD + "sdb1[1] sda1[0]\n      1046528 blocks super 1.2 [2/2] [UU]\n"
     "\nunused devices: <none>", "OK"),
    (MD_HEAD + "sda1[0]\n      1046528 blocks super 1.2 [2/1] [U_]\n"
     "\nunused devices: <none>", "CRIT"),
    (MD_HEAD + "sdb1[1](F) sda1[0]\n      1046528 blocks [2/1] [U_]\n", "CRIT"),
    (MD_HEAD + "sdb1[2] sda1[0]\n      1046528 blocks [2/1] [U_]\n"
     "      [==>..................]  recovery = 12.6% (131072/1046528) finish=0.4min\n", "CRIT"),
    (MD_HEAD + "sdb1[1] sda1[0]\n      1046528 blocks [2/2] [UU]\n"
     "      [=>...................]  resync =  8.1% (84992/1046528) finish=0.7min\n", "WARN"),
])
def test_md_raid(mdstat, state):
    c = checks(parse(replace_section(HEALTHY, "mdstat", mdstat)))["disk.raid:md0"]
    assert c.state.value == state, c.summary


def test_md_driver_without_arrays_is_not_applicable_with_the_mdstat_evidence():
    c = checks(parse(replace_section(HEALTHY, "mdstat", "Personalities : [raid1]\nunused devices: <none>")))
    raid = c["disk.raid"]
    assert raid.state.value == "NA" and raid.reason.startswith("not applicable: /proc/mdstat lists no arrays")
    assert "unused devices: <none>" in raid.evidence[0].raw and "disk.raid:md0" not in c


def test_pending_reboot():
    now = target_now(HEALTHY)
    old = int((now - timedelta(days=10)).timestamp())
    body = f"file=/run/reboot-required\nmtime={old}\npkg=linux-image-6.1.0-15-amd64\ndpkg=yes"
    c = checks(parse(replace_section(HEALTHY, "reboot_required", body)))["reboot.pending"]
    assert c.state.value == "WARN" and "linux-image-6.1.0-15-amd64" in c.summary
    fresh = body.replace(str(old), str(int((now - timedelta(hours=5)).timestamp())))
    found = checks(parse(replace_section(HEALTHY, "reboot_required", fresh)))
    assert found["reboot.pending"].state.value == "OK"
    said = "Core libraries or services have been updated since boot-up:\n  * kernel"
    rhel = replace_section(replace_section(HEALTHY, "reboot_required", "dpkg=no"), "needs_restarting",
                           said, exit_status=1)
    assert checks(parse(rhel))["reboot.pending"].state.value == "WARN"
    unknown = replace_section(drop_section(HEALTHY, "needrestart"), "reboot_required", "dpkg=no")
    assert checks(parse(unknown))["reboot.pending"].state.value == "UNKNOWN"


def test_clock_not_synchronised():
    text = replace_section(HEALTHY, "timedatectl", "Timezone=Etc/UTC\nNTP=no\nNTPSynchronized=no")
    c = checks(parse(text))["clock.sync"]
    assert c.state.value == "WARN" and "NTP is disabled" in c.summary


def _kernel(entries):
    lines = [json.dumps({"__REALTIME_TIMESTAMP": str(us(t)), "_BOOT_ID": "3f1c", "PRIORITY": str(p),
                         "MESSAGE": m}) for t, p, m in entries]
    return checks(parse(replace_section(HEALTHY, "kernel_log", "\n".join(lines))))["kernel.errors"]


@pytest.mark.parametrize(("priority", "message", "state"), [
    (0, "mce: [Hardware Error]: Machine check events logged", "CRIT"),
    (3, "EDAC MC0: 1 UE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0", "CRIT"),
    (2, "EXT4-fs (sda1): Remounting filesystem read-only", "CRIT"),
    (3, "INFO: task kworker/0:1:123 blocked for more than 120 seconds.", "CRIT"),
    (3, "blk_update_request: I/O error, dev sdb, sector 2048 op 0x0:(READ)", "WARN"),
    (3, "usb 1-1: device descriptor read/64, error -71", "WARN"),
    (3, "i8042: No controller found", "OK"),
    (4, "hrtimer: interrupt took 2390 ns", "OK"),
])
def test_kernel_line_classes(priority, message, state):
    now = target_now(HEALTHY)
    assert _kernel([(now - timedelta(hours=1), priority, message)]).state.value == state


def test_journal_message_as_byte_array_is_decoded():
    now = target_now(HEALTHY)
    line = json.dumps({"__REALTIME_TIMESTAMP": str(us(now - timedelta(hours=1))), "PRIORITY": "3",
                       "MESSAGE": list(b"Kernel panic - not syncing: \xff fatal")})
    c = checks(parse(replace_section(HEALTHY, "kernel_log", line)))["kernel.errors"]
    assert c.state.value == "CRIT" and "Kernel panic - not syncing" in c.summary


def test_hardware_corrupted_memory_is_crit():
    text = HEALTHY.replace("HardwareCorrupted:     0 kB", "HardwareCorrupted:     4 kB")
    if "HardwareCorrupted:" not in HEALTHY:
        text = text.replace("MemTotal:", "HardwareCorrupted:    8192 kB\nMemTotal:", 1)
    assert checks(parse(text))["kernel.errors"].state.value == "CRIT"


def test_unsupported_os_is_unknown():
    text = HEALTHY.replace("uname_s=Linux", "uname_s=FreeBSD")
    [c] = parse(text).checks
    assert c.id == "host.os" and c.state.value == "UNKNOWN" and "FreeBSD" in (c.reason or "")


def test_macos_healthy():
    found = checks(parse(recorded("macos_healthy.txt"), kind="macos"))
    assert {c.state.value for c in found.values()} == {"OK"}, {k: c.summary for k, c in found.items()}
    assert {"kernel.errors", "boot.unexpected", "disk.smart:/dev/disk0", "mem.pressure", "mem.used",
            "cpu.load", "system.uptime", "fs.used:/System/Volumes/Data"} <= set(found)


def test_macos_crashing_and_os_is_detected_not_declared():
    result = parse(recorded("macos_crashing.txt"), kind="linux")
    found = checks(result)
    assert "inventory says linux" in result.facts["os_mismatch"]
    panic = found["kernel.errors"]
    assert panic.state.value == "CRIT" and "watchdog timeout" in panic.summary
    assert found["boot.unexpected"].state.value == "CRIT" and "-128" in found["boot.unexpected"].summary
    assert found["disk.smart:/dev/disk0"].state.value == "CRIT"
    external = found["disk.smart:/dev/disk4"]
    assert external.state.value == "UNKNOWN" and (external.reason or "").startswith("not applicable")
    assert found["mem.pressure"].state.value == "CRIT"


def test_macos_unreadable_sources_are_unknown():
    text = recorded("macos_healthy.txt")
    text = replace_section(text, "shutdown_causes", "", exit_status=None, command="log show").replace(
        "@@cmd log show\n", "@@cmd log show\n@@missing log\n")
    text = text.replace("<<<panics>>>\n", "<<<panics>>>\n@@denied /Library/Logs/DiagnosticReports\n")
    found = checks(parse(text, kind="macos"))
    assert found["boot.unexpected"].state.value == "UNKNOWN"
    panics = found["kernel.errors"]
    assert panics.state.value == "UNKNOWN" and "Full Disk Access" in (panics.fix or "")


def test_clock_far_from_the_scanners_clock_is_warn():
    from fleetcheck.core.contracts import ProbeRun

    now = target_now(HEALTHY)
    scanner = now + timedelta(minutes=20)  # the target's clock is 20 min behind
    run = ProbeRun(PROBE.command(), HEALTHY.encode(), b"", 0, False, scanner, scanner)
    parsed = PROBE.parse(run, Host("h1", "linux", "192.0.2.10"), now - timedelta(days=7))
    found = {c.id: c for c in parsed.checks}
    assert found["clock.sync"].state.value == "WARN" and "1200 s off" in found["clock.sync"].summary


def test_a_mount_df_did_not_report_is_unknown_not_skipped():
    text = HEALTHY.replace("<<<fstab>>>", "/dev/vdb1 /srv xfs rw,relatime 0 0\n<<<fstab>>>", 1)
    found = checks(parse(text))
    srv = found["fs.used:/srv"]
    assert srv.state.value == "UNKNOWN" and "missing from df" in (srv.reason or "")
    assert found["fs.readonly:/srv"].state.value == "OK"


def test_a_journal_younger_than_the_window_says_so():
    now = target_now(HEALTHY)
    found = checks(parse(HEALTHY, since=now - timedelta(days=30)))
    assert found["boot.unexpected"].state.value == "OK"
    assert "earlier reboots are not visible" in found["boot.unexpected"].details


def _apport(text: str, files: list[tuple[int, str, str]]) -> str:
    body = "".join(f"@@file {mtime} {path}\n{line}\n" for mtime, path, line in files)
    block = ("<<<apport>>>\n@@cmd stat -c %Y /var/crash/*.crash; head -c 16384 | grep -m 1 ^ExecutablePath:\n"
             + body)
    return text.replace("<<<mdstat>>>", block + "<<<mdstat>>>", 1)


def test_ubuntu_apport_reports_count_when_coredumpctl_is_missing():
    now = target_now(HEALTHY)
    text = replace_section(HEALTHY, "coredumps", "@@missing coredumpctl", exit_status=None,
                           command="coredumpctl --no-pager --json=short list --since=-30d")
    empty = checks(parse(_apport(text, [])))["apps.crashes"]
    assert empty.state.value == "OK"  # apport is the recorder and holds no reports
    hour_ago = int((now - timedelta(hours=1)).timestamp())
    old = int((now - timedelta(days=20)).timestamp())
    text = _apport(text, [
        (hour_ago, "/var/crash/_usr_bin_gnome-shell.1000.crash", "ExecutablePath: /usr/bin/gnome-shell"),
        (old, "/var/crash/_opt_erp_bin_client.1000.crash", "")])
    c = checks(parse(text))["apps.crashes"]
    assert c.state.value == "WARN" and "/usr/bin/gnome-shell crashed (apport report" in c.summary
    assert "/opt/erp/bin/client" not in c.details  # 20 days old: outside the window


def test_host_without_systemd_but_with_apport_is_judged():
    now = target_now(HEALTHY)
    stamp = int((now - timedelta(hours=3)).timestamp())
    text = _apport(recorded("linux_no_systemd.txt"), [(stamp, "/var/crash/_usr_sbin_cupsd.0.crash", "")])
    c = checks(parse(text))["apps.crashes"]
    assert c.state.value == "WARN" and "/usr/sbin/cupsd" in c.summary


ALL_LOST = ("services.failed", "clock.sync", "apps.crashes")


@pytest.mark.parametrize(("cut_after", "lost"), [
    ("<<<df>>>\n", ALL_LOST), ("<<<systemd>>>\n", ALL_LOST), ("<<<failed_units>>>\n@@cmd", ALL_LOST),
    ("<<<timedatectl>>>\n", ("clock.sync",)),  # services were read completely before the cut
])
def test_a_cut_off_section_says_it_was_cut_never_none_found(cut_after, lost):
    """#13 §8: output cut inside a section read as 'no failed units' (OK) or 'systemd is not running'."""
    cut = HEALTHY[:HEALTHY.index(cut_after) + len(cut_after)]
    found = checks(parse(cut, truncated=True, exit_status=None))
    for check_id in lost:
        c = found[check_id]
        assert c.state.value == "UNKNOWN", (check_id, c.summary)
        assert "cut off" in (c.reason or "") or "lacks this part" in c.summary, (check_id, c.reason)
