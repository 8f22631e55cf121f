"""Disk health from `smartctl -j -H -A -l error` (smartctl(8): EXIT STATUS, `-j`).

smartctl's exit status is a bitmask, decoded here:
  bit 0 command line error, 1 device open failed, 2 SMART command failed,
  3 DISK FAILING, 4 pre-fail attribute <= threshold now, 5 attribute <= threshold
  in the past, 6 device error log has entries, 7 self-test log has errors.
bits 3/4 (and smart_status.passed == false, NVMe critical_warning) are CRIT;
5/6/7 and reallocated/pending/uncorrectable sectors are WARN; 0/1/2 mean we
could not read the disk (UNKNOWN: permission, or no SMART = not applicable).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fleetcheck.core.checks import EvidenceArg, judged, msg, not_applicable
from fleetcheck.core.checks.virt import BlockDevice, Virt
from fleetcheck.core.family import POSIX_KINDS, Category, Family
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State, worst

CHECK_ID = "disk.smart"
ROOT_FIX = msg("smart.root.fix")
NO_SMART = "not applicable: no SMART-capable disks (virtual disks have no SMART)"
BITS = {
    0: "command line did not parse", 1: "device open failed", 2: "SMART command failed",
    3: "SMART status: DISK FAILING", 4: "pre-fail attribute at or below threshold now",
    5: "attribute was at or below threshold in the past", 6: "device error log has entries",
    7: "self-test log has errors",
}
_SECTOR_ATTRS = {5: "Reallocated_Sector_Ct", 197: "Current_Pending_Sector", 198: "Offline_Uncorrectable"}


@dataclass(frozen=True)
class SmartReport:
    device: str
    exit_status: int
    passed: bool | None
    model: str = ""
    serial: str = ""
    messages: tuple[str, ...] = ()
    failing_attrs: tuple[str, ...] = ()  # "name (when_failed)"
    sector_counts: dict[str, int] = field(default_factory=dict)
    nvme: dict[str, Any] = field(default_factory=dict)
    error_log_count: int | None = None


def parse_scan(text: str) -> list[tuple[str, str | None]]:
    """(device, -d type) from `smartctl --scan`; '#'-only and blank lines are skipped."""
    out = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if not fields or not fields[0].startswith("/dev/"):
            continue
        dtype = fields[2] if len(fields) >= 3 and fields[1] == "-d" else None
        out.append((fields[0], dtype))
    return out


def parse_smart_json(text: str, device: str, fallback_exit: int | None) -> SmartReport:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("smartctl JSON is not an object")
    meta = data.get("smartctl", {})
    status = meta.get("exit_status", fallback_exit)
    if not isinstance(status, int):
        raise ValueError("smartctl JSON has no exit_status")
    messages = tuple(str(m.get("string", "")) for m in meta.get("messages", []) if isinstance(m, dict))
    passed = data.get("smart_status", {}).get("passed")
    failing, sectors = [], {}
    for attr in data.get("ata_smart_attributes", {}).get("table", []):
        when = attr.get("when_failed", "")
        if when in ("now", "past"):
            failing.append(f"{attr.get('name', attr.get('id'))} ({when})")
        if attr.get("id") in _SECTOR_ATTRS:
            raw = attr.get("raw", {}).get("value", 0)
            if isinstance(raw, int) and raw > 0:
                sectors[_SECTOR_ATTRS[attr["id"]]] = raw
    nvme = data.get("nvme_smart_health_information_log", {})
    errors = data.get("ata_smart_error_log", {}).get("summary", {}).get("count")
    return SmartReport(data.get("device", {}).get("name", device), status,
                       passed if isinstance(passed, bool) else None, str(data.get("model_name", "")),
                       str(data.get("serial_number", "")), messages, tuple(failing), sectors,
                       nvme if isinstance(nvme, dict) else {}, errors if isinstance(errors, int) else None)


def decode_bits(status: int) -> list[str]:
    return [text for bit, text in BITS.items() if status & (1 << bit)]


def check_smart(report: SmartReport, evidence: EvidenceArg) -> list[CheckResult]:
    check_id = f"{CHECK_ID}:{report.device}"
    name = " ".join(p for p in (report.model, report.serial and f"S/N {report.serial}") if p) or report.device
    bits = decode_bits(report.exit_status)
    metric = Metric.of("exit_status", report.exit_status, "", min=0, max=255)
    said = "; ".join(report.messages)[:200]
    details = f"exit status {report.exit_status}: " + (", ".join(bits) or "no bits set")
    if said:
        details += f"\nsmartctl: {said}"
    if report.exit_status & 0b11 and report.passed is None:
        if "permission denied" in said.lower() or "operation not permitted" in said.lower():
            return [judged(check_id, State.UNKNOWN, msg("smart.denied", device=report.device),
                           evidence, metrics=(metric,), details=details,
                           reason=msg("smart.denied.reason", device=report.device),
                           fix=msg("smart.root.fix"))]
        return [judged(check_id, State.UNKNOWN, msg("smart.unread", device=report.device, bit=bits[-1]),
                       evidence, metrics=(metric,), details=details,
                       reason=msg("smart.said", said=said or bits[-1]))]
    if report.exit_status & 0b100 and report.passed is None:
        lacks = any(s in said.lower() for s in ("unavailable", "lacks smart", "not supported"))
        why = msg("smart.nosmart") if lacks else msg("smart.failed", said=said or "-")
        summary = msg("smart.device", device=report.device, why=why.code, **why.params)
        return [judged(check_id, State.UNKNOWN, summary, evidence, metrics=(metric,), details=details,
                       reason=why)]
    findings: list[tuple[State, str]] = []  # (state, message code); parameters in p
    p: dict[str, object] = {"device": report.device, "name": name}
    if report.exit_status & (1 << 3) or report.passed is False:
        findings.append((State.CRIT, "smart.findings.failed"))
    if report.exit_status & (1 << 4):
        p["attrs"] = ", ".join(report.failing_attrs)
        findings.append((State.CRIT, "smart.findings.prefail"))
    if report.exit_status & (1 << 5):
        findings.append((State.WARN, "smart.findings.past"))
    if report.exit_status & (1 << 6):
        p["errors"] = report.error_log_count or 0
        findings.append((State.WARN, "smart.findings.errorlog.count" if report.error_log_count
                         else "smart.findings.errorlog"))
    if report.exit_status & (1 << 7):
        findings.append((State.WARN, "smart.findings.selftest"))
    if report.sector_counts:
        p["sectors"] = ", ".join(f"{k}={v}" for k, v in report.sector_counts.items())
        findings.append((State.WARN, "smart.findings.sectors"))
    nvme = report.nvme
    if nvme.get("critical_warning"):
        p["nvme_warning"] = f"0x{int(nvme['critical_warning']):02x}"
        findings.append((State.CRIT, "smart.findings.nvme_warning"))
    if nvme.get("media_errors"):
        p["media_errors"] = nvme["media_errors"]
        findings.append((State.WARN, "smart.findings.media_errors"))
    if isinstance(nvme.get("percentage_used"), int) and nvme["percentage_used"] >= 100:
        p["wear"] = nvme["percentage_used"]
        findings.append((State.WARN, "smart.findings.wear"))
    if report.passed is None and not findings:
        return [judged(check_id, State.UNKNOWN, msg("smart.noverdict", device=report.device),
                       evidence, metrics=(metric,), details=details, reason=msg("smart.noverdict.reason"))]
    if not findings:
        return [judged(check_id, State.OK, msg("smart.passed", **p), evidence,
                       metrics=(metric,), details=details)]
    state = worst(s for s, _ in findings)
    summary = msg("smart.findings", findings=[code for _, code in findings], **p)
    return [judged(check_id, state, summary, evidence, metrics=(metric,), details=details)]


def no_devices(evidence: EvidenceArg, as_root: bool, virt: Virt | None = None,
               disks: Sequence[BlockDevice] | None = None) -> list[CheckResult]:
    """`smartctl --scan` listed nothing (or smartctl is missing and SMART cannot apply anyway).

    Not applicable on positive evidence only: a VM whose disks are all virtual, or a container
    (its disks belong to the machine it runs on). Root is suggested only where a real disk exists.
    """
    real = None if disks is None else [d for d in disks if d.real]
    shown = ", ".join(d.describe() for d in (disks or [])[:6]) or "none"
    if virt is not None and (virt.kind == "container" or (virt.kind == "vm" and real == [])):
        p = {**virt.params(), "disks": shown,
             "whose": "smart.na.container" if virt.kind == "container" else "smart.na.virtual"}
        return [not_applicable(CHECK_ID, msg("smart.na", **p), msg("smart.na.reason", **p), evidence)]
    if real == []:
        return [judged(CHECK_ID, State.UNKNOWN, msg("smart.nodisk"),
                       evidence, reason=msg("smart.nodisk.reason", disks=shown))]
    if as_root:
        return [judged(CHECK_ID, State.UNKNOWN, msg("smart.scan.empty"), evidence,
                       reason=msg("smart.scan.root.disks" if real else "smart.scan.root", disks=shown))]
    return [judged(CHECK_ID, State.UNKNOWN, msg("smart.scan.nonroot"), evidence,
                   reason=msg("smart.scan.user.disks" if real else "smart.scan.user", disks=shown),
                   fix=msg("smart.root.fix"))]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("disk.smart", "Disk health (SMART)", "Festplattenzustand (SMART)", Category.FAILURE, POSIX_KINDS),
)
