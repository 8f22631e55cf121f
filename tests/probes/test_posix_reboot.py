"""reboot.pending says OK only with positive evidence (issue 12 §1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from posix_helpers import checks, drop_section, parse, recorded, replace_section, target_now

HEALTHY = recorded("linux_healthy.txt")
BASE = drop_section(HEALTHY, "needrestart")  # no tool: only what the reboot_required section says
NOW = target_now(HEALTHY)
OLD = int((NOW - timedelta(days=12)).timestamp())


def pending(body: str, text: str = BASE, **sections: tuple[str, int]) -> tuple[str, str, str | None]:
    out = replace_section(text, "reboot_required", body, exit_status=None)
    for key, (section_body, status) in sections.items():
        out = replace_section(out, key, section_body, exit_status=status)
    c = checks(parse(out))["reboot.pending"]
    return c.state.value, (c.summary if c.state.value != "UNKNOWN" else c.reason or ""), c.fix


def test_plain_debian_without_a_marker_keeper_is_unknown_not_ok():
    # the situation of issue 12: no /run/reboot-required, nobody maintains it, kernel from no package
    state, reason, fix = pending("dpkg=yes\nkernel_running=6.18.44-fc-v657")
    assert state == "UNKNOWN"
    assert "no kernel images in /boot" in reason and "unattended-upgrades" in reason
    assert fix is not None and "needrestart" in fix


def test_a_maintained_marker_file_makes_its_absence_evidence():
    state, summary, _ = pending("dpkg=yes\nkernel_running=6.1.0-27-amd64\nmarker_pkg=unattended-upgrades")
    assert state == "OK"
    assert summary == "no reboot pending (no /run/reboot-required, kept by unattended-upgrades)"


@pytest.mark.parametrize(("installed", "state", "words"), [
    (["6.1.0-27-amd64"], "OK", "running kernel 6.1.0-27-amd64 is the newest installed"),
    (["6.1.0-9-amd64", "6.1.0-27-amd64"], "OK", "running kernel 6.1.0-27-amd64 is the newest installed"),
    (["6.1.0-27-amd64", "6.1.0-28-amd64"], "WARN", "reboot pending for kernel 6.1.0-28-amd64 for 12 d 0 h"),
])
def test_running_kernel_against_the_installed_images(installed, state, words):
    lines = "".join(f"kernel_installed={OLD} vmlinuz-{k}\n" for k in installed)
    got, summary, _ = pending(f"dpkg=yes\nkernel_running=6.1.0-27-amd64\n{lines}")
    assert got == state and words in summary, summary


def test_a_running_kernel_of_no_installed_package_proves_nothing():
    body = f"dpkg=no\nkernel_running=6.18.44-fc\nkernel_installed={OLD} vmlinuz-6.1.0-27-amd64"
    state, reason, _ = pending(body)
    assert state == "UNKNOWN" and "6.18.44-fc is not among the installed images" in reason


@pytest.mark.parametrize(("ksta", "state"), [("1", "OK"), ("3", "WARN"), ("0", "UNKNOWN")])
def test_needrestart_kernel_status(ksta, state):
    said = f"NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-27-amd64\nNEEDRESTART-KEXP: 6.1.0-28-amd64\n" \
           f"NEEDRESTART-KSTA: {ksta}"
    got, summary, _ = pending("dpkg=yes\nkernel_running=6.1.0-27-amd64", needrestart=(said, 0))
    assert got == state, summary
    if state == "WARN":
        assert "kernel 6.1.0-28-amd64" in summary and "needrestart -b" in summary


@pytest.mark.parametrize(("status", "state"), [(0, "OK"), (102, "WARN")])
def test_suse_zypper_needs_rebooting(status, state):
    got, summary, _ = pending("dpkg=no\nkernel_running=6.4.0-150600", zypper_reboot=("", status))
    assert got == state and "zypper needs-rebooting" in summary


def test_recorded_healthy_host_is_ok_through_needrestart():
    c = checks(parse(HEALTHY))["reboot.pending"]
    assert c.state.value == "OK" and "needrestart -b" in c.summary
    assert any("NEEDRESTART-KSTA: 1" in e.raw for e in c.evidence)
