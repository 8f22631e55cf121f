"""`--format nagios`: one status line plus perfdata, then one line per problem.

Perfdata follows the monitoring-plugins rules: `'label'=value[UOM];warn;crit;min;max`,
labels quoted when they hold anything but plain characters, `=` and `'`
never in a label, `U` for a value that could not be determined, no
scientific notation, only the standard units (others are left off, the
label names the quantity). A label that cannot be written as it is (it holds
`=`, `'`, `|` or characters that had to be escaped, or is very long) is
replaced by a stable stand-in, `metric_<hash>`, never emitted half-way.
A one-host scan reports that host's metrics; a larger scan reports the counts.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import TextIO

from fleetcheck.cli.output.summary import coverage, ended_early, one_line, problems, set_aside, worst_first
from fleetcheck.core.counts import count
from fleetcheck.core.events import Event
from fleetcheck.core.results import CheckResult, HostResult, Metric, ScanResult
from fleetcheck.core.states import State
from fleetcheck.core.text import clean

WORDS = {State.OK: "OK", State.WARN: "WARNING", State.CRIT: "CRITICAL", State.UNKNOWN: "UNKNOWN"}
UNITS = frozenset({"", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"})
MAX_NAMES = 5  # hosts named per state on the status line
MAX_LONG_LINES = 200

_PLAIN_LABEL = re.compile(r"[A-Za-z0-9_.:/-]+")
LABEL_CAP = 120


def perf_label(text: str) -> str:
    """A perfdata label per the plugin guidelines: quoted with `'` unless plain, never `=` or `'`."""
    label = " ".join(text.split())
    if (not label or clean(label, None) != label or len(label) > LABEL_CAP
            or any(ch in label for ch in "='|\\")):
        digest = hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:12]
        return f"metric_{digest}"  # stable across scans, so a graph keeps its history
    return label if _PLAIN_LABEL.fullmatch(label) else f"'{label}'"


def perf_number(value: float) -> str:
    if isinstance(value, bool):
        value = int(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def perf_value(label: str, value: float | None, unit: str = "", warn: str | None = None,
               crit: str | None = None, lo: float | None = None, hi: float | None = None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        text = "U"
    else:
        text = perf_number(value) + (unit if unit in UNITS else "")
    fields = [warn or "", crit or "",
              "" if lo is None or not math.isfinite(lo) else perf_number(lo),
              "" if hi is None or not math.isfinite(hi) else perf_number(hi)]
    while fields and fields[-1] == "":
        fields.pop()
    return ";".join([f"{perf_label(label)}={text}", *(f.replace(" ", "") for f in fields)])


def metric_perf(check_id: str, m: Metric) -> str:
    return perf_value(f"{check_id}.{m.name}", m.value, m.unit, m.warn, m.crit, m.min, m.max)


def _safe(text: str) -> str:
    """Plugin text must not contain '|': it would start the perfdata."""
    return one_line(text).replace("|", "/")


class NagiosOutput:
    def __init__(self, stream: TextIO, acks: Mapping[tuple[str, str], str] | None = None) -> None:
        self.stream = stream
        self.acks = dict(acks or {})

    def on_event(self, event: Event) -> None:
        return None

    def finish(self, scan: ScanResult) -> None:
        self.stream.write("\n".join(self.lines(scan)) + "\n")
        self.stream.flush()

    def lines(self, scan: ScanResult) -> list[str]:
        state = scan.state
        cov = coverage(scan, self.acks)
        hosts = worst_first(scan.hosts)
        if len(hosts) == 1:
            h = hosts[0]
            worst = h.worst_check()
            unknown = f", {h.unknown_count} check{'s' if h.unknown_count != 1 else ''} could not run"
            text = f"{h.name} {h.state.value}{unknown if h.unknown_count else ''}"
            if worst is not None and worst.state.rank > State.OK.rank:
                text += f" ({worst.id}: {worst.summary})"
            aside = count([h]).set_aside()
            if aside:
                text += f"; {aside}"
            perf = []
            for c in h.checks:
                for m in c.metrics:
                    try:
                        perf.append(metric_perf(c.id, m))
                    except Exception:  # one odd value costs its own perfdata, not the output
                        continue
        else:
            text = cov.line()
            named = []
            for s in (State.CRIT, State.UNKNOWN, State.WARN):
                names = [h.name for h in hosts if h.state is s]
                if names:
                    more = f" +{len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
                    named.append(f"{s.value}: {', '.join(names[:MAX_NAMES])}{more}")
            if named:
                text += f" ({'; '.join(named)})"
            perf = [perf_value("hosts", cov.hosts, lo=0), perf_value("crit", cov.crit, lo=0),
                    perf_value("warn", cov.warn, lo=0), perf_value("unknown", cov.unknown, lo=0),
                    perf_value("unreachable", cov.unreachable, lo=0),
                    perf_value("not_checked", cov.not_checked, lo=0), perf_value("ok", cov.ok, lo=0),
                    perf_value("unknown_checks", cov.unknown_checks, lo=0),
                    perf_value("na_checks", cov.na_checks, lo=0),
                    perf_value("skipped_checks", cov.skipped_checks, lo=0)]
        perf.append(perf_value("scan_time", (scan.finished - scan.started).total_seconds(), "s", lo=0))
        early = ended_early(scan)
        if early:
            text += f"; {early}"
        out = [f"FLEETCHECK {WORDS[state]} - {_safe(text)} | {' '.join(perf)}"]
        long_lines = []
        # problems of every host first, then N/A and skipped: named here, never in the status code
        for pick in (problems, set_aside):
            for h in hosts:
                try:
                    long_lines += self._problem_lines(h, pick(h))
                except Exception as exc:  # one host's data must not take the whole output down
                    long_lines.append(_safe(f"[UNKNOWN] {h.name}: could not render its problems: "
                                            f"{type(exc).__name__}: {exc}"))
        if len(long_lines) > MAX_LONG_LINES:
            extra = len(long_lines) - MAX_LONG_LINES
            long_lines = [*long_lines[:MAX_LONG_LINES], f"... {extra} more problems (see --format json)"]
        return out + long_lines

    @staticmethod
    def _problem_lines(h: HostResult, checks: list[CheckResult]) -> list[str]:
        lines = []
        for c in checks:
            line = f"[{c.state.label}] {h.name} {c.id}: {c.summary}"
            if c.reason and c.reason not in c.summary:
                line += f"; reason: {c.reason}"
            if c.fix:
                line += f"; fix: {c.fix}"
            lines.append(_safe(line))
        return lines
