"""`--format table`: a Rich table, worst host first, then each problem with its reason.

States are always a word plus a glyph (colour only adds to them), and the
last line says how much could not be checked, so a short table never
suggests more coverage than there was.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fleetcheck.cli.output.summary import (
    STYLES,
    can_print_unicode,
    coverage,
    ended_early,
    one_line,
    problems,
    set_aside,
    state_label,
    worst_first,
)
from fleetcheck.core.events import Event
from fleetcheck.core.results import HostResult, ScanResult
from fleetcheck.core.states import Reachability, State
from fleetcheck.core.text import CELL_CAP

PIPE_WIDTH = 160  # when not printing to a terminal, wrap wide instead of at 80 columns


class TableOutput:
    def __init__(self, stream: TextIO, acks: Mapping[tuple[str, str], str] | None = None) -> None:
        self.stream = stream
        self.unicode = can_print_unicode(stream)
        self.acks = dict(acks or {})  # (host, check id) -> who acknowledged it and why

    def on_event(self, event: Event) -> None:
        return None  # printed once, sorted, at the end

    def _console(self) -> Console:
        tty = self.stream.isatty()
        width = None if tty or os.environ.get("COLUMNS") else PIPE_WIDTH
        return Console(file=self.stream, width=width, highlight=False, emoji=False,
                       safe_box=not self.unicode)

    def _state(self, state: State) -> Text:
        return Text(state_label(state, self.unicode), style=STYLES[state])

    def finish(self, scan: ScanResult) -> None:
        console = self._console()
        hosts = worst_first(scan.hosts)
        table = Table(show_edge=False, pad_edge=False, expand=False)
        for name in ("State", "Host", "Kind", "Address"):
            table.add_column(name, no_wrap=True)
        table.add_column("Unknown", justify="right", no_wrap=True)
        table.add_column("Worst finding", overflow="fold")
        for h in hosts:
            try:
                row = self._row(h)
            except Exception as exc:  # one host's data must not take the whole report down
                row = [self._state(State.UNKNOWN), Text(one_line(h.name, CELL_CAP)), Text(""), Text(""),
                       Text("?"), Text(one_line(f"could not render this host: {type(exc).__name__}: {exc}"))]
            table.add_row(*row)
        console.print(table)
        for h in hosts:
            if h.state is not State.OK or set_aside(h):
                try:
                    console.print(self._problems(h))
                except Exception as exc:
                    console.print(Text(one_line(f"{h.name}: could not render its problems: "
                                                f"{type(exc).__name__}: {exc}")))
        early = ended_early(scan)
        if early:
            console.print(Text(early, style="bold"))
        console.print(Text(coverage(scan, self.acks).line(), style="bold"))

    def _row(self, h: HostResult) -> list[Text]:
        worst = h.worst_check()
        finding = "" if worst is None else f"{worst.id}: {worst.summary}"
        aside = len(set_aside(h))
        if worst is None or not worst.state.judged:
            finding = "no checks ran" if worst is None else "no check applied"
        elif worst.state is State.OK:
            n = h.check_counts[State.OK]
            finding = f"all {n} checks OK" if n > 1 else "1 check OK"
            if aside:
                finding += f", {aside} not applicable or skipped"
        return [self._state(h.state), Text(one_line(h.name, CELL_CAP)), Text(one_line(h.kind, CELL_CAP)),
                Text(one_line(h.address, CELL_CAP)), Text(str(h.unknown_count)), Text(one_line(finding))]

    def _problems(self, h: HostResult) -> Text:
        text = Text("\n")
        text.append_text(self._state(h.state))
        text.append(f"  {one_line(h.name)}", style="bold")
        where = f" ({one_line(h.kind)}, {one_line(h.address)})"
        if h.reachability is not Reachability.REACHABLE:
            where += f", {h.reachability.value.replace('_', ' ')}"
        text.append(where)
        if h.unknown_count:
            text.append(f", {h.unknown_count} unknown")
        for c in problems(h) + set_aside(h):
            text.append("\n  ")
            text.append_text(self._state(c.state))
            text.append(f"  {one_line(c.id)}  ", style="bold")
            text.append(one_line(c.summary))
            if c.reason and c.reason not in c.summary:
                text.append(f"\n      reason: {one_line(c.reason)}")
            if c.fix:
                text.append(f"\n      fix: {one_line(c.fix)}")
            ack = self.acks.get((h.name, c.id))
            if ack is not None:  # shown beside the problem, never instead of it
                text.append(f"\n      acknowledged: {one_line(ack)}", style="italic")
        return text
