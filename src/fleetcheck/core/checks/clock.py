"""Clock synchronisation: NTP synchronised (timedatectl / chronyc), and skew against the scanner.

An unsynchronised clock corrupts every event time fleetcheck reads, so it
is WARN; a skew of more than 5 minutes to the scanner's clock is WARN too
(Kerberos' default tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetcheck.core.checks import EvidenceArg, judged, msg
from fleetcheck.core.family import POSIX_KINDS, Category, Family
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


def parse_ntpq(text: str) -> ClockState:
    """`ntpq -pn`: the peer marked '*' is the one the clock is synchronised to."""
    peers = [line for line in text.splitlines()[2:] if line.strip()]
    if not peers:
        raise ValueError("ntpq listed no peers")
    chosen = next((p.split()[0] for p in peers if p.startswith("*")), None)
    return ClockState(chosen is not None, True, "ntpq", f"system peer {chosen[1:]}" if chosen else
                      f"{len(peers)} peers, none selected")


def parse_ntpctl(text: str) -> ClockState:
    """OpenNTPD's `ntpctl -s status`: '... clock synced, stratum 3' or 'clock unsynced'."""
    low = text.lower()
    if "clock unsynced" in low:
        return ClockState(False, True, "ntpctl", text.strip().splitlines()[-1])
    if "clock synced" in low:
        return ClockState(True, True, "ntpctl", text.strip().splitlines()[-1])
    raise ValueError("no 'clock synced' or 'clock unsynced' in ntpctl output")


def check_clock(clock: ClockState, skew_s: float | None, evidence: EvidenceArg, tried: str = "",
                daemons: tuple[str, ...] | None = None) -> list[CheckResult]:
    """`clock.sync`. With no readable sync status the host is judged on its measured skew alone;
    `tried` says what was asked, `daemons` which time daemons run (None: the probe never got as
    far as listing them, so a small skew alone is no OK)."""
    metrics = () if skew_s is None else (Metric.of("skew", round(skew_s, 1), "s"),)
    shown = skew_s is not None and abs(skew_s) > SHOWN_SKEW_S
    p: dict[str, object] = {"skew": abs(skew_s or 0), "skew_note": "clock.skew" if shown else None,
                            "source": clock.source, "limit": MAX_SKEW_S}
    skewed = skew_s is not None and abs(skew_s) > MAX_SKEW_S
    if clock.synchronized is None:
        running = ("clock.daemons.unlisted" if daemons is None else
                   "clock.daemons.running" if daemons else "clock.daemons.none")
        p.update(tried=tried or "-", running=running, daemons=list(daemons or ()))
        why = msg("clock.nostatus", **p)
        fix = msg("clock.install.fix") if daemons == () else None
        if skew_s is None or (daemons is None and not skewed):
            return [judged(CHECK_ID, State.UNKNOWN, msg("clock.unchecked", **p), evidence,
                           metrics=metrics, reason=why, fix=fix)]
        state = State.WARN if skewed else State.OK
        return [judged(CHECK_ID, state, msg("clock.byskew", **p), evidence, metrics=metrics, details=why.en,
                       fix=fix if skewed else None)]
    if not clock.synchronized:
        code = "clock.unsynced.disabled" if clock.ntp_enabled is False else "clock.unsynced"
        return [judged(CHECK_ID, State.WARN, msg(code, **p), evidence, metrics=metrics, details=clock.detail)]
    if skewed:
        return [judged(CHECK_ID, State.WARN, msg("clock.synced.skewed", **p), evidence,
                       metrics=metrics, details=clock.detail)]
    return [judged(CHECK_ID, State.OK, msg("clock.synced", **p), evidence,
                   metrics=metrics, details=clock.detail)]


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("clock.sync", "Time synchronisation", "Zeitsynchronisation", Category.FAILURE, POSIX_KINDS),
)
