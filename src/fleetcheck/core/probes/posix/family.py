"""What every POSIX check family builder shares: the parsed output, thresholds, times, and the guard."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from fleetcheck.core.checks.virt import BlockDevice, Init, Virt, parse_block
from fleetcheck.core.contracts import EventWindows
from fleetcheck.core.probes.judging import judging_failed
from fleetcheck.core.probes.posix.sections import ProbeOutput, Section, unparsable
from fleetcheck.core.results import CheckResult, Evidence
from fleetcheck.core.thresholds import Thresholds

T = TypeVar("T")


class Ctx:
    """What every family builder needs: the output, the host's thresholds, times."""

    def __init__(self, out: ProbeOutput, thresholds: Thresholds, windows: EventWindows, until: datetime,
                 observed: datetime, scanner_now: datetime) -> None:
        self.out = out
        self.thresholds = thresholds
        self.windows = windows
        self.until = until
        self.observed = observed
        self.scanner_now = scanner_now
        self.virt = Virt(None)  # set from the `virt` section once systemd is known (linux.py)
        self.init = Init(None, None)
        self.previous: Mapping[str, Any] = {}  # facts of the host's previous reached result
        self.oom_counter: dict[str, Any] | None = None  # /proc/vmstat oom_kill as a fact, set by the family
        self.unplaced: list[str] = []  # kernel log lines the parser could not place (shown as evidence)
        block = out.get("block")
        self.disks: list[BlockDevice] | None = None if block is None else parse_block(block.lines)

    def since(self, family: str) -> datetime:
        """Where `family`'s event window starts: its last real read on this machine (history)."""
        return self.windows.since(family)

    def boot_time(self) -> datetime | None:
        """The target's boot time: its clock at the probe minus /proc/uptime."""
        up = self.sec("uptime")
        try:
            return self.until - timedelta(seconds=float(up.text.split()[0])) if up is not None else None
        except (ValueError, IndexError):
            return None

    def virt_evidence(self) -> list[Evidence]:
        sec = self.sec("virt")
        return [] if sec is None else [sec.evidence(self.observed)]

    @property
    def as_root(self) -> bool:
        return self.out.meta.get("uid") == "0"

    def sec(self, name: str, item: str | None = None) -> Section | None:
        return self.out.get(name, item)


def guarded(ctx: Ctx, section: Section, check_id: str, what: str, parse: Callable[[], T],
            judge: Callable[[T], list[CheckResult]]) -> list[CheckResult]:
    """Read the host's output with `parse`, then judge what was read with `judge`.

    Output `parse` cannot read is the host's: UNKNOWN "could not parse" with the raw text.
    An exception from `judge` is fleetcheck's own bug: UNKNOWN "fleetcheck failed while
    judging", with the section and a traceback summary as evidence (probes/judging.py).
    """
    try:
        data = parse()
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        return [unparsable(section, check_id, what, ctx.observed, str(exc) or type(exc).__name__)]
    try:
        return judge(data)
    except Exception as exc:  # a bug in the checks: never the host's fault, never escapes
        return [judging_failed(check_id, what, exc, [section.evidence(ctx.observed)], ctx.observed)]
