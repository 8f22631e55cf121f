"""The real posix.sh run locally (no SSH): shells, missing `timeout`, tools that read stdin or hang.

PATH is set to a fixture host's bin dir plus this machine's system dirs, exactly as the sshd
fleet does, so these run the real script against the same stand-ins.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fleetcheck.core.contracts import ProbeRun
from fleetcheck.core.inventory.model import Host
from fleetcheck.core.probes.posix.probe import PROBE
from fleetcheck.core.probes.posix.sections import split_sections

HOSTS = Path(__file__).resolve().parent.parent / "ssh" / "hosts"
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")


def _shadow(tmp: Path, hidden: tuple[str, ...]) -> list[str]:
    """One dir of symlinks to the system commands except `hidden` (as the fleet's `hide=`)."""
    target = tmp / "system"
    target.mkdir()
    for d in SYSTEM_PATH:
        if os.path.isdir(d):
            for name in os.listdir(d):
                link = target / name
                if name not in hidden and not link.is_symlink():
                    link.symlink_to(os.path.join(d, name))
    return [str(target)]


def run_script(role: str, tmp: Path, shell: str = "sh", extra: dict[str, str] | None = None,
               hide: tuple[str, ...] = ()) -> ProbeRun:
    bin_dir = tmp / "bin"
    shutil.copytree(HOSTS / role / "bin", bin_dir)
    for name, text in (extra or {}).items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    system = _shadow(tmp, hide) if hide else list(SYSTEM_PATH)
    env = {"PATH": ":".join([str(bin_dir), *system]), "HOME": str(tmp)}
    started = datetime.now(UTC)
    res = subprocess.run([shell, "-c", PROBE.command()], input=PROBE.stdin(), capture_output=True,
                         env=env, timeout=60)
    finished = datetime.now(UTC)
    return ProbeRun(PROBE.command(), res.stdout, res.stderr, res.returncode, False, started, finished)


def states(run: ProbeRun) -> dict[str, str]:
    collection = PROBE.parse(run, Host("local", "linux", "127.0.0.1"), run.started - timedelta(days=7))
    return {c.id: c.state.value for c in collection.checks}


@pytest.mark.parametrize("shell", [s for s in ("sh", "dash", "bash") if shutil.which(s)])
def test_script_runs_in_every_login_shell(shell, tmp_path):
    run = run_script("crashing", tmp_path, shell)
    assert run.exit_status == 0 and run.stderr == b""
    found = states(run)
    assert found["boot.unexpected"] == "CRIT" and found["kernel.errors"] == "CRIT"
    assert found["oom.kills"] == "WARN" and found["services.failed"] == "CRIT"


def test_a_tool_reading_stdin_cannot_eat_the_script(tmp_path):
    greedy = "#!/bin/sh\ncat >/dev/null\necho '{}'\n"  # reads all of stdin, like a careless tool
    run = run_script("healthy", tmp_path, extra={"sensors": greedy})
    out = split_sections(run.stdout.decode())
    assert out.complete, "the script stopped early"
    assert "clock.sync" in states(run)


def test_without_timeout_the_script_still_runs_and_says_so(tmp_path):
    run = run_script("healthy", tmp_path, hide=("timeout",))
    out = split_sections(run.stdout.decode())
    assert out.complete and "@@notimeout" in out.sections["meta"].lines
    collection = PROBE.parse(run, Host("local", "linux", "127.0.0.1"), run.started - timedelta(days=7))
    assert collection.facts["command_timeouts"] is False
    assert {c.state.value for c in collection.checks if c.id.startswith("boot")} == {"OK"}


def test_a_command_killed_by_timeout_becomes_unknown(tmp_path):
    # a `timeout` stand-in that reports smartctl as timed out (exit 124), as GNU timeout does
    fake_timeout = ('#!/bin/sh\nshift\ncase "$1" in smartctl) exit 124 ;; esac\nexec "$@"\n')
    run = run_script("healthy", tmp_path, extra={"timeout": fake_timeout})
    collection = PROBE.parse(run, Host("local", "linux", "127.0.0.1"), run.started - timedelta(days=7))
    smart = next(c for c in collection.checks if c.id == "disk.smart")
    assert smart.state.value == "UNKNOWN" and "timed out" in (smart.reason or "")


def test_missing_systemd_is_detected_through_systemctl(tmp_path):
    run = run_script("no_systemd", tmp_path, hide=("systemctl", "journalctl", "coredumpctl", "timedatectl"))
    out = split_sections(run.stdout.decode())
    assert out.sections["systemd"].missing == ["systemctl"]
    assert "boots" not in out.sections and "wtmp" in out.sections
    found = states(run)
    # N/A only where the tests run in a container without an init (the probe says so with evidence)
    assert found["services.failed"] in ("UNKNOWN", "NA") and found["boot.unexpected"] == "OK"


def test_systemctl_present_but_not_pid1_reads_as_no_systemd(tmp_path):
    offline = ('#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). '
               'Can\'t operate." >&2\necho "Failed to connect to bus: Host is down" >&2\nexit 1\n')
    run = run_script("no_systemd", tmp_path, extra={"systemctl": offline},
                     hide=("journalctl", "coredumpctl", "timedatectl"))
    collection = PROBE.parse(run, Host("local", "linux", "127.0.0.1"), run.started - timedelta(days=7))
    assert collection.facts["systemd"] is False


@pytest.mark.parametrize("shell", [s for s in ("dash", "bash") if shutil.which(s)])
def test_without_timeout_a_hanging_command_is_still_cut(shell, tmp_path):
    # getconf runs under a 5 s limit; this one would hang for a minute
    run = run_script("healthy", tmp_path, shell, extra={"getconf": "#!/bin/sh\nexec sleep 60\n"},
                     hide=("timeout",))
    out = split_sections(run.stdout.decode())
    assert out.complete and out.sections["nproc"].exit_status == 124
    collection = PROBE.parse(run, Host("local", "linux", "127.0.0.1"), run.started - timedelta(days=7))
    load = next(c for c in collection.checks if c.id == "cpu.load")
    # getconf was cut; the count then comes from `nproc` (as on BusyBox hosts), named in the evidence
    assert out.sections["nproc_applet"].exit_status == 0
    assert any(e.source == "nproc" for e in load.evidence) and "cores" in load.summary


def test_macos_branch_of_the_script_with_stand_ins(tmp_path):
    """The only run of the script's macOS half here: uname/sysctl/diskutil/log are stand-ins."""
    run = run_script("macos_healthy", tmp_path, hide=("timeout",))
    collection = PROBE.parse(run, Host("mac", "macos", "127.0.0.1"), run.started - timedelta(days=7))
    found = {c.id: c for c in collection.checks}
    assert collection.facts["os"] == "macOS 14.1" and collection.facts["os_family"] == "Darwin"
    assert {c.state.value for c in found.values()} == {"OK"}, {k: c.summary for k, c in found.items()}
    assert {"kernel.errors", "boot.unexpected", "disk.smart:/dev/disk0", "mem.pressure", "mem.used",
            "cpu.load", "system.uptime", "fs.used:/System/Volumes/Data"} <= set(found)
    assert "1 orderly shutdown" in found["boot.unexpected"].details


@pytest.mark.parametrize(("groups", "uses_sudo"), [("tech sudo", True), ("tech users", False)])
def test_sudo_for_smartctl_only_for_admin_group_members(tmp_path, groups, uses_sudo):
    marker = tmp_path / "sudo-called"
    fake_id = ('#!/bin/sh\ncase "$1" in -u) echo 1001 ;; -un) echo tech ;; '
               f'-Gn) echo "{groups}" ;; *) echo "uid=1001(tech)" ;; esac\n')
    fake_sudo = f'#!/bin/sh\ntouch {marker}\n[ "$1" = -n ] && shift\nexec "$@"\n'
    run = run_script("healthy", tmp_path, extra={"id": fake_id, "sudo": fake_sudo})
    out = split_sections(run.stdout.decode())
    expected = "sudo -n smartctl --scan" if uses_sudo else "smartctl --scan"
    assert out.sections["smart_scan"].commands[0] == expected
    assert marker.exists() is uses_sudo  # a non-admin is never made to try sudo (incident mails)
    assert "disk.smart:/dev/sda" in states(run)


def test_a_timeout_with_other_syntax_is_not_used(tmp_path):
    # busybox < 1.30: `timeout -t SECS PROG`; `timeout 20 df` would run a program called "20"
    old_busybox = '#!/bin/sh\n[ "$1" = -t ] || { echo "timeout: can\'t execute \'$1\'" >&2; exit 127; }\n' \
                  'shift 2\nexec "$@"\n'
    run = run_script("healthy", tmp_path, extra={"timeout": old_busybox})
    out = split_sections(run.stdout.decode())
    assert "@@notimeout" in out.sections["meta"].lines  # the watchdog takes over
    assert states(run)["boot.unexpected"] == "OK"
