"""temp:<sensor>: the sensor's own trip points, configured limits, and no sensors at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetcheck.core.checks.temperature import NO_SENSORS_REASON, Sensor, check_temperatures, sensor_names
from fleetcheck.core.ranges import Range
from fleetcheck.core.results import Evidence
from fleetcheck.core.states import State
from fleetcheck.core.thresholds import Levels, Thresholds

T0 = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
EV = Evidence.of("sensors -j", '{"coretemp-isa-0000": {}}', T0)
DEFAULT = Thresholds()


def levels(warn: str | None, crit: str | None) -> Levels:
    return Levels(None if warn is None else Range.parse(warn), None if crit is None else Range.parse(crit),
                  "host")


@pytest.mark.parametrize(("sensor", "state"), [
    (Sensor("acpitz", 70.0), State.OK),                    # default 70/85, inclusive
    (Sensor("acpitz", 70.5), State.WARN),
    (Sensor("acpitz", 85.0), State.WARN),
    (Sensor("acpitz", 85.5), State.CRIT),
    (Sensor("coretemp Core 0", 80.0, 80.0, 100.0), State.OK),   # the sensor's own points win
    (Sensor("coretemp Core 0", 84.0, 80.0, 100.0), State.WARN),  # above default crit 85? no: own crit 100
    (Sensor("coretemp Core 0", 90.0, 80.0, 100.0), State.WARN),
    (Sensor("coretemp Core 0", 100.5, 80.0, 100.0), State.CRIT),
    (Sensor("nvme Composite", 80.0, None, 75.0), State.CRIT),    # only a critical point: warn from config
    (Sensor("nvme Composite", 72.0, None, 75.0), State.WARN),
    (Sensor("bogus", 60.0, 0.0, 0.0), State.OK),                 # 0 = "not set": defaults apply
    (Sensor("bogus", 72.0, -273.0, 255.0), State.WARN),          # implausible points ignored
])
def test_sensor_levels(sensor: Sensor, state: State) -> None:
    [result] = check_temperatures([sensor], DEFAULT, EV)
    assert (result.id, result.state) == (f"temp:{sensor.name}", state)
    assert result.evidence == (EV,)
    assert result.metrics[0].unit == "°C"


def test_summary_says_whose_limits() -> None:
    [own] = check_temperatures([Sensor("coretemp Core 0", 45.0, 80.0, 100.0)], DEFAULT, EV)
    assert own.summary == "coretemp Core 0 45.0 °C (warn > 80, crit > 100) [sensor's own limits]"
    [hot] = check_temperatures([Sensor("coretemp Core 0", 101.0, 80.0, 100.0)], DEFAULT, EV)
    assert hot.summary == "coretemp Core 0 101.0 °C > crit 100"


def test_explicit_inventory_threshold_beats_sensor_points() -> None:
    sensor = Sensor("coretemp Core 0", 60.0, 80.0, 100.0)
    per_item = Thresholds({"temp.celsius:coretemp Core 0": levels("50", "55")})
    [result] = check_temperatures([sensor], per_item, EV)
    assert result.state is State.CRIT
    assert result.metrics[0].crit == "55"
    plain = Thresholds({"temp.celsius": levels("55", "65")})
    [warned] = check_temperatures([sensor], plain, EV)
    assert warned.state is State.WARN


def test_no_sensors_is_unknown_with_reason() -> None:
    [result] = check_temperatures([], DEFAULT, EV)
    assert (result.id, result.state, result.reason) == ("temp", State.UNKNOWN, NO_SENSORS_REASON)
    assert result.evidence == (EV,)


def test_sensor_without_reading_is_unknown() -> None:
    [result] = check_temperatures([Sensor("acpitz", None)], DEFAULT, EV)
    assert result.state is State.UNKNOWN
    assert result.reason


def test_sensor_names_are_unique_items() -> None:
    pairs = [("coretemp", "Package id 0"), ("coretemp", "Core 0"), ("acpitz", ""), ("acpitz", ""),
             ("nvme", "Composite")]
    assert sensor_names(pairs) == ["coretemp Package id 0", "coretemp Core 0", "acpitz", "acpitz #2",
                                   "nvme Composite"]
