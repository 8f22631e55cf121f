"""Virtual machine, container and init system of a host, as facts with their evidence.

The probes (POSIX, Windows) and the local collector each read a few cheap
signals in the run they make anyway and hand them here as `name -> value`;
the verdict is made once, in this module. A check may answer "not
applicable" only on positive evidence from here (a VM has no temperature
sensors to read); no signal at all means no verdict (`kind` None), never
"physical".

Signals (Linux): `detect_vm` / `detect_container` (what `systemd-detect-virt
--vm` / `--container` printed, "none" included), `dmi_vendor`/`dmi_product`
(/sys/class/dmi/id), `hypervisor_flag` (the CPU flag in /proc/cpuinfo),
`dockerenv` (/.dockerenv), `containerenv` (/run/.containerenv),
`systemd_container` (/run/systemd/container), `cgroup` (/proc/1/cgroup),
`pid1` (/proc/1/comm), `xen` (/sys/hypervisor/type), `osrelease`
(/proc/sys/kernel/osrelease, WSL). macOS: `hv_vmm_present`, `hw_model`.
Windows: `model`, `manufacturer`, `hypervisor_present`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# DMI sys_vendor / product_name (lower case, substring) that only virtual hardware reports.
_DMI_VM = (
    ("qemu", "qemu"), ("kvm", "kvm"), ("standard pc (", "qemu"), ("bochs", "bochs"),
    ("virtualbox", "oracle"), ("innotek", "oracle"), ("vmware", "vmware"), ("parallels", "parallels"),
    ("xen", "xen"), ("hvm domu", "xen"), ("google compute engine", "google"),
    ("openstack", "openstack"), ("bhyve", "bhyve"), ("apple virtualization", "apple"),
    ("cloud hypervisor", "cloud-hypervisor"), ("firecracker", "firecracker"),
)
# Windows Win32_ComputerSystem Model (lower case, substring); Hyper-V says "Virtual Machine".
_WIN_VM = (
    ("virtual machine", "microsoft"), ("vmware", "vmware"), ("virtualbox", "oracle"), ("kvm", "kvm"),
    ("qemu", "qemu"), ("standard pc (", "qemu"), ("hvm domu", "xen"), ("google compute engine", "google"),
    ("parallels", "parallels"),
)
_CGROUP_CONTAINER = (("docker", "docker"), ("kubepods", "kubernetes"), ("lxc", "lxc"),
                     ("libpod", "podman"), ("containerd", "containerd"), ("machine.slice/machine-", "nspawn"))
# PID 1 names of init systems that manage services; anything else in a container is an application.
INITS = {"systemd": "systemd", "init": "sysv", "openrc-init": "openrc", "runit": "runit",
         "runit-init": "runit", "runsvdir": "runit", "s6-svscan": "s6", "launchd": "launchd",
         "upstart": "upstart"}
NO_ANSWER = {"", "@missing", "@absent", "@denied"}


@dataclass(frozen=True)
class Virt:
    """What the host is: `kind` "vm", "container", "none" (looked, found no sign) or None (could not tell)."""

    kind: str | None
    vm: str | None = None  # the hypervisor ("kvm"), when a VM was found (also under a container)
    container: str | None = None  # the container technology ("docker")
    evidence: tuple[str, ...] = ()  # "systemd-detect-virt --vm: kvm", "/.dockerenv exists"
    looked_at: tuple[str, ...] = field(default=(), compare=False)  # every signal read, for "none"

    @property
    def virtual(self) -> bool:
        """Positive evidence that the hardware is not the host's own (VM or container)."""
        return self.kind in ("vm", "container")

    def describe(self) -> str:
        if self.kind == "container":
            inner = f"container ({self.container})"
            return inner + (f" in a virtual machine ({self.vm})" if self.vm else "")
        if self.kind == "vm":
            return f"virtual machine ({self.vm})"
        if self.kind == "none":
            return "no virtualisation found"
        return "not determined"

    def params(self) -> dict[str, Any]:
        """Message parameters: `{virt:msg}` says what the host is, `{signals}` the evidence read."""
        code = {"vm": "virt.vm", "none": "virt.none"}.get(self.kind or "", "virt.unknown")
        if self.kind == "container":
            code = "virt.container.vm" if self.vm else "virt.container"
        shown = "; ".join(self.evidence[:4]) or "; ".join(self.looked_at[:4]) or "-"
        return {"virt": code, "vm": self.vm, "container": self.container, "signals": shown}

    def because(self) -> str:
        """'virtual machine (kvm): systemd-detect-virt --vm said kvm; ...' for reasons and details."""
        shown = "; ".join(self.evidence[:4]) or "; ".join(self.looked_at[:4]) or "nothing could be read"
        return f"{self.describe()}: {shown}"

    def to_fact(self) -> dict[str, Any]:
        return {"kind": self.kind, "vm": self.vm, "container": self.container, "text": self.describe(),
                "evidence": list(self.evidence or self.looked_at)}


@dataclass(frozen=True)
class Init:
    """The init system (PID 1) and how its services can be read."""

    name: str | None  # "systemd", "openrc", "runit", "sysv", or PID 1's own name; None: unreadable
    pid1: str | None  # /proc/1/comm as read
    evidence: tuple[str, ...] = ()

    @property
    def manages_services(self) -> bool | None:
        """False only with evidence: PID 1 is a plain program (a container's application)."""
        if self.pid1 is None:
            return None
        return self.pid1 in INITS or self.name in ("openrc", "runit", "s6", "systemd")

    def describe(self) -> str:
        if self.name is None:
            return "init system not determined"
        if self.manages_services is False:
            return f"no init system: PID 1 is {self.pid1!r}"
        return self.name

    def to_fact(self) -> dict[str, Any]:
        return {"name": self.name, "pid1": self.pid1, "text": self.describe(),
                "evidence": list(self.evidence)}


def _val(signals: Mapping[str, str], key: str) -> str:
    value = signals.get(key, "").strip()
    return "" if value in NO_ANSWER else value


def _table(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    low = text.lower()
    return next((tech for needle, tech in table if needle in low), None)


def detect_linux(signals: Mapping[str, str]) -> Virt:
    """The verdict from the Linux signals (see the module docstring)."""
    evidence: list[str] = []
    looked: list[str] = []
    container: str | None = None
    vm: str | None = None
    said_c, said_v = _val(signals, "detect_container"), _val(signals, "detect_vm")
    tech: str | None
    if said_c:
        looked.append(f"systemd-detect-virt --container: {said_c}")
        if said_c != "none":
            container = said_c
            evidence.append(looked[-1])
    for key, path, tech in (("dockerenv", "/.dockerenv", "docker"), ("containerenv", "/run/.containerenv",
                                                                       "podman")):
        if _val(signals, key) == "yes":
            container = container or tech
            evidence.append(f"{path} exists")
        elif _val(signals, key) == "no":
            looked.append(f"no {path}")
    sd_container = _val(signals, "systemd_container")
    if sd_container:
        container = container or sd_container
        evidence.append(f"/run/systemd/container: {sd_container}")
    cgroup = _val(signals, "cgroup")
    if cgroup:
        looked.append(f"/proc/1/cgroup: {cgroup[:80]}")
        tech = _table(cgroup, _CGROUP_CONTAINER)
        if tech:
            container = container or tech
            evidence.append(looked[-1])
    if "microsoft" in _val(signals, "osrelease").lower():
        container = container or "wsl"
        evidence.append(f"kernel release {_val(signals, 'osrelease')} (WSL)")
    if said_v:
        looked.append(f"systemd-detect-virt --vm: {said_v}")
        if said_v != "none":
            vm = said_v
            evidence.append(looked[-1])
    dmi = " ".join(v for v in (_val(signals, "dmi_vendor"), _val(signals, "dmi_product")) if v)
    if dmi:
        looked.append(f"DMI: {dmi[:80]}")
        tech = _table(dmi, _DMI_VM)
        if tech:
            vm = vm or tech
            evidence.append(looked[-1])
    xen = _val(signals, "xen")
    if xen:
        vm = vm or xen
        evidence.append(f"/sys/hypervisor/type: {xen}")
    flag = _val(signals, "hypervisor_flag")
    if flag == "yes":
        evidence_flag = "CPU flag 'hypervisor' set (/proc/cpuinfo)"
        if said_v != "none":  # systemd-detect-virt knows the exceptions (Xen dom0); trust its "none"
            vm = vm or "unknown hypervisor"
            evidence.append(evidence_flag)
        else:
            looked.append(evidence_flag)
    elif flag == "no":
        looked.append("no 'hypervisor' CPU flag")
    if container:
        return Virt("container", vm, container, tuple(evidence), tuple(looked))
    if vm:
        return Virt("vm", vm, None, tuple(evidence), tuple(looked))
    return Virt("none" if looked else None, None, None, (), tuple(looked))


def detect_macos(signals: Mapping[str, str]) -> Virt:
    present, model = _val(signals, "hv_vmm_present"), _val(signals, "hw_model")
    looked = [f"sysctl kern.hv_vmm_present: {present}"] if present else []
    if model:
        looked.append(f"hw.model: {model}")
    if present == "1":
        tech = _table(model, (("vmware", "vmware"), ("parallels", "parallels"), ("virtualmac", "apple")))
        return Virt("vm", tech or "hypervisor", None, tuple(looked), tuple(looked))
    return Virt("none" if present == "0" else None, None, None, (), tuple(looked))


def detect_windows(model: str | None, manufacturer: str | None, hypervisor_present: bool | None) -> Virt:
    """From Win32_ComputerSystem. HypervisorPresent alone proves nothing: a physical PC with Hyper-V
    or virtualisation-based security enabled reports it too."""
    shown = f"Win32_ComputerSystem Manufacturer={manufacturer!r} Model={model!r}"
    looked = [shown, f"HypervisorPresent={hypervisor_present}"]
    tech = _table(f"{manufacturer or ''} {model or ''}", _WIN_VM)
    if tech:
        return Virt("vm", tech, None, tuple(looked), tuple(looked))
    if model is None and manufacturer is None:
        return Virt(None, None, None, (), tuple(looked))
    return Virt("none", None, None, (), tuple(looked))


def detect_init(signals: Mapping[str, str], systemd: bool) -> Init:
    """PID 1 and its service manager: systemd (systemctl answered), OpenRC, runit, SysV, or none.

    The OpenRC/runit marker directories count only when PID 1 is an init: in a container whose
    PID 1 is an application they prove nothing.
    """
    pid1 = _val(signals, "pid1") or None
    evidence = [f"/proc/1/comm: {pid1}"] if pid1 else []
    if systemd:
        return Init("systemd", pid1, tuple([*evidence, "systemctl is-system-running answered"]))
    if pid1 is None:
        return Init(None, None, ())
    if pid1 == "openrc-init" or (pid1 == "init" and _val(signals, "openrc") == "yes"):
        return Init("openrc", pid1, tuple([*evidence, "/run/openrc exists"]))
    if pid1.startswith(("runit", "runsvdir")) or (pid1 == "init" and _val(signals, "runit") == "yes"):
        return Init("runit", pid1, tuple([*evidence, "/run/runit exists"]))
    if pid1 == "init":
        return Init("sysv", pid1, tuple(evidence))
    return Init(INITS.get(pid1, pid1), pid1, tuple(evidence))


# Block devices: the bus (sysfs subsystem) and vendor/model strings of virtual disks.
REAL_BUSES = ("scsi", "nvme", "ata")
_VIRTUAL_DISK = ("qemu", "vmware", "vbox", "virtual", "msft", "xen", "google", "amazon elastic")


@dataclass(frozen=True)
class BlockDevice:
    name: str  # "sda"
    bus: str  # sysfs subsystem: "scsi", "nvme", "virtio", "xen", "mmc", ...
    vendor: str = ""
    model: str = ""

    @property
    def real(self) -> bool:
        """An ATA/SCSI/NVMe disk that does not call itself virtual: SMART can apply to it."""
        text = f"{self.vendor} {self.model}".lower()
        return self.bus in REAL_BUSES and not any(v in text for v in _VIRTUAL_DISK)

    def describe(self) -> str:
        label = " ".join(p for p in (self.vendor, self.model) if p)
        return f"{self.name} ({self.bus or 'no bus'}{': ' + label if label else ''})"


def parse_block(lines: list[str]) -> list[BlockDevice]:
    """posix.sh's `block` section: name, bus, vendor, model separated by tabs."""
    out = []
    for line in lines:
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) >= 2 and fields[0]:
            out.append(BlockDevice(fields[0], fields[1], *([*fields[2:4], "", ""])[:2]))
    return out


_FLAG = re.compile(r"^flags\s*:.*\bhypervisor\b", re.M)


def cpuinfo_has_hypervisor(text: str) -> bool:
    return bool(_FLAG.search(text))

