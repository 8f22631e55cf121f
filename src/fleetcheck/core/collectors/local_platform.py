"""This machine's virtualisation/container/init signals, read the way posix.sh reads them remotely.

The same signal names go to checks/virt.py, which makes the verdict for
both; here they come from /sys, /proc and a time-limited
`systemd-detect-virt` (Linux) or `sysctl` (macOS). Blocking: run off the loop.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from fleetcheck.core.checks.virt import (
    Init,
    Virt,
    cpuinfo_has_hypervisor,
    detect_init,
    detect_linux,
    detect_macos,
)
from fleetcheck.core.results import Evidence, utcnow

_FILES = {"dmi_vendor": "/sys/class/dmi/id/sys_vendor", "dmi_product": "/sys/class/dmi/id/product_name",
          "systemd_container": "/run/systemd/container", "xen": "/sys/hypervisor/type",
          "pid1": "/proc/1/comm", "cgroup": "/proc/1/cgroup", "osrelease": "/proc/sys/kernel/osrelease"}
_EXISTS = {"dockerenv": "/.dockerenv", "containerenv": "/run/.containerenv", "openrc": "/run/openrc",
           "runit": "/run/runit"}
SOURCE = ("systemd-detect-virt --vm/--container; /sys/class/dmi/id/{sys_vendor,product_name}; "
          "/proc/cpuinfo flags; /.dockerenv; /run/.containerenv; /proc/1/comm; /proc/1/cgroup")


def _head(path: str, limit: int = 400) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return " ".join(fh.read(limit).split())
    except OSError:
        return ""


def _run(argv: list[str], timeout: float = 5.0) -> str:
    exe = shutil.which(argv[0])
    if exe is None:
        return ""
    try:
        proc = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip()


def linux_signals() -> dict[str, str]:
    signals = {key: _head(path) for key, path in _FILES.items()}
    signals.update({key: "yes" if Path(path).exists() else "no" for key, path in _EXISTS.items()})
    if shutil.which("systemd-detect-virt"):
        signals["detect_vm"] = _run(["systemd-detect-virt", "--vm"])
        signals["detect_container"] = _run(["systemd-detect-virt", "--container"])
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            signals["hypervisor_flag"] = "yes" if cpuinfo_has_hypervisor(fh.read()) else "no"
    except OSError:
        pass
    return {k: v for k, v in signals.items() if v}


def detect(systemd: bool) -> tuple[Virt, Init, Evidence]:
    """(virtualisation, init, the evidence item listing every signal read) of this machine."""
    if sys.platform == "darwin":
        signals = {"hv_vmm_present": _run(["sysctl", "-n", "kern.hv_vmm_present"]),
                   "hw_model": _run(["sysctl", "-n", "hw.model"])}
        source = "sysctl -n kern.hv_vmm_present hw.model"
        virt, init = detect_macos(signals), Init("launchd", "launchd")
    elif sys.platform.startswith("linux"):
        signals, source = linux_signals(), SOURCE
        virt, init = detect_linux(signals), detect_init(signals, systemd)
    else:
        signals, source = {}, "(no virtualisation signals read on this platform)"
        virt, init = Virt(None), Init(None, None)
    raw = "\n".join(f"{k}={v}" for k, v in sorted(signals.items())) or "(nothing could be read)"
    return virt, init, Evidence.of(source, raw, utcnow(), kind="file")
