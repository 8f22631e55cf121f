"""fs.used / fs.inodes / fs.readonly and the shared "which mounts are real" filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetcheck.core.checks.filesystem import (
    FsUsage,
    MountEntry,
    check_filesystems,
    check_fs_usage,
    check_readonly,
    mount_skip_reason,
    parse_fstab,
    parse_options,
    select_mounts,
)
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
EV = Evidence.of("df -PTlk", "/dev/sda2 ext4 41943040 39216128 3774464 92% /var", T0)
GIB = 2**30
DEFAULT = Thresholds()


def levels(warn: str | None, crit: str | None) -> Levels:
    return Levels(None if warn is None else Range.parse(warn), None if crit is None else Range.parse(crit),
                  "host")


def fs(used_gib: float, free_gib: float, mount: str = "/var",
       inodes: tuple[int | None, int | None] = (100, 90), total_gib: float | None = None) -> FsUsage:
    total = used_gib + free_gib if total_gib is None else total_gib
    return FsUsage(mount, "ext4", "/dev/sda2", int(total * GIB), int(used_gib * GIB), int(free_gib * GIB),
                   inodes[0], inodes[1], ("rw", "relatime"))


def by_id(results: list[CheckResult], check_id: str) -> CheckResult:
    [found] = [r for r in results if r.id == check_id]
    return found


@pytest.mark.parametrize(("used", "free", "state"), [
    (10, 90, State.OK),
    (80, 20, State.OK),     # 80 % is inside 0..80: Nagios ranges are inclusive
    (81, 19, State.WARN),
    (90, 10, State.WARN),   # exactly at crit is still only WARN
    (91, 9, State.CRIT),
    (100, 0, State.CRIT),
])
def test_space_boundaries_default_80_90(used: float, free: float, state: State) -> None:
    result = by_id(check_fs_usage(fs(used, free), DEFAULT, EV), "fs.used:/var")
    assert result.state is state
    assert result.evidence == (EV,)
    pct = next(m for m in result.metrics if m.name == "used_pct")
    assert (pct.value, pct.unit, pct.warn, pct.crit) == (pytest.approx(used), "%", "80", "90")


def test_space_summary_names_mount_value_and_threshold() -> None:
    result = by_id(check_fs_usage(fs(37.4, 3.6), DEFAULT, EV), "fs.used:/var")
    assert result.summary == "/var 91.2 % used (37.4 GiB of 41.0 GiB, 3.6 GiB free) > crit 90"
    ok = by_id(check_fs_usage(fs(4, 36, mount="/"), DEFAULT, EV), "fs.used:/")
    assert ok.summary == "/ 10.0 % used (4.0 GiB of 40.0 GiB, 36.0 GiB free) (warn > 80, crit > 90)"


def test_per_mount_override_wins_over_plain_name() -> None:
    th = Thresholds({"fs.used_pct": levels("50", "60"), "fs.used_pct:/var": levels("95", "98")})
    assert by_id(check_fs_usage(fs(91, 9), th, EV), "fs.used:/var").state is State.OK
    assert by_id(check_fs_usage(fs(55, 45, mount="/home"), th, EV), "fs.used:/home").state is State.WARN


def test_absolute_free_floor_is_opt_in_and_can_outrank_percent() -> None:
    big = fs(950, 50)  # 95 % used but 50 GiB free
    assert by_id(check_fs_usage(big, DEFAULT, EV), "fs.used:/var").state is State.CRIT
    th = Thresholds({"fs.used_pct:/var": levels("99", "99.5"), "fs.free_gib": levels("100:", "20:")})
    result = by_id(check_fs_usage(big, th, EV), "fs.used:/var")
    assert result.state is State.WARN
    assert result.summary.endswith("< warn 100 GiB free")


def test_percent_is_of_usable_space_like_df() -> None:
    # 10 GiB reserved for root: df's Use% is used / (used + available).
    result = by_id(check_fs_usage(fs(45, 45, total_gib=100), DEFAULT, EV), "fs.used:/var")
    assert next(m.value for m in result.metrics if m.name == "used_pct") == 50.0
    assert "reserved" in result.details


def test_reserved_space_is_shown_with_the_checkmk_reading() -> None:
    # issue 12 §5: Checkmk counts reserved blocks as used, df and fleetcheck do not; show both
    result = by_id(check_fs_usage(fs(45, 45, total_gib=100), DEFAULT, EV), "fs.used:/var")
    assert next(m.value for m in result.metrics if m.name == "reserved") == 10 * 2**30
    assert "10.0 GiB is reserved" in result.details
    assert "as Checkmk does) gives 55.0 %" in result.details


def test_zero_size_filesystem_is_unknown_with_reason() -> None:
    result = by_id(check_fs_usage(fs(0, 0), DEFAULT, EV), "fs.used:/var")
    assert result.state is State.UNKNOWN
    assert result.reason and "no usable size" in result.reason


@pytest.mark.parametrize(("total", "free", "state"), [
    (1000, 200, State.OK),   # 80 % inclusive
    (1000, 199, State.WARN),
    (1000, 100, State.WARN),
    (1000, 99, State.CRIT),
])
def test_inode_boundaries(total: int, free: int, state: State) -> None:
    result = by_id(check_fs_usage(fs(1, 9, inodes=(total, free)), DEFAULT, EV), "fs.inodes:/var")
    assert result.state is state
    assert result.summary.startswith(f"/var {100 * (total - free) / total:.1f} % inodes used")


def test_inodes_without_fixed_table_or_not_collected() -> None:
    no_table = by_id(check_fs_usage(fs(1, 9, inodes=(0, 0)), DEFAULT, EV), "fs.inodes:/var")
    assert no_table.state is State.OK
    assert "no fixed inode limit" in no_table.summary
    missing = by_id(check_fs_usage(fs(1, 9, inodes=(None, None)), DEFAULT, EV), "fs.inodes:/var")
    assert missing.state is State.UNKNOWN
    assert missing.reason


def test_check_filesystems_judges_each_on_shared_evidence() -> None:
    results = check_filesystems([fs(1, 9, mount="/"), fs(95, 5, mount="/srv")], DEFAULT, [EV])
    assert [r.id for r in results] == ["fs.used:/", "fs.inodes:/", "fs.used:/srv", "fs.inodes:/srv"]
    assert all(r.evidence == (EV,) for r in results)


def mount(path: str, fstype: str = "ext4", device: str = "/dev/sda1",
          opts: str = "rw,relatime") -> MountEntry:
    return MountEntry(path, device, fstype, parse_options(opts))


@pytest.mark.parametrize(("entry", "skipped"), [
    (mount("/"), False),
    (mount("/boot/efi", "vfat", "/dev/sda1"), False),
    (mount("/", "overlay", "overlay"), False),          # a container's root filesystem
    (mount("/tank/data", "zfs", "tank/data"), False),
    (mount("/proc", "proc", "proc"), True),
    (mount("/sys/fs/cgroup/memory", "cgroup", "cgroup"), True),
    (mount("/sys/fs/cgroup", "cgroup2", "cgroup2"), True),
    (mount("/run", "tmpfs", "tmpfs"), True),
    (mount("/dev", "devtmpfs", "udev"), True),
    (mount("/snap/core22/1380", "squashfs", "/dev/loop3", "ro,nodev"), True),
    (mount("/media/cdrom", "iso9660", "/dev/sr0", "ro"), True),
    (mount("/mnt/nas", "nfs4", "nas:/export"), True),
    (mount("/mnt/share", "cifs", "//fs/share"), True),
    (mount("/var/lib/docker/overlay2/abc/merged", "overlay", "overlay"), True),
    (mount("/var/lib/docker/volumes/x", "ext4", "/dev/sdb1"), True),
    (mount("/System/Volumes/VM", "apfs", "/dev/disk3s6"), True),
    (mount("/System/Volumes/Data", "apfs", "/dev/disk3s5"), False),
])
def test_mount_filter(entry: MountEntry, skipped: bool) -> None:
    assert (mount_skip_reason(entry) is not None) is skipped


def test_select_mounts_keeps_each_device_once_at_its_shortest_path() -> None:
    table = [
        mount("/etc/hosts", device="/dev/vda"),   # bind mount into a container
        mount("/", device="/dev/vda"),
        mount("/home", device="/dev/vdb"),
        mount("/proc", "proc", "proc"),
        mount("/data", "btrfs", "/dev/vdc", "rw,subvol=/data"),
        mount("/data/snapshots", "btrfs", "/dev/vdc", "rw,subvol=/snap"),
    ]
    kept, skipped = select_mounts(table)
    assert [e.mount for e in kept] == ["/", "/data", "/home"]
    why = {e.mount: reason for e, reason in skipped}
    assert why["/etc/hosts"] == "same device as /"
    assert why["/data/snapshots"] == "same device as /data"
    assert why["/proc"].startswith("pseudo filesystem")


def test_option_tokens_not_substrings() -> None:
    assert not mount("/", opts="rw,errors=remount-ro").readonly
    assert mount("/", opts="ro,relatime").readonly
    assert parse_options("rw,,noatime") == ("rw", "noatime")


@pytest.mark.parametrize(("entry", "fstab", "state", "words"), [
    (mount("/"), None, State.OK, "/ is mounted read-write (rw,relatime)"),
    (mount("/", opts="ro,relatime"), {"/": ("errors=remount-ro",)}, State.CRIT,
     "/ (ext4 on /dev/sda1) is mounted read-only (/etc/fstab says errors=remount-ro)"),
    (mount("/srv", opts="ro"), {}, State.WARN,
     "/srv (ext4 on /dev/sda1) is mounted read-only (not listed in /etc/fstab)"),
    (mount("/srv", opts="ro"), None, State.WARN,
     "/srv (ext4 on /dev/sda1) is mounted read-only (fstab not read)"),
    (mount("/backup", opts="ro,noatime"), {"/backup": ("ro", "noatime")}, State.OK,
     "/backup is read-only as /etc/fstab asks (ro,noatime)"),
    (mount("/", "apfs", "/dev/disk3s1s1", "ro,sealed"), None, State.OK,
     "/ is macOS's sealed read-only system volume"),
])
def test_readonly(entry: MountEntry, fstab: dict[str, tuple[str, ...]] | None, state: State,
                  words: str) -> None:
    [result] = check_readonly(entry, DEFAULT, EV, fstab)
    assert (result.id, result.state, result.summary) == (f"fs.readonly:{entry.mount}", state, words)
    assert result.evidence == (EV,)


def test_parse_fstab() -> None:
    text = """# /etc/fstab
UUID=abc /               ext4    errors=remount-ro 0 1
UUID=def /boot/efi       vfat    umask=0077      0 1
/dev/sdb1 /mnt/My\\040Disk ext4 ro,noauto 0 2   # trailing comment
/swapfile none swap sw 0 0

broken-line
"""
    assert parse_fstab(text) == {
        "/": ("errors=remount-ro",), "/boot/efi": ("umask=0077",),
        "/mnt/My Disk": ("ro", "noauto"), "none": ("sw",),
    }
