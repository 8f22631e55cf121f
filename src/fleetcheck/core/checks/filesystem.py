"""Filesystems: space used, inodes used, unexpected read-only mounts.

Which mounts count (shared by every collector, so a host reads the same
whether scanned locally or over SSH):
- pseudo filesystems (proc, sysfs, cgroup*, devtmpfs, ...) are skipped;
- tmpfs/ramfs are skipped: they live in RAM and show up in mem.used
  (Checkmk's df check ignores tmpfs by default for the same reason);
- squashfs, iso9660, udf, erofs, cramfs are read-only by design (snap
  packages, CDs, live images) and are skipped entirely;
- network filesystems (nfs, cifs, sshfs, ...) are skipped: their space
  belongs to the server, which should be checked itself, and a dead server
  would otherwise hang every client's scan;
- overlay is skipped except at `/`, where it is a container's root fs
  (elsewhere it is a container layer repeating the host's own disk);
- container and snap internals (/var/lib/docker/..., /snap/...) and macOS
  APFS helper volumes under /System/Volumes (except Data) are skipped;
- a device mounted twice (bind mounts, btrfs subvolumes) is checked once,
  at its shortest mount point.
Read-only mounts get `fs.readonly` but no usage checks (a deliberately
read-only disk being full is no finding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, human_bytes, judged, levels_param, msg
from fleetcheck.core.family import COMPUTER_KINDS, POSIX_KINDS, Category, Family, levels
from fleetcheck.core.ranges import evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State, worst
from fleetcheck.core.thresholds import Thresholds

PSEUDO_FSTYPES = frozenset({
    "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devfs", "devpts",
    "devtmpfs", "efivarfs", "fdescfs", "fusectl", "hugetlbfs", "mqueue", "nfsd", "none", "nsfs",
    "proc", "procfs", "pstore", "rpc_pipefs", "securityfs", "selinuxfs", "sysfs", "tracefs",
    "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal", "fuse.snapfuse", "fuse.xdg-document-portal",
})
RAM_FSTYPES = frozenset({"tmpfs", "ramfs"})
READONLY_BY_DESIGN_FSTYPES = frozenset({"squashfs", "iso9660", "udf", "erofs", "cramfs"})
NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "glusterfs", "9p", "virtiofs", "davfs",
    "fuse.sshfs", "fuse.rclone", "fuse.glusterfs", "fuse.ceph",
})
SKIPPED_PREFIXES = ("/proc/", "/sys/", "/snap/", "/var/lib/docker/", "/var/lib/containers/",
                    "/run/containerd/", "/run/docker/", "/run/credentials/", "/var/lib/kubelet/pods/")
MACOS_SYSTEM_VOLUMES = "/System/Volumes/"


@dataclass(frozen=True, slots=True)
class MountEntry:
    """One line of the mount table (/proc/mounts, psutil.disk_partitions, mount(8))."""

    mount: str
    device: str
    fstype: str
    options: tuple[str, ...] = ()

    @property
    def readonly(self) -> bool:
        return "ro" in self.options  # a token test: 'errors=remount-ro' is not read-only


@dataclass(frozen=True, slots=True)
class FsUsage:
    """Space and inodes of one mounted filesystem, in bytes and counts.

    `free` is the space available to unprivileged users (statvfs f_bavail,
    df's "Available"), so used % = used / (used + free) matches `df`.
    `inodes_*` is None when not collected; inodes_total == 0 means the
    filesystem has no fixed inode table (btrfs, many FUSE fs).
    """

    mount: str
    fstype: str
    device: str
    total: int
    used: int
    free: int
    inodes_total: int | None = None
    inodes_free: int | None = None
    options: tuple[str, ...] = ()

    @property
    def used_pct(self) -> float | None:
        denominator = self.used + self.free
        return None if denominator <= 0 else 100.0 * self.used / denominator


def parse_options(text: str) -> tuple[str, ...]:
    """'rw,relatime,errors=remount-ro' -> ('rw', 'relatime', 'errors=remount-ro')."""
    return tuple(part for part in text.split(",") if part)


def mount_skip_reason(entry: MountEntry) -> str | None:
    """Why this mount is not checked at all, or None for a real filesystem."""
    fstype = entry.fstype
    if fstype in PSEUDO_FSTYPES or fstype.startswith("cgroup"):
        return f"pseudo filesystem ({fstype})"
    if fstype in RAM_FSTYPES:
        return f"RAM-backed ({fstype}, counted in mem.used)"
    if fstype in READONLY_BY_DESIGN_FSTYPES:
        return f"read-only by design ({fstype})"
    if fstype in NETWORK_FSTYPES or fstype.startswith("nfs"):
        return f"network filesystem ({fstype}), check it on its server"
    if fstype == "overlay" and entry.mount != "/":
        return "container overlay layer"
    if entry.mount.startswith(SKIPPED_PREFIXES) or entry.mount in ("/proc", "/sys"):
        return "container, snap or kernel internals"
    if entry.mount.startswith(MACOS_SYSTEM_VOLUMES) and entry.mount != "/System/Volumes/Data":
        return "macOS system helper volume"
    return None


def select_mounts(entries: Iterable[MountEntry]) -> tuple[list[MountEntry], list[tuple[MountEntry, str]]]:
    """Split a mount table into (real filesystems to check, [(skipped, why)]).

    A block device mounted more than once is kept at its shortest mount point.
    """
    kept: dict[str, MountEntry] = {}
    order: list[str] = []
    skipped: list[tuple[MountEntry, str]] = []
    for entry in sorted(entries, key=lambda e: (len(e.mount), e.mount)):
        why = mount_skip_reason(entry)
        if why is not None:
            skipped.append((entry, why))
            continue
        key = entry.device if entry.device.startswith("/dev/") else f"mount:{entry.mount}"
        if key in kept:
            skipped.append((entry, f"same device as {kept[key].mount}"))
            continue
        kept[key] = entry
        order.append(key)
    return [kept[k] for k in order], skipped


def skipped_summary(skipped: Sequence[tuple[MountEntry, str]], limit: int = 100) -> list[str]:
    """'mount (why)' once per mount point: stacked mounts (/dev/pts twice) say how often instead."""
    counts: dict[tuple[str, str], int] = {}
    for entry, why in skipped:
        counts[(entry.mount, why)] = counts.get((entry.mount, why), 0) + 1
    return [f"{mount} ({why}{f', mounted {n} times' if n > 1 else ''})"
            for (mount, why), n in list(counts.items())[:limit]]


def check_fs_usage(fs: FsUsage, thresholds: Thresholds, evidence: EvidenceArg) -> list[CheckResult]:
    """`fs.used:<mount>` and `fs.inodes:<mount>` for one filesystem."""
    return [_space(fs, thresholds, evidence), _inodes(fs, thresholds, evidence)]


def check_filesystems(usages: Sequence[FsUsage], thresholds: Thresholds,
                      evidence: EvidenceArg) -> list[CheckResult]:
    """Usage checks for many filesystems judged on the same evidence (e.g. one `df` run)."""
    out: list[CheckResult] = []
    for fs in usages:
        out.extend(check_fs_usage(fs, thresholds, evidence))
    return out


def _space(fs: FsUsage, thresholds: Thresholds, evidence: EvidenceArg) -> CheckResult:
    check_id = f"fs.used:{fs.mount}"
    pct = fs.used_pct
    if pct is None:
        p = {"mount": fs.mount, "device": fs.device, "fstype": fs.fstype}
        return judged(check_id, State.UNKNOWN, msg("fs.used.zero", **p), evidence,
                      reason=msg("fs.used.zero.reason", **p))
    levels = thresholds.levels("fs.used_pct", fs.mount)
    free_levels = thresholds.levels("fs.free_gib", fs.mount)
    free_gib = fs.free / 2**30
    pct_state = evaluate(pct, levels.warn, levels.crit)
    free_state = evaluate(free_gib, free_levels.warn, free_levels.crit)
    state = worst([pct_state, free_state])
    size = fs.used + fs.free
    by_free = free_state.rank > pct_state.rank
    judged_by = levels_param(free_state, free_levels) if by_free else levels_param(pct_state, levels)
    summary = msg("fs.used.free" if by_free else "fs.used", mount=fs.mount, used_pct=pct,
                  used=fs.used, size=size, free=fs.free, levels=judged_by)
    metrics = (
        Metric.of("used_pct", round(pct, 2), "%", levels.warn, levels.crit, 0, 100),
        Metric.of("used", fs.used, "B", min=0, max=size),
        Metric.of("free", fs.free, "B", min=0, max=size),
        Metric.of("free_gib", round(free_gib, 3), "GiB", free_levels.warn, free_levels.crit, 0),
        Metric.of("size", fs.total, "B", min=0),
        Metric.of("reserved", max(0, fs.total - size), "B", min=0, max=fs.total),
    )
    details = f"device {fs.device}, type {fs.fstype}, options {','.join(fs.options) or '-'}"
    if fs.total > size:
        # docs/checks.md "Conventions": Checkmk counts reserved blocks as used, df and fleetcheck do not
        details += (f"; size {human_bytes(fs.total)} of which {human_bytes(fs.total - size)} "
                    "is reserved (root-only blocks), so % used is of the usable space, as in df; "
                    f"counting the reserved space as used (as Checkmk does) gives "
                    f"{100.0 * (fs.total - fs.free) / fs.total:.1f} %")
    return judged(check_id, state, summary, evidence, metrics=metrics, details=details)


def _inodes(fs: FsUsage, thresholds: Thresholds, evidence: EvidenceArg) -> CheckResult:
    check_id = f"fs.inodes:{fs.mount}"
    if fs.inodes_total is None or fs.inodes_free is None:
        return judged(check_id, State.UNKNOWN, msg("fs.inodes.missing", mount=fs.mount), evidence,
                      reason=msg("fs.inodes.missing.reason"))
    if fs.inodes_total == 0:
        # btrfs and friends allocate inodes on demand: there is no table to run out of.
        dynamic = msg("fs.inodes.dynamic", mount=fs.mount, fstype=fs.fstype)
        return judged(check_id, State.OK, dynamic, evidence,
                      metrics=(Metric.of("inodes_total", 0, "", min=0),))
    used = fs.inodes_total - fs.inodes_free
    pct = 100.0 * used / fs.inodes_total
    levels = thresholds.levels("fs.inodes_used_pct", fs.mount)
    state = evaluate(pct, levels.warn, levels.crit)
    summary = msg("fs.inodes", mount=fs.mount, used_pct=pct, used=used, total=fs.inodes_total,
                  levels=levels_param(state, levels))
    metrics = (
        Metric.of("inodes_used_pct", round(pct, 2), "%", levels.warn, levels.crit, 0, 100),
        Metric.of("inodes_used", used, "", min=0, max=fs.inodes_total),
    )
    return judged(check_id, state, summary, evidence, metrics=metrics)


def check_readonly(entry: MountEntry, thresholds: Thresholds, evidence: EvidenceArg,
                   fstab: Mapping[str, tuple[str, ...]] | None = None) -> list[CheckResult]:
    """`fs.readonly:<mount>`: a real filesystem mounted read-only that should be writable.

    `fstab` maps mount points to their configured options (None: not read).
    A mount /etc/fstab declares `ro` is intended; otherwise read-only on `/`
    is CRIT (typically the kernel's reaction to disk errors), elsewhere WARN.
    macOS's sealed APFS system volume at `/` is read-only by design.
    `thresholds` is unused: it keeps the signature uniform with the other checks.
    """
    check_id = f"fs.readonly:{entry.mount}"
    opts = ",".join(entry.options) or "-"
    p = {"mount": entry.mount, "options": opts}
    if not entry.readonly:
        return [judged(check_id, State.OK, msg("fs.readonly.rw", **p), evidence)]
    configured = None if fstab is None else fstab.get(entry.mount)
    if configured is not None and "ro" in configured:
        return [judged(check_id, State.OK, msg("fs.readonly.fstab", **p), evidence)]
    if entry.fstype == "apfs" and entry.mount == "/":
        return [judged(check_id, State.OK, msg("fs.readonly.sealed"), evidence)]
    state = State.CRIT if entry.mount == "/" else State.WARN
    if fstab is None:
        why = "fs.readonly.why.unread"
    elif configured is None:
        why = "fs.readonly.why.unlisted"
    else:
        why = "fs.readonly.why.fstab"
        p["fstab_options"] = ",".join(configured) or "defaults"
    summary = msg("fs.readonly.ro", fstype=entry.fstype, device=entry.device, why=why, **p)
    details = ("A writable filesystem switched to read-only usually means the kernel hit disk or "
               "filesystem errors; check the kernel log.")
    return [judged(check_id, state, summary, evidence, details=details)]


def parse_fstab(text: str) -> dict[str, tuple[str, ...]]:
    """Mount point -> options from /etc/fstab text (comments and blank lines ignored)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 4:
            mount = fields[1].replace("\\040", " ")
            out[mount] = parse_options(fields[3])
    return out


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("fs.used", "File system usage", "Dateisystem-Belegung", Category.CAPACITY, COMPUTER_KINDS,
           thresholds={"fs.used_pct": levels("80", "90"), "fs.free_gib": levels(None, None)}),
    Family("fs.inodes", "File system inodes", "Dateisystem-Inodes", Category.CAPACITY, POSIX_KINDS,
           thresholds={"fs.inodes_used_pct": levels("80", "90")}),
    Family("fs.readonly", "File system read-only", "Dateisystem schreibgeschützt",
           Category.FAILURE, POSIX_KINDS),
)
