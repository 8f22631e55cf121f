"""Clock synchronisation: NTP synchronised (timedatectl / chronyc), and skew against the scanner.

An unsynchronised clock corrupts every event time fleetcheck reads, so it
is WARN; a skew of more than 5 minutes to the scanner's clock is WARN too
(Kerberos' default tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, judged
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State

CHECK_ID = "clock.sync"
MAX_SKEW_S = 300.0
SHOWN_SKEW_S = 5.0  # the target's clock is read in whole seconds: less is noise


@dataclass(frozen=True, slots=True)
class ClockState:
    synchronized: bool | None  # None: no tool could tell
    ntp_enabled: bool | None = None
    source: str = ""  # "timedatectl" | "chronyc"
    detail: str = ""  # e.g. chrony's "Leap status : Normal"


def parse_timedatectl(text: str) -> ClockState:
    """`timedatectl show` (NTPSynchronized=yes) or the old `status` text ("synchronized: yes")."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if not sep:
            key, sep, value = line.strip().partition(":")
        if sep:
            values[key.strip().lower()] = value.strip().lower()
    synced = values.get("ntpsynchronized") or values.get("system clock synchronized") \
        or values.get("ntp synchronized")
    enabled = values.get("ntp") or values.get("ntp service") or values.get("ntp enabled")
    if synced not in ("yes", "no"):
        raise ValueError("no NTPSynchronized value in timedatectl output")
    return ClockState(synced == "yes", None if enabled is None else enabled in ("yes", "active"),
                      "timedatectl")


def parse_chronyc(text: str) -> ClockState:
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "Leap status":
            status = value.strip()
            return ClockState(status != "Not synchronised", True, "chronyc", f"Leap status: {status}")
    raise ValueError("no 'Leap status' line in chronyc tracking output")


def check_clock(clock: ClockState, skew_s: float | None, evidence: EvidenceArg) -> list[CheckResult]:
    metrics = () if skew_s is None else (Metric.of("skew", round(skew_s, 1), "s"),)
    shown = skew_s is not None and abs(skew_s) > SHOWN_SKEW_S
    skew_text = f", {abs(skew_s or 0):.0f} s off the scanner's clock" if shown else ""
    skewed = skew_s is not None and abs(skew_s) > MAX_SKEW_S
    if clock.synchronized is None:
        return [judged(CHECK_ID, State.WARN if skewed else State.UNKNOWN,
                       f"clock sync not checked{skew_text}", evidence, metrics=metrics,
                       reason="neither timedatectl nor chronyc answered",
                       fix="enable systemd-timesyncd or install chrony")]
    if not clock.synchronized:
        why = " (NTP is disabled)" if clock.ntp_enabled is False else ""
        return [judged(CHECK_ID, State.WARN, f"clock is NOT synchronised{why}{skew_text} ({clock.source})",
                       evidence, metrics=metrics, details=clock.detail)]
    if skewed:
        return [judged(CHECK_ID, State.WARN, f"clock reports synchronised but is{skew_text}", evidence,
                       metrics=metrics, details=clock.detail)]
    return [judged(CHECK_ID, State.OK, f"clock synchronised ({clock.source}){skew_text}", evidence,
                   metrics=metrics, details=clock.detail)]
