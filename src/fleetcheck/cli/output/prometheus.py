"""`--format prometheus`: the scan as Prometheus text exposition, for node_exporter's textfile collector.

Written with prometheus_client (it escapes label values: a host's `"`, `\\` or `}` cannot
end a label or start a series). Written once at the end, atomically with `-o FILE`
(see AtomicTextFile), so the collector never reads half a scan. No sample carries a
timestamp: the textfile collector refuses them; the scan's time is a metric instead.

State encoding (one gauge per host and per check): 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN (the
Nagios codes), -1 N/A, -2 skipped by the inventory, so `> 0` is exactly "needs a look"
and N/A or skipped never reads as OK. docs/prometheus.md lists every metric.
"""

from __future__ import annotations

import errno
import io
import os
import re
from collections.abc import Iterator
from typing import TextIO

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from fleetcheck.core.events import Event
from fleetcheck.core.results import CheckResult, HostResult, ScanResult
from fleetcheck.core.states import Reachability, State

STATE_CODE = {State.OK: 0, State.WARN: 1, State.CRIT: 2, State.UNKNOWN: 3, State.NA: -1, State.SKIPPED: -2}
HOST_LABELS = ["customer", "site", "host", "kind"]
CHECK_LABELS = [*HOST_LABELS, "check"]
# unit -> (factor to the base unit, suffix); a name's own unit word is replaced by the base unit's
UNITS: dict[str, tuple[float, str]] = {
    "B": (1, "bytes"), "KB": (1024, "bytes"), "MB": (1024**2, "bytes"), "GB": (1024**3, "bytes"),
    "TB": (1024**4, "bytes"), "s": (1, "seconds"), "ms": (1e-3, "seconds"), "us": (1e-6, "seconds"),
    "d": (86400, "seconds"), "min": (60, "seconds"), "%": (0.01, "ratio"), "°C": (1, "celsius"),
}
NAME_UNITS = {"_pct": "%", "_days": "d", "_min": "min"}  # unit-less metrics whose name says the unit
_NOT_NAME = re.compile(r"[^a-zA-Z0-9_]+")


def metric_name(name: str, unit: str) -> tuple[str, float]:
    """`used`, `B` -> (`fleetcheck_check_used_bytes`, 1); `used_pct`, `%` -> (`..._used_ratio`, 0.01)."""
    base = _NOT_NAME.sub("_", name).strip("_").lower() or "value"
    if unit not in UNITS:
        unit = next((u for word, u in NAME_UNITS.items() if base.endswith(word)), unit)
    factor, suffix = UNITS.get(unit, (1, ""))
    for word in ("_pct", "_percent", "_days", "_min", "_seconds", "_bytes", "_celsius"):
        if suffix and base.endswith(word):
            base = base[: -len(word)]
    return f"fleetcheck_check_{base}{'_' + suffix if suffix else ''}", factor


class ScanCollector(Collector):
    """One finished scan as metric families."""

    def __init__(self, scan: ScanResult) -> None:
        self.scan = scan

    def collect(self) -> Iterator[Metric]:
        scan, customer = self.scan, self.scan.customer or ""
        host_state = GaugeMetricFamily("fleetcheck_host_state", "Host state: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN",
                                       labels=HOST_LABELS)
        host_up = GaugeMetricFamily("fleetcheck_host_up", "1 if the host answered and was read, else 0",
                                    labels=HOST_LABELS)
        counts = GaugeMetricFamily("fleetcheck_host_checks", "Checks of the host in each state (UNKNOWN, "
                                   "NA: not applicable, SKIPPED: by the inventory, ...)",
                                   labels=[*HOST_LABELS, "state"])
        check_state = GaugeMetricFamily("fleetcheck_check_state", "Check state: 0 OK, 1 WARN, 2 CRIT, "
                                        "3 UNKNOWN, -1 N/A, -2 skipped by the inventory", labels=CHECK_LABELS)
        values: dict[str, GaugeMetricFamily] = {}
        seen: set[tuple[str, ...]] = set()
        for host in scan.hosts:
            labels = [customer, host.site or "", host.name, host.kind]
            host_state.add_metric(labels, STATE_CODE[host.state])
            host_up.add_metric(labels, 1 if host.reachability is Reachability.REACHABLE else 0)
            for state, n in host.check_counts.items():
                counts.add_metric([*labels, state.value], n)
            for check in host.checks:
                key = (host.name, check.id)
                if key in seen:  # two results under one id: the first stands, as in every other format
                    continue
                seen.add(key)
                check_state.add_metric([*labels, check.id], STATE_CODE[check.state])
                self._values(values, seen, labels, host, check)
        duration = GaugeMetricFamily("fleetcheck_scan_duration_seconds", "How long the scan took",
                                     labels=["customer"])
        duration.add_metric([customer], (scan.finished - scan.started).total_seconds())
        stamp = GaugeMetricFamily("fleetcheck_scan_timestamp_seconds", "When the scan finished, Unix time",
                                  labels=["customer"])
        stamp.add_metric([customer], scan.finished.timestamp())
        cancelled = GaugeMetricFamily("fleetcheck_scan_cancelled", "1 if the scan was stopped before "
                                      "every host finished", labels=["customer"])
        cancelled.add_metric([customer], 1 if scan.cancelled else 0)
        yield from (host_state, host_up, counts, check_state, *values.values(), duration, stamp, cancelled)

    @staticmethod
    def _values(families: dict[str, GaugeMetricFamily], seen: set[tuple[str, ...]], labels: list[str],
                host: HostResult, check: CheckResult) -> None:
        for metric in check.metrics:
            if metric.value is None:  # could not be determined: no sample (the check says why)
                continue
            name, factor = metric_name(metric.name, metric.unit)
            family = families.get(name)
            if family is None:
                family = families[name] = GaugeMetricFamily(
                    name, f"Check metric {metric.name}" + (f" ({metric.unit})" if metric.unit else ""),
                    labels=CHECK_LABELS)
            key = (name, host.name, check.id)
            if key in seen:
                continue  # a second metric mapping to the same name in one check: the first stands
            seen.add(key)
            # dividing by 100 gives 0.95 for 95 %, multiplying by 0.01 gives 0.9500000000000001
            scaled = metric.value * factor if factor >= 1 else metric.value / round(1 / factor)
            family.add_metric([*labels, check.id], scaled)


def exposition(scan: ScanResult) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ScanCollector(scan))
    return generate_latest(registry).decode("utf-8")


class AtomicTextFile(io.StringIO):
    """A text stream that becomes FILE in one step when closed, and only if something was written.

    node_exporter may read the file at any moment: it sees the previous scan or this one,
    never half of one; a scan that ended before writing leaves the previous file in place.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        folder = os.path.dirname(path) or "."
        if not os.access(folder, os.W_OK | os.X_OK):  # say so before the scan, not after it
            raise OSError(errno.EACCES if os.path.isdir(folder) else errno.ENOENT,
                          f"cannot write into {folder}")

    def close(self) -> None:
        if not self.closed and self.tell():
            from fleetcheck.report.output import write_atomic

            write_atomic(self.path, self.getvalue().encode("utf-8"), force=True)
        super().close()


class PrometheusOutput:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def on_event(self, event: Event) -> None:
        pass  # the file is written once, from the finished scan

    def finish(self, scan: ScanResult) -> None:
        self.stream.write(exposition(scan))
