"""Temperatures: each sensor against its own trip points, else temp.celsius.

A sensor's own high/critical points (hwmon *_max/*_crit, thermal zone trip
points) know the hardware; a threshold the inventory sets explicitly for
temp.celsius (or temp.celsius:<sensor>) still wins, because the technician
asked for it. Where no sensor is exposed the answer depends on what the
host is: a VM or container has no hardware of its own to measure (not
applicable, with the detection's evidence); anywhere else it is UNKNOWN, and
loading the sensor drivers is what would help.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fleetcheck.core.checks import (
    EvidenceArg,
    evidence_tuple,
    judged,
    levels_param,
    msg,
    not_applicable,
    num,
)
from fleetcheck.core.checks.virt import Virt
from fleetcheck.core.family import POSIX_KINDS, Category, Family, levels
from fleetcheck.core.ranges import Range, evaluate
from fleetcheck.core.results import CheckResult, Metric
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

NO_SENSORS_REASON = "no temperature sensors exposed"
SENSORS_FIX = "load the sensor drivers: install lm-sensors and run sensors-detect"


@dataclass(frozen=True, slots=True)
class Sensor:
    """One temperature reading in °C; `name` is unique per host (it is the check item)."""

    name: str  # e.g. "coretemp Package id 0", "acpitz"
    current: float | None
    high: float | None = None  # the sensor's own warning point, if it has one
    critical: float | None = None  # the sensor's own critical/trip point


def sensor_names(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Unique names from (chip, label) pairs: 'coretemp Core 0'; repeats get ' #2', ' #3'."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for chip, label in pairs:
        base = f"{chip} {label}".strip() if label else chip
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} #{seen[base]}")
    return out


def _trip(value: float | None) -> Range | None:
    # Drivers report 0 or absurd values for "not set"; only a plausible point counts.
    if value is None or not 0 < value < 200:
        return None
    return Range.parse(f"~:{num(value)}")


def _levels_for(sensor: Sensor, thresholds: Thresholds) -> tuple[Levels, str]:
    configured = thresholds.levels("temp.celsius", sensor.name)
    explicit = (f"temp.celsius:{sensor.name}" in thresholds.overrides
                or "temp.celsius" in thresholds.overrides)
    if explicit:
        return configured, "configured"
    warn, crit = _trip(sensor.high), _trip(sensor.critical)
    if warn is None and crit is None:
        return configured, "default"
    return Levels(warn or configured.warn, crit or configured.crit, "sensor"), "sensor's own"


def check_temperatures(sensors: Sequence[Sensor], thresholds: Thresholds, evidence: EvidenceArg,
                       virt: Virt | None = None, virt_evidence: EvidenceArg = ()) -> list[CheckResult]:
    """`temp:<sensor>` per sensor; one `temp` when there is none: N/A on a VM or container, else UNKNOWN."""
    if not sensors:
        if virt is not None and virt.virtual:
            p = virt.params()
            return [not_applicable("temp", msg("temp.na", **p), msg("temp.na.reason", **p),
                                   evidence_tuple(evidence) + evidence_tuple(virt_evidence))]
        return [judged("temp", State.UNKNOWN, msg("temp.none"), evidence,
                       reason=msg("temp.none.reason"), fix=msg("temp.none.fix"))]
    return [_one(s, thresholds, evidence) for s in sensors]


def _one(sensor: Sensor, thresholds: Thresholds, evidence: EvidenceArg) -> CheckResult:
    check_id = f"temp:{sensor.name}"
    if sensor.current is None:
        return judged(check_id, State.UNKNOWN, msg("temp.noreading", sensor=sensor.name), evidence,
                      reason=msg("temp.noreading.reason"))
    levels, origin = _levels_for(sensor, thresholds)
    state = evaluate(sensor.current, levels.warn, levels.crit)
    p = {"sensor": sensor.name, "celsius": sensor.current, "levels": levels_param(state, levels)}
    if state is State.OK:
        origin_code = {"configured": "temp.origin.configured", "default": "temp.origin.default"}
        summary = msg("temp.ok", origin=origin_code.get(origin, "temp.origin.sensor"), **p)
    else:
        summary = msg("temp", **p)
    metric = Metric.of("temperature", sensor.current, "°C", levels.warn, levels.crit)
    return judged(check_id, state, summary, evidence, metrics=(metric,))


# The catalog's entries for the families this module judges (core/catalog.py collects them).
FAMILIES: tuple[Family, ...] = (
    Family("temp", "Temperature", "Temperatur", Category.FAILURE, POSIX_KINDS,
           thresholds={"temp.celsius": levels("70", "85")}),
)
