"""VM, container and init detection as host facts, and the checks that cannot apply because of them."""

from __future__ import annotations

import pytest
from posix_helpers import checks, drop_section, parse, recorded, replace_section

from fleetcheck.core.checks.init_services import parse_sv_status
from fleetcheck.core.checks.virt import detect_init, detect_linux, detect_macos, detect_windows

HEALTHY = recorded("linux_healthy.txt")
NO_SYSTEMD = recorded("linux_no_systemd.txt")

KVM = "detect_vm=kvm\ndetect_container=none\ndmi_vendor=QEMU\ndmi_product=Standard PC (Q35 + ICH9, 2009)\n" \
      "hypervisor_flag=yes\ndockerenv=no\ncontainerenv=no\nopenrc=no\nrunit=no\npid1=systemd\ncgroup=0::/\n"
DOCKER = "detect_vm=none\ndetect_container=docker\nhypervisor_flag=no\ndockerenv=yes\ncontainerenv=no\n" \
         "openrc=no\nrunit=no\npid1=python3\ncgroup=0::/\n"
PHYSICAL = "detect_vm=none\ndetect_container=none\ndmi_vendor=Dell Inc.\ndmi_product=OptiPlex 7090\n" \
           "hypervisor_flag=no\ndockerenv=no\ncontainerenv=no\nopenrc=no\nrunit=no\npid1=systemd\n"
VIRTIO = "vda\tvirtio\t0x1af4\t\n"
SATA = "sda\tscsi\tATA\tSamsung SSD 870\n"


def signals(text: str) -> dict[str, str]:
    return dict(line.partition("=")[::2] for line in text.splitlines())


def with_platform(text: str, virt: str, block: str | None = None) -> str:
    out = replace_section(text, "virt", virt, exit_status=None)
    return out if block is None else replace_section(out, "block", block, exit_status=None)


def no_sensors(text: str) -> str:
    return replace_section(drop_section(text, "sensors"), "thermal", "", exit_status=None)


@pytest.mark.parametrize(("text", "kind", "words"), [
    (KVM, "vm", "virtual machine (kvm)"),
    (DOCKER, "container", "container (docker)"),
    (PHYSICAL, "none", "no virtualisation found"),
    ("dmi_vendor=VMware, Inc.\ndmi_product=VMware7,1\n", "vm", "virtual machine (vmware)"),
    ("hypervisor_flag=yes\n", "vm", "virtual machine (unknown hypervisor)"),
    ("detect_vm=none\nhypervisor_flag=yes\n", "none", "no virtualisation found"),  # e.g. Xen dom0
    ("containerenv=yes\n", "container", "container (podman)"),
    ("cgroup=12:pids:/docker/4f1e 0::/\n", "container", "container (docker)"),
    ("detect_container=docker\ndetect_vm=kvm\n", "container",
     "container (docker) in a virtual machine (kvm)"),
    ("", None, "not determined"),
])
def test_linux_detection(text, kind, words):
    virt = detect_linux(signals(text))
    assert (virt.kind, virt.describe()) == (kind, words)
    assert bool(virt.evidence) == (kind in ("vm", "container"))


def test_windows_and_macos_detection():
    hyperv = detect_windows("Virtual Machine", "Microsoft Corporation", True)
    assert hyperv.describe() == "virtual machine (microsoft)"
    assert "Model='Virtual Machine'" in hyperv.evidence[0]
    # a physical PC with Hyper-V or VBS on also reports HypervisorPresent: that alone is no VM
    assert detect_windows("OptiPlex 7090", "Dell Inc.", True).kind == "none"
    mac_vm = detect_macos({"hv_vmm_present": "1", "hw_model": "VMware7,1"})
    assert mac_vm.describe() == "virtual machine (vmware)"
    assert detect_macos({"hv_vmm_present": "0", "hw_model": "Mac14,2"}).kind == "none"


def test_init_detection_needs_pid1_to_be_an_init_for_marker_dirs():
    assert detect_init(signals("pid1=init\nopenrc=yes\n"), False).name == "openrc"
    assert detect_init(signals("pid1=init\nrunit=yes\n"), False).name == "runit"
    assert detect_init(signals("pid1=init\n"), False).name == "sysv"
    app = detect_init(signals("pid1=node\nrunit=yes\n"), False)  # a leftover /run/runit proves nothing
    assert app.manages_services is False and app.describe() == "no init system: PID 1 is 'node'"
    assert detect_init({}, False).name is None


def test_vm_fact_with_evidence_and_checks_that_cannot_apply():
    result = parse(no_sensors(with_platform(drop_section(replace_section(HEALTHY, "smart_scan", ""),
                                                         "smart:/dev/sda"), KVM, VIRTIO)))
    fact = result.facts["virtualization"]
    assert fact["text"] == "virtual machine (kvm)"
    assert "systemd-detect-virt --vm: kvm" in fact["evidence"]
    found = checks(result)
    for check_id in ("temp", "disk.smart"):
        c = found[check_id]
        assert c.reason.startswith("not applicable: virtual machine (kvm): systemd-detect-virt --vm: kvm")
        assert c.fix is None
        assert any("detect_vm=kvm" in e.raw for e in c.evidence)
    assert "vda (virtio: 0x1af4)" in found["disk.smart"].reason


def test_vm_without_smartctl_is_not_applicable_not_install_smartmontools():
    text = with_platform(replace_section(HEALTHY, "smart_scan", "@@missing smartctl", exit_status=127), KVM,
                         VIRTIO)
    c = checks(parse(drop_section(text, "smart:/dev/sda")))["disk.smart"]
    assert c.reason.startswith("not applicable: virtual machine (kvm)") and c.fix is None


def test_physical_machine_without_sensors_stays_unknown_with_the_driver_hint():
    c = checks(parse(no_sensors(with_platform(HEALTHY, PHYSICAL, SATA))))["temp"]
    assert c.state.value == "UNKNOWN" and c.reason == "no temperature sensors exposed"
    assert "sensors-detect" in c.fix


def test_no_smart_devices_as_non_root_suggests_root_only_for_a_real_disk():
    base = drop_section(replace_section(HEALTHY, "smart_scan", ""), "smart:/dev/sda")
    base = base.replace("uid=0\n", "uid=1000\n")
    real = checks(parse(with_platform(base, PHYSICAL, SATA)))["disk.smart"]
    assert "root" in (real.fix or "") and "sda (scsi: ATA Samsung SSD 870)" in real.reason
    virtual_only = checks(parse(with_platform(base, PHYSICAL, VIRTIO)))["disk.smart"]
    assert virtual_only.state.value == "UNKNOWN" and virtual_only.fix is None
    assert "no ATA, SCSI or NVMe disk" in virtual_only.reason


def test_container_without_init_services_not_applicable():
    result = parse(with_platform(NO_SYSTEMD, DOCKER))
    c = checks(result)["services.failed"]
    assert c.reason.startswith("not applicable: container (docker)") and "'python3'" in c.reason
    assert result.facts["init"]["text"] == "no init system: PID 1 is 'python3'"
    assert result.facts["virtualization"]["kind"] == "container"


def test_sysv_init_is_unknown_naming_the_init():
    sysv = PHYSICAL.replace("pid1=systemd", "pid1=init")
    c = checks(parse(with_platform(NO_SYSTEMD, sysv)))["services.failed"]
    assert c.state.value == "UNKNOWN" and "SysV-style init" in c.reason and "'init'" in c.reason


OPENRC = PHYSICAL.replace("pid1=systemd", "pid1=init").replace("openrc=no", "openrc=yes")
RUNIT = PHYSICAL.replace("pid1=systemd", "pid1=runit")


@pytest.mark.parametrize(("virt", "key", "body", "status", "state", "words"), [
    (OPENRC, "openrc", "", 1, "OK", "no failed OpenRC services"),
    (OPENRC, "openrc", "sshd\nnginx\n", 0, "CRIT", "2 failed OpenRC services: sshd, nginx"),
    (RUNIT, "runit", "run: /etc/service/sshd: (pid 81) 3600s\n"
                     "down: /etc/service/cron: 12s, normally up; run: log: (pid 80) 3600s\n", 1, "CRIT",
     "1 failed runit service: /etc/service/cron"),
    (RUNIT, "runit", "run: /etc/service/sshd: (pid 81) 3600s\ndown: /etc/service/spare: 99s\n", 0, "OK",
     "no failed runit services"),
])
def test_other_inits_are_read_with_their_own_tools(virt, key, body, status, state, words):
    text = replace_section(with_platform(NO_SYSTEMD, virt), key, body, exit_status=status)
    c = checks(parse(text))["services.failed"]
    assert c.state.value == state and c.summary.startswith(words)
    assert any(e.source == "recorded" for e in c.evidence)


def test_openrc_without_its_tool_is_unknown_naming_openrc():
    text = replace_section(with_platform(NO_SYSTEMD, OPENRC), "openrc", "@@missing rc-status",
                           exit_status=127)
    c = checks(parse(text))["services.failed"]
    assert c.state.value == "UNKNOWN" and "rc-status" in c.summary


def test_sv_status_lines():
    failed, seen = parse_sv_status("fail: web: unable to change to service directory: file does not exist\n"
                                   "warning: db: unable to open supervise/ok: access denied\n")
    assert [name for name, _ in failed] == ["web", "db"] and seen == 2
    with pytest.raises(ValueError):
        parse_sv_status("something: else\n")


def test_macos_probe_reads_hv_vmm_present_as_the_virtualization_fact():
    mac = recorded("macos_healthy.txt")
    vm = parse(replace_section(mac, "virt", "hv_vmm_present=1\nhw_model=VMware7,1", exit_status=None),
               kind="macos")
    assert vm.facts["virtualization"]["text"] == "virtual machine (vmware)"
    assert "sysctl kern.hv_vmm_present: 1" in vm.facts["virtualization"]["evidence"]
    metal = parse(replace_section(mac, "virt", "hv_vmm_present=0\nhw_model=Mac14,2", exit_status=None),
                  kind="macos")
    assert metal.facts["virtualization"]["kind"] == "none"
