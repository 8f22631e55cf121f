"""Real kernel output the recordings lacked: continuation lines, and hosts with only BusyBox (issue 7 §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from posix_helpers import checks, parse, recorded, replace_section

from fleetcheck.core.checks.journal import parse_dmesg, parse_dmesg_raw

NO_SYSTEMD = recorded("linux_no_systemd.txt")
RECORDED = recorded("linux_busybox.txt")  # recorded in a container: some checks are the host's
# the same BusyBox box as a NAS on its own hardware (no container markers, BusyBox init as PID 1)
BUSYBOX = replace_section(RECORDED, "virt", "hypervisor_flag=no\ndockerenv=no\ncontainerenv=no\npid1=init\n",
                          exit_status=None)
DMESG_CMD = "dmesg -x --time-format iso --level=emerg,alert,crit,err,warn"
CPPC = ("kern  :warn  : 2026-11-27T04:20:00,123456+00:00 amd_pstate: The CPPC feature is supported but "
        "currently disabled by the BIOS.\n"
        + " " * 50 + "Please enable it if your BIOS has the CPPC option.\n")
OOPS = "kern  :err   : 2026-11-27T04:21:00,000001+00:00 BUG: unable to handle page fault for address: 0000\n"


def test_continuation_lines_join_their_message():
    entries, unplaced = parse_dmesg(CPPC + OOPS)
    assert unplaced == [] and len(entries) == 2
    joined = "disabled by the BIOS. Please enable it if your BIOS has the CPPC option."
    assert entries[0].message.endswith(joined)


def test_a_multi_line_message_no_longer_costs_the_kernel_checks():
    found = checks(parse(replace_section(NO_SYSTEMD, "dmesg", CPPC + OOPS, command=DMESG_CMD)))
    assert found["kernel.errors"].state.value == "CRIT" and "BUG:" in found["kernel.errors"].summary
    assert found["oom.kills"].state.value == "OK"


def test_a_line_the_parser_cannot_place_costs_that_line_shown_in_the_evidence():
    garbled = "\x00\x00 half a line from a torn read\n"
    found = checks(parse(replace_section(NO_SYSTEMD, "dmesg", garbled + OOPS, command=DMESG_CMD)))
    c = found["kernel.errors"]
    assert c.state.value == "CRIT"  # the readable line still counts
    assert "1 line(s) the parser could not place were left out" in c.details
    assert any("not placed, left out:" in e.raw and "torn read" in e.raw for e in c.evidence)


def test_nothing_but_garbage_is_still_unknown_could_not_parse():
    c = checks(parse(replace_section(NO_SYSTEMD, "dmesg", "not dmesg at all\n", command=DMESG_CMD)))
    assert c["kernel.errors"].state.value == "UNKNOWN" and "could not parse" in c["kernel.errors"].summary


def test_busybox_dmesg_r_lines_get_times_from_the_boot():
    boot = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    entries, unplaced = parse_dmesg_raw("<6>[    1.500000] info line\n<3>[   12.250000] an error\n"
                                        "   its continuation\n<4>[   13.000000] a warning\n", boot)
    assert unplaced == []
    assert [(e.priority, e.message) for e in entries] == [(3, "an error its continuation"), (4, "a warning")]
    assert entries[0].time == boot + timedelta(seconds=12.25)


def test_busybox_host_is_checked_with_what_busybox_offers():
    result = parse(BUSYBOX)
    found = checks(result)
    load = found["cpu.load"]
    assert load.state.value in ("OK", "WARN", "CRIT") and "cores" in load.summary  # nproc, not getconf
    kernel = found["kernel.errors"]
    assert kernel.state.value in ("OK", "WARN") and "[dmesg: current boot only]" in kernel.summary
    assert any(e.source.startswith("sh -c dmesg -r") for e in kernel.evidence)
    assert found["oom.kills"].state.value == "OK"
    # booted inside the 7-day window, and BusyBox's last has no -x: a reboot of unknown cause
    boots = found["boot.unexpected"]
    assert boots.state.value == "UNKNOWN" and "cause unknown" in boots.summary


def test_busybox_host_booted_before_the_window_had_no_reboot_in_it():
    found = checks(parse(BUSYBOX, since=timedelta(minutes=5)))
    boots = found["boot.unexpected"]
    assert boots.state.value == "OK" and "(/proc/uptime), before the window started" in boots.summary


def test_in_a_container_the_reboots_crash_recorder_and_kernel_are_the_hosts():
    found = checks(parse(RECORDED))
    for check_id, why in (("boot.unexpected", "reboots are that machine's"),
                          ("apps.crashes", "core_pattern of the machine's kernel"),
                          ("reboot.pending", "not the container's to update")):
        c = found[check_id]
        assert c.state.value == "NA" and c.reason.startswith("not applicable: container (docker)"), check_id
        assert why in c.reason and c.details.startswith("without the container: ")
        assert any("dockerenv=yes" in e.raw for e in c.evidence)


# dmesg refused (kernel.dmesg_restrict=1, not root): Alpine's syslogd file answers instead
KLOGCTL = "dmesg: klogctl: Operation not permitted"
SYSLOG = ("+0100\n"
          "Dec  4 14:00:00 nas kern.err kernel: [ 1234.567890] BUG: unable to handle page fault\n"
          "Dec  3 10:00:00 nas kern.err kernel: Out of memory: Killed process 4242 (java) total-vm:1kB\n"
          "Dec  4 14:05:00 nas kern.info kernel: eth0: link up\n"
          "Dec 31 23:00:00 nas kern.err kernel: Out of memory: Killed process 7 (old) total-vm:1kB\n")


def _restricted(messages: str | None) -> str:
    text = replace_section(BUSYBOX, "dmesg_raw", f"@@stderr {KLOGCTL}\n@@denied dmesg {KLOGCTL}",
                           exit_status=1, command="sh -c dmesg -r | tail -n 4000")
    text = text.replace("uid=0\n", "uid=1000\n")
    if messages is not None:
        text = replace_section(
            text, "messages", messages,
            command="sh -c unset TZ; date +%z; grep \" kernel: \" /var/log/messages | tail -n 4000")
    return text


def test_refused_dmesg_falls_back_to_var_log_messages():
    found = checks(parse(_restricted(SYSLOG), since=timedelta(days=7)))
    k, o = found["kernel.errors"], found["oom.kills"]
    assert k.state.value == "CRIT" and "BUG:" in k.summary
    assert o.state.value == "WARN" and "killed: java" in o.details and "old" not in o.details  # last year's
    for c in (k, o):
        assert "/var/log/messages" in c.details and "dmesg was refused" in c.details
        assert any("/var/log/messages" in e.source for e in c.evidence)


def test_syslog_times_are_the_hosts_local_time_and_year():
    from fleetcheck.core.checks.journal import parse_syslog_kernel
    entries, unplaced = parse_syslog_kernel(SYSLOG, datetime(2026, 12, 4, 14, 30, tzinfo=UTC))
    assert unplaced == []
    assert [e.time for e in entries] == [datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
                                         datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
                                         datetime(2025, 12, 31, 22, 0, tzinfo=UTC)]  # info line dropped


def test_refused_dmesg_without_a_messages_file_stays_unknown():
    found = checks(parse(_restricted(None)))
    assert found["kernel.errors"].state.value == "UNKNOWN" and KLOGCTL in found["kernel.errors"].reason
